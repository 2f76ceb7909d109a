/**
 * The whole program under Pulumi mocks, once per stack file (dev and prod), checked for the
 * invariants that must hold across the graph: encryption, PITR, log retention, least-privilege
 * IAM, images by digest on arm64, no NAT, and the stack's tags on the provider.
 *
 * What a mock test cannot prove: that AWS accepts these inputs, that the IAM grants are enough
 * at run time, that awsx creates the subnets asked for, or that the images build. Provider
 * default tags are not applied under mocks, so they are asserted on the provider's inputs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { parse } from "yaml";
import { installMocks, promiseOf, type MockRecorder, type RecordedResource } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";
import { actionsAllowedOnAnyResource } from "../../components/iamPolicy";
import { logDeliveryActions, tracingActions } from "../../components/transactionStateMachinePolicy";
import { loadStackConfig, type StackConfig } from "../../stackConfig";
import type { PipelineOutputs } from "../../pipeline";

const project = "transaction-pipeline";
const repositoryRoot = path.resolve(__dirname, "../..");

/**
 * Stands in for the signing secrets a real stack holds encrypted (`pulumi config set --secret`);
 * the stack files in the repository carry none.
 */
export const testSigningSecrets = {
  acme: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
  stripe: ["whsec_test_stripe_signing_secret"],
};

