/**
 * What a real AWS account needs of the dev and prod graphs beyond what the mocks accept: the
 * findings of a review of each resource against AWS's documentation, one test each. The IAM
 * side (every call the running system makes, simulated with a real evaluator) is in
 * tests/program/iamSimulation.test.ts.
 *
 * What a mock test cannot prove: that AWS really behaves as the cited documents say. The README's
 * "Not verifiable without an account" list names the command that checks each after `pulumi up`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { project, stackFileConfig } from "../support/stackFileConfig";
import { installMocks, type MockRecorder, type RecordedResource } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";
import { pipelineKeyPolicy } from "../../components/platform/keyPolicy";
import { loadStackConfig, type StackConfig } from "../../stackConfig";

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function statementsOf(resource: RecordedResource): Statement[] {
  const policy = resource.inputs.policy;
  const document = (typeof policy === "string" ? JSON.parse(policy) : policy) as { Statement: Statement[] };
  return document.Statement;
}

/**
 * The functions Lambda invokes asynchronously (S3 notifications, EventBridge rules and schedules),
 * by ContainerFunction name ("screening-lists" runs functions/screening-lists-refresh).
 */
const asynchronouslyInvoked = [
  "csv-intake",
  "csv-transform",
  "notifier",
  "reconciler",
  "archival",
  "screening-lists",
];

describe("the key policy lets EventBridge publish to the encrypted alerts topic", () => {
  it("has no aws:SourceAccount, aws:SourceArn or aws:SourceOrgID on the events.amazonaws.com statement", () => {
    // SNS Developer Guide, "Key management", compatibility: those keys in a KMS key policy are not
    // supported for EventBridge-to-encrypted-topic delivery; with them every high-value alert is dropped.
    const policy = pipelineKeyPolicy({ accountId: "123456789012", region: "eu-west-1", partition: "aws" });
    const forEvents = policy.Statement.filter((statement) =>
      asList((statement.Principal as { Service?: string | string[] }).Service ?? []).includes(
        "events.amazonaws.com",
      ),
    );
    expect(forEvents).to.have.length(1);
    const keys = Object.values(forEvents[0].Condition ?? {}).flatMap((block) => Object.keys(block));
    expect(keys).to.not.include.members(["aws:SourceAccount"]);
    expect(keys.filter((key) => /^aws:Source(Account|Arn|OrgID)$/.test(key))).to.deep.equal([]);
  });
});

describe("the README's event-archive replay example", () => {
  it("passes the archive's ARN, not the bus's, as --event-source-arn", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    const sources = [...readme.matchAll(/--event-source-arn\s+("[^"]+"|\S+)/g)].map((match) => match[1]);
    expect(sources.length).to.be.greaterThan(0);
    for (const source of sources) expect(source).to.not.match(/eventBusArn/);
  });
});

const graphs: Record<string, { recorder: MockRecorder; config: StackConfig }> = {};

for (const stack of ["dev", "prod"]) {
  describe(`the ${stack} stack on a real account`, () => {
    let recorder: MockRecorder;
    let config: StackConfig;
    const fn = (folder: string) => recorder.one("aws:lambda/function:Function", `${folder}-function`);

    before(async () => {
      recorder = await installMocks(`deploy-${stack}`, stackFileConfig(stack), project);
      config = loadStackConfig();
      const { deployPipeline } = await import("../../program");
      deployPipeline("eu-west-1", config);
      await settledResources(recorder);
      graphs[stack] = { recorder, config };
    });

    it("POST /upload validates its required header but no JSON-schema model against the CSV body", () => {
      // API Gateway validates a body against the JSON schema of its content type's model; a CSV
      // body is not JSON, so a model on text/csv would refuse every upload before the function.
      expect(recorder.ofType("aws:apigateway/model:Model")).to.deep.equal([]);
      const validator = recorder.one("aws:apigateway/requestValidator:RequestValidator", "upload-validator");
      expect(validator.inputs.validateRequestBody).to.equal(false);
      expect(validator.inputs.validateRequestParameters).to.equal(true);
      for (const method of recorder.ofType("aws:apigateway/method:Method")) {
        expect(method.inputs.requestModels, method.name).to.equal(undefined);
      }
    });

    it("csv-intake's timeout is upload.intakeTimeoutSeconds, long enough for a presigned file of any size", () => {
      expect(config.upload.intakeTimeoutSeconds).to.be.at.least(300);
      expect(fn("csv-intake").inputs.timeout).to.equal(config.upload.intakeTimeoutSeconds);
      expect(fn("csv-intake").inputs.timeout).to.be.greaterThan(config.functions.timeoutSeconds);
    });

    it("reserves concurrency only where the stack file says so", () => {
      const reserved = recorder
        .ofType("aws:lambda/function:Function")
        .filter((resource) => resource.inputs.reservedConcurrentExecutions !== undefined)
        .map((resource) => [resource.name, resource.inputs.reservedConcurrentExecutions]);
      if (stack === "dev") {
        // A new account's concurrency quota can be 10, and 100 must stay unreserved.
        expect(reserved).to.deep.equal([]);
      } else {
        expect(config.archive.reservedConcurrency).to.equal(1);
        expect(config.sanctions.reservedConcurrency).to.equal(1);
        expect(Object.fromEntries(reserved)).to.deep.equal({
          "validation-function": 100,
          "fraud-detection-function": 100,
          "compliance-function": 100,
          "archival-function": 1,
          "screening-lists-function": 1,
        });
      }
    });

    it("builds each image as one linux/arm64 manifest without provenance or SBOM attestations", () => {
      expect(recorder.ofType("docker:index/image:Image")).to.deep.equal([]);
      const images = recorder.ofType("docker:index/registryImage:RegistryImage");
      expect(images).to.have.length(12);
      for (const image of images) {
        const build = image.inputs.build as Record<string, unknown>;
        expect(build.platform, image.name).to.equal("linux/arm64");
        expect(build.provenance, image.name).to.equal("false");
        expect(build.sbom, image.name).to.equal("false");
        expect(build.builder, image.name).to.be.a("string").and.not.equal("");
      }
      for (const lambda of recorder.ofType("aws:lambda/function:Function")) {
        expect(String(lambda.inputs.imageUri), lambda.name).to.match(/@sha256:[0-9a-f]{64}$/);
      }
    });

    it("publishes metrics to a namespace of its own stack", () => {
      expect(config.metricsNamespace).to.contain(stack);
      for (const lambda of recorder.ofType("aws:lambda/function:Function")) {
        const variables = (lambda.inputs.environment as { variables: Record<string, string> }).variables;
        expect(variables.POWERTOOLS_METRICS_NAMESPACE, lambda.name).to.equal(config.metricsNamespace);
      }
      for (const alarm of recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")) {
        const namespace = alarm.inputs.namespace;
        if (typeof namespace === "string" && !namespace.startsWith("AWS/")) {
          expect(namespace, alarm.name).to.equal(config.metricsNamespace);
        }
      }
    });

    it("texts only what needs a person now: the SMS subscription filters on the alert's status", () => {
      const sms = recorder
        .ofType("aws:sns/topicSubscription:TopicSubscription")
        .filter((subscription) => subscription.inputs.protocol === "sms");
      if (config.alertSms === undefined) {
        expect(sms).to.deep.equal([]);
        return;
      }
      expect(sms).to.have.length(1);
      expect(sms[0].inputs.filterPolicyScope).to.equal("MessageAttributes");
      expect(JSON.parse(String(sms[0].inputs.filterPolicy))).to.deep.equal({ status: ["REVIEW"] });
    });

    it("sends every failed asynchronous invocation to an encrypted on-failure queue", () => {
      const configs = recorder.ofType("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
      expect(configs.map((resource) => resource.name).sort()).to.deep.equal(
        asynchronouslyInvoked.map((folder) => `${folder}-async`).sort(),
      );
      const queues = new Map(recorder.ofType("aws:sqs/queue:Queue").map((queue) => [queue.state.arn, queue]));
      for (const invokeConfig of configs) {
        const destination = (invokeConfig.inputs.destinationConfig as { onFailure: { destination: string } })
          .onFailure.destination;
        const queue = queues.get(destination);
        expect(queue, invokeConfig.name).to.not.equal(undefined);
        expect(queue?.inputs.kmsMasterKeyId, invokeConfig.name).to.be.a("string");
      }
    });

    it("gives the archival, list-refresh and reconciliation schedules' targets a dead-letter queue", () => {
      for (const name of [
        "archival-schedule-target",
        "screening-lists-schedule-target",
        "reconciliation-schedule-target",
      ]) {
        const target = recorder.one("aws:cloudwatch/eventTarget:EventTarget", name);
        expect(target.inputs.deadLetterConfig, name).to.have.property("arn").that.is.a("string");
      }
    });

    it("alarms when EventBridge cannot put an event into a rule's dead-letter queue", () => {
      // The metric is per rule (RuleName, and EventBusName on a custom bus), not per target.
      const rulesWithQueues = new Set(
        recorder
          .ofType("aws:cloudwatch/eventTarget:EventTarget")
          .filter((target) => target.inputs.deadLetterConfig !== undefined)
          .map((target) => String(target.inputs.rule)),
      );
      const alarms = recorder
        .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
        .filter((alarm) => alarm.inputs.metricName === "InvocationsFailedToBeSentToDlq");
      expect(rulesWithQueues.size).to.equal(9);
      expect(
        new Set(alarms.map((alarm) => String((alarm.inputs.dimensions as Record<string, string>).RuleName))),
      ).to.deep.equal(rulesWithQueues);
      for (const alarm of alarms) expect(alarm.inputs.namespace).to.equal("AWS/Events");
    });

    it("creates exactly the interface endpoints some function's code calls through", () => {
      // Functions call DynamoDB and S3 through gateway endpoints; KMS, logs, X-Ray, on-failure
      // destinations and Step Functions are reached by AWS services on their behalf, not from
      // the VPC, so those interface endpoints (about 22 USD a month each) would carry nothing.
      // SQS is there because the reconciler's code dead-letters what it gives up on.
      const services = recorder
        .ofType("aws:ec2/vpcEndpoint:VpcEndpoint")
        .filter((endpoint) => endpoint.inputs.vpcEndpointType === "Interface")
        .map((endpoint) => String(endpoint.inputs.serviceName).split(".").pop());
      expect(services.sort()).to.deep.equal(["events", "secretsmanager", "sns", "sqs"]);
    });

    it("keeps the state machine's log level a stack setting", () => {
      const machine = recorder.one("aws:sfn/stateMachine:StateMachine");
      const logging = machine.inputs.loggingConfiguration as { level: string };
      expect(logging.level).to.equal(config.stateMachineLogLevel);
      expect(logging.level).to.equal(stack === "prod" ? "ERROR" : "ALL");
    });

    it("lets csv-intake list the uploads bucket, so a missing upload is a 404 and not a 403", () => {
      const statements = statementsOf(recorder.one("aws:iam/rolePolicy:RolePolicy", "csv-intake-policy"));
      const bucketArn = recorder.one("aws:s3/bucket:Bucket", "uploads-bucket").state.arn;
      const listing = statements.filter((statement) => asList(statement.Action).includes("s3:ListBucket"));
      expect(listing).to.have.length(1);
      expect(asList(listing[0].Resource)).to.deep.equal([bucketArn]);
    });
  });
}

describe("the account-wide API Gateway logging role", () => {
  it("is managed by exactly one of the stacks", () => {
    const managing = Object.entries(graphs).filter(
      ([, graph]) => graph.recorder.ofType("aws:apigateway/account:Account").length > 0,
    );
    expect(Object.keys(graphs)).to.have.members(["dev", "prod"]);
    expect(managing.map(([stack]) => stack)).to.deep.equal(["prod"]);
  });

  it("differs between the stacks' metrics namespaces", () => {
    expect(graphs.dev.config.metricsNamespace).to.not.equal(graphs.prod.config.metricsNamespace);
  });
});