/** A stack file's config as the Pulumi engine hands it to the program (objects as JSON text). */
export function stackFileConfig(stack: string): Record<string, string> {
  const file = parse(fs.readFileSync(path.join(repositoryRoot, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries({
      ...file.config,
      [`${project}:webhookSigningSecrets`]: testSigningSecrets,
    }).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}

interface PolicyStatement {
  Action: string | string[];
  Resource: string | string[];
}

function policyStatements(resource: RecordedResource): PolicyStatement[] {
  const policy = resource.inputs.policy;
  const document = (typeof policy === "string" ? JSON.parse(policy) : policy) as {
    Statement: PolicyStatement[];
  };
  return document.Statement;
}

const asList = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

for (const stack of ["dev", "prod"]) {
  describe(`the ${stack} stack under mocks`, () => {
    let recorder: MockRecorder;
    let config: StackConfig;
    let outputs: PipelineOutputs;

    before(async () => {
      recorder = await installMocks(`program-${stack}`, stackFileConfig(stack), project);
      config = loadStackConfig();
      // Loaded after the mocks so the program's module-level state binds to them.
      const { deployPipeline } = await import("../../pipeline");
      outputs = deployPipeline("eu-west-1", config);
      await settledResources(recorder);
    });

    it("tags every taggable resource through the AWS provider's default tags", () => {
      const providers = recorder.ofType("pulumi:providers:aws");
      expect(providers).to.have.length(1);
      // Provider inputs reach the engine as JSON text.
      expect(JSON.parse(String(providers[0].inputs.defaultTags))).to.deep.equal({ tags: config.tags });
      const awsResources = recorder.resources.filter((resource) => resource.type.startsWith("aws:"));
      expect(awsResources.length).to.be.greaterThan(20);
      for (const resource of awsResources) {
        expect(resource.provider, resource.name).to.match(/pulumi:providers:aws::aws::/);
      }
      expect(Object.keys(config.tags)).to.have.members([
        "Environment",
        "Application",
        "Team",
        "CostCenter",
        "Repository",
      ]);
      expect(config.tags.Environment).to.equal(stack);
    });

    it("encrypts every table with the customer-managed key and keeps PITR on", () => {
      const tables = recorder.ofType("aws:dynamodb/table:Table");
      expect(tables.map((table) => table.name)).to.have.members([
        "data-transactions",
        "data-intake-records",
        "archival-archived-transactions",
        "uploads-file-status",
      ]);
      for (const table of tables) {
        expect(table.inputs.pointInTimeRecovery, table.name).to.deep.equal({ enabled: true });
        expect(
          (table.inputs.serverSideEncryption as { enabled: boolean; kmsKeyArn: string }).enabled,
        ).to.equal(true);
        expect((table.inputs.serverSideEncryption as { kmsKeyArn: string }).kmsKeyArn).to.match(
          /^arn:aws:kms:/,
        );
        expect(table.inputs.deletionProtectionEnabled).to.equal(stack === "prod");
      }
    });

    it("encrypts every topic and queue with KMS", () => {
      const topics = recorder.ofType("aws:sns/topic:Topic");
      const queues = recorder.ofType("aws:sqs/queue:Queue");
      expect(topics.length + queues.length).to.be.greaterThan(1);
      // The stack's own customer-managed key, not an AWS-managed alias such as alias/aws/sns.
      const keyArn = recorder.one("aws:kms/key:Key").state.arn;
      for (const resource of [...topics, ...queues]) {
        expect(resource.inputs.kmsMasterKeyId, resource.name).to.equal(keyArn);
      }
    });

    it("runs every Lambda from an arm64 image referenced by digest, traced, with its own retained log group", () => {
      const functions = recorder.ofType("aws:lambda/function:Function");
      expect(functions.map((fn) => fn.name)).to.have.members([
        "validation-function",
        "fraud-detection-function",
        "compliance-function",
        "webhook-intake-function",
        "transaction-status-function",
        "csv-intake-function",
        "file-status-function",
        "csv-transform-function",
        "notifier-function",
        "archival-function",
      ]);
      const logGroups = recorder.ofType("aws:cloudwatch/logGroup:LogGroup");
      for (const fn of functions) {
        expect(fn.inputs.packageType, fn.name).to.equal("Image");
        expect(fn.inputs.imageUri, fn.name).to.match(/@sha256:[0-9a-f]{64}$/);
        expect(String(fn.inputs.imageUri)).not.to.match(/:latest/);
        expect(fn.inputs.architectures).to.deep.equal(["arm64"]);
        expect(fn.inputs.tracingConfig).to.deep.equal({ mode: "Active" });
        const logging = fn.inputs.loggingConfig as { logFormat: string; logGroup: string };
        expect(logging.logFormat).to.equal("JSON");
        const logGroup = logGroups.find((group) => group.state.name === logging.logGroup);
        expect(logGroup, `log group of ${fn.name}`).to.not.equal(undefined);
        expect(logGroup?.inputs.retentionInDays).to.equal(config.logRetentionDays);
      }
      for (const image of recorder.ofType("docker:index/image:Image")) {
        expect((image.inputs.build as { platform: string }).platform).to.equal("linux/arm64");
      }
    });

    it(`reserves concurrency for each state machine step ${stack === "prod" ? "(100)" : "(none in dev)"}, not for the HTTP functions`, () => {
      for (const fn of recorder.ofType("aws:lambda/function:Function")) {
        // One archival run at a time: two would write the same partition's manifest.
        if (fn.name === "archival-function") {
          expect(fn.inputs.reservedConcurrentExecutions).to.equal(1);
          continue;
        }
        const step = ["validation-function", "fraud-detection-function", "compliance-function"].includes(
          fn.name,
        );
        expect(fn.inputs.reservedConcurrentExecutions, fn.name).to.equal(
          step && stack === "prod" ? 100 : undefined,
        );
      }
    });

    it("gives every log group a retention period", () => {
      const logGroups = recorder.ofType("aws:cloudwatch/logGroup:LogGroup");
      // Ten functions, the state machine, and the API's access and execution logs.
      expect(logGroups).to.have.length(13);
      for (const group of logGroups)
        expect(group.inputs.retentionInDays, group.name).to.equal(config.logRetentionDays);
      if (stack === "prod") expect(config.logRetentionDays).to.equal(30);
    });

    it("grants no wildcard IAM action, and '*' resources only where AWS requires them", () => {
      const stateMachineLogDelivery = new Set([...logDeliveryActions, ...tracingActions]);
      const policies = recorder.ofType("aws:iam/rolePolicy:RolePolicy");
      // Ten functions, the state machine, and EventRouting's target role.
      expect(policies).to.have.length(12);
      for (const policy of policies) {
        for (const statement of policyStatements(policy)) {
          for (const action of asList(statement.Action)) expect(action, policy.name).not.to.contain("*");
          if (asList(statement.Resource).includes("*")) {
            for (const action of asList(statement.Action)) {
              expect(
                actionsAllowedOnAnyResource.has(action) || stateMachineLogDelivery.has(action),
                action,
              ).to.equal(true);
            }
          }
        }
      }
    });

    it("lets each function touch only its own tables, with the actions it needs", () => {
      const byName = (name: string) =>
        policyStatements(recorder.one("aws:iam/rolePolicy:RolePolicy", `${name}-policy`));
      const dynamoActions = (name: string) =>
        byName(name)
          .flatMap((statement) => asList(statement.Action))
          .filter((action) => action.startsWith("dynamodb:"));
      expect(dynamoActions("validation")).to.deep.equal([
        "dynamodb:PutItem",
        "dynamodb:GetItem",
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
      ]);
      expect(dynamoActions("fraud-detection")).to.deep.equal(["dynamodb:Query"]);
      expect(dynamoActions("compliance")).to.deep.equal(["dynamodb:Query"]);
      expect(dynamoActions("webhook-intake")).to.deep.equal([
        "dynamodb:PutItem",
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
      ]);
      expect(dynamoActions("transaction-status")).to.deep.equal(["dynamodb:GetItem"]);
      const intakeTableArn = recorder.one("aws:dynamodb/table:Table", "data-intake-records").state.arn;
      const intakeStatement = byName("webhook-intake").find((statement) =>
        asList(statement.Action).includes("dynamodb:PutItem"),
      );
      expect(asList(intakeStatement?.Resource ?? [])).to.deep.equal([intakeTableArn]);
      const secretArn = recorder.one("aws:secretsmanager/secret:Secret").state.arn;
      const secretStatement = byName("webhook-intake").find((statement) =>
        asList(statement.Action).includes("secretsmanager:GetSecretValue"),
      );
      expect(asList(secretStatement?.Resource ?? [])).to.deep.equal([secretArn]);
      const queryResources = byName("compliance").find((statement) =>
        asList(statement.Action).includes("dynamodb:Query"),
      );
      expect(asList(queryResources?.Resource ?? [])).to.deep.equal([
        "arn:aws:dynamodb:eu-west-1:123456789012:data-transactions/index/byCustomerOccurredAt",
      ]);
    });

    it("builds a VPC of isolated subnets only, without NAT gateways", () => {
      const vpc = recorder.one("awsx:ec2:Vpc");
      expect(vpc.inputs.natGateways).to.deep.equal({ strategy: "None" });
      expect((vpc.inputs.subnetSpecs as { type: string }[]).map((spec) => spec.type)).to.deep.equal([
        "Isolated",
      ]);
      expect(recorder.ofType("aws:ec2/natGateway:NatGateway")).to.have.length(0);
    });

    it("deploys one EXPRESS state machine with logging ALL and X-Ray", () => {
      const machine = recorder.one("aws:sfn/stateMachine:StateMachine");
      expect(machine.inputs.type).to.equal("EXPRESS");
      expect((machine.inputs.loggingConfiguration as { level: string }).level).to.equal("ALL");
      expect(machine.inputs.tracingConfiguration).to.deep.equal({ enabled: true });
    });

    it("exports the state machine, table, topic, queue, digests and role ARNs", async () => {
      expect(await promiseOf(outputs.stateMachineArn)).to.match(/^arn:aws:sfn:/);
      expect(await promiseOf(outputs.transactionsTableName)).to.be.a("string");
      expect(await promiseOf(outputs.alertsTopicArn)).to.match(/^arn:aws:sns:/);
      expect(await promiseOf(outputs.deadLetterQueueUrl)).to.match(/^https:\/\/sqs\./);
      const functionFolders = [
        "validation",
        "fraud-detection",
        "compliance",
        "webhook-intake",
        "transaction-status",
        "csv-intake",
        "file-status",
        "csv-transform",
        "notifier",
        "archival",
      ];
      const digests = await promiseOf(outputs.imageDigests);
      expect(Object.keys(digests)).to.have.members(functionFolders);
      for (const digest of Object.values(digests)) expect(digest).to.match(/@sha256:/);
      const roles = await promiseOf(outputs.functionRoleArns);
      expect(Object.keys(roles)).to.have.members(functionFolders);
      expect(await promiseOf(outputs.webhookUrl)).to.match(/^https:\/\/.+\/v1\/webhook$/);
      expect(await promiseOf(outputs.eventBusName)).to.equal(`${project}-program-${stack}`);
      expect(await promiseOf(outputs.stateMachineRoleArn)).to.match(/^arn:aws:iam:/);
    });
  });
}

describe("index.ts, the program Pulumi runs", () => {
  it("reads the dev stack's config and exports every output", async () => {
    const recorder = await installMocks("program-index", stackFileConfig("dev"), project);
    const program = await import("../../index");
    await settledResources(recorder);
    expect(await promiseOf(program.stateMachineArn)).to.match(/^arn:aws:sfn:/);
    expect(Object.keys(await promiseOf(program.imageDigests))).to.have.length(10);
    expect(Object.keys(program)).to.include.members([
      "stateMachineArn",
      "transactionsTableName",
      "alertsTopicArn",
      "deadLetterQueueUrl",
      "imageDigests",
      "functionRoleArns",
      "stateMachineRoleArn",
      "webhookUrl",
      "apiUrl",
      "statusApiKeyId",
      "eventBusName",
      "intakeTableName",
      "webhookSecretArn",
      "archiveBucketName",
      "archivedTransactionsTableName",
      "uploadUrl",
      "uploadsUrl",
      "filesUrl",
      "uploadApiKeyId",
      "uploadsBucketName",
      "fileStatusTableName",
    ]);
  });
});
