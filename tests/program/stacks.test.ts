/**
 * The whole program under Pulumi mocks, once per stack file (dev and prod), checked for the
 * invariants that must hold across the graph: encryption, PITR, log retention, least-privilege
 * IAM, images by digest on arm64, no NAT, and the stack's tags on the provider.
 *
 * What a mock test cannot prove: that AWS accepts these inputs, that the IAM grants are enough
 * at run time, that awsx creates the subnets asked for, or that the images build. Provider
 * default tags are not applied under mocks, so they are asserted on the provider's inputs.
 */
import { expect } from "chai";
import { project, stackFileConfig } from "../support/stackFileConfig";
import { installMocks, promiseOf, type MockRecorder, type RecordedResource } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";
import { actionsAllowedOnAnyResource } from "../../components/platform/iamPolicy";
import { finalDecisions } from "../../components/monitoring/resources";
import { DetailType, intakeEventSource } from "../../functions/shared/eventRouting";
import { EnvironmentName } from "../../functions/shared/environmentNames";
import {
  logDeliveryActions,
  tracingActions,
} from "../../components/processing/transactionStateMachinePolicy";
import { loadStackConfig, type StackConfig } from "../../stackConfig";
import type { PipelineOutputs } from "../../program";
import { csvLoadContinuedPattern, transactionProcessedPattern } from "../../pipeline";

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
      const { deployPipeline } = await import("../../program");
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
        "reconciler-function",
        "archival-function",
        "screening-lists-function",
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
      const images = recorder.ofType("docker:index/registryImage:RegistryImage");
      expect(images).to.have.length(12);
      for (const image of images) {
        expect((image.inputs.build as { platform: string }).platform).to.equal("linux/arm64");
      }
    });

    it(`reserves concurrency for each state machine step ${stack === "prod" ? "(100)" : "(none in dev)"}, not for the HTTP functions`, () => {
      const functions = recorder.ofType("aws:lambda/function:Function");
      expect(functions).to.have.length(12);
      for (const fn of functions) {
        // One archival run at a time in prod: two would write the same partition's manifest; one
        // list refresh at a time in prod: two would race on latest.json.
        if (fn.name === "archival-function" || fn.name === "screening-lists-function") {
          expect(fn.inputs.reservedConcurrentExecutions).to.equal(stack === "prod" ? 1 : undefined);
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
      // Twelve functions, the state machine, and the API's access and execution logs.
      expect(logGroups).to.have.length(15);
      for (const group of logGroups)
        expect(group.inputs.retentionInDays, group.name).to.equal(config.logRetentionDays);
      if (stack === "prod") expect(config.logRetentionDays).to.equal(30);
    });

    it("grants no wildcard IAM action, and '*' resources only where AWS requires them", () => {
      const stateMachineLogDelivery = new Set([...logDeliveryActions, ...tracingActions]);
      const policies = recorder.ofType("aws:iam/rolePolicy:RolePolicy");
      // Twelve functions, the state machine, and EventRouting's target role.
      expect(policies).to.have.length(14);
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

    it("has exactly two topics (business alerts, ops), ten dead-letter queues and the on-failure queue, nine event rules, one REST API and one dashboard", () => {
      expect(recorder.ofType("aws:sns/topic:Topic").map((topic) => topic.name)).to.have.members([
        "data-alerts",
        "ops-topic",
      ]);
      expect(recorder.ofType("aws:sns/topicPolicy:TopicPolicy")).to.have.length(2);
      // Alerts by email (and SMS in prod), plus one email subscription per ops address.
      const subscriptions = recorder.ofType("aws:sns/topicSubscription:TopicSubscription");
      const opsTopicArn = recorder.one("aws:sns/topic:Topic", "ops-topic").state.arn;
      expect(
        subscriptions.filter((subscription) => subscription.inputs.topic === opsTopicArn),
      ).to.have.length(config.monitoring.opsEmails.length);
      expect(subscriptions).to.have.length(
        1 + (config.alertSms === undefined ? 0 : 1) + config.monitoring.opsEmails.length,
      );
      if (stack === "prod") expect(config.monitoring.opsEmails).to.have.length(1);
      expect(recorder.ofType("aws:sqs/queue:Queue").map((queue) => queue.name)).to.have.members([
        "data-dead-letters",
        "routing-high-dlq",
        "routing-medium-dlq",
        "routing-low-dlq",
        "routing-high-alert-dlq",
        "csv-decisions-dlq",
        "csv-load-continued-dlq",
        "archival-schedule-dlq",
        "screening-lists-schedule-dlq",
        "reconciliation-schedule-dlq",
        "async-failures-queue",
      ]);
      expect(recorder.ofType("aws:cloudwatch/eventRule:EventRule").map((rule) => rule.name)).to.have.members([
        "routing-high",
        "routing-medium",
        "routing-low",
        "routing-high-alert",
        "csv-decisions-rule",
        "csv-load-continued-rule",
        "archival-schedule",
        "screening-lists-schedule",
        "reconciliation-schedule",
      ]);
      expect(recorder.ofType("aws:apigateway/restApi:RestApi").map((api) => api.name)).to.deep.equal([
        "ingest-api",
      ]);
      const dashboard = recorder.one("aws:cloudwatch/dashboard:Dashboard");
      expect(dashboard.inputs.dashboardName).to.equal(`${project}-program-${stack}`);
    });

    it("has exactly 52 alarms: error rate and throttles per function (12), the state machine's two, one per queue (11), one per rule's dead-letter delivery (9), the API's two, webhook signatures, the archival no-run, the stale-list and the oldest-undecided alarms", () => {
      const alarms = recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
      expect(alarms).to.have.length(12 * 2 + 2 + 11 + 9 + 2 + 1 + 1 + 1 + 1);
      expect(alarms.filter((alarm) => alarm.name.endsWith("-error-rate"))).to.have.length(12);
      expect(alarms.filter((alarm) => alarm.name.endsWith("-throttles"))).to.have.length(12);
      expect(alarms.filter((alarm) => alarm.name === "screening-lists-stale-lists")).to.have.length(1);
      const oldest = recorder.one(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "reconciliation-oldest-undecided",
      );
      // 15 min × (3 re-drives + 1) + the 5-minute schedule: the delivery guarantee, 65 minutes.
      expect(oldest.inputs).to.deep.include({
        metricName: "OldestUndecidedAgeSeconds",
        threshold: 65 * 60,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "breaching",
        dimensions: { service: "reconciler" },
      });
      expect(
        alarms.filter((alarm) => alarm.name.startsWith("monitoring-dlq-delivery-failed-")),
      ).to.have.length(9);
      expect(alarms.filter((alarm) => alarm.name.startsWith("monitoring-dlq-"))).to.have.length(11 + 9);
      // The any-error alarms ContainerFunction used to create are gone: the error rate replaces them.
      expect(alarms.filter((alarm) => /-errors$/.test(alarm.name))).to.have.length(0);
    });

    it("every alarm notifies the ops topic, on alarm and on recovery, and never the business alerts topic", () => {
      const opsTopicArn = recorder.one("aws:sns/topic:Topic", "ops-topic").state.arn;
      const alarms = recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
      expect(alarms).to.not.have.length(0);
      for (const alarm of alarms) {
        expect(alarm.inputs.alarmActions, alarm.name).to.deep.equal([opsTopicArn]);
        expect(alarm.inputs.okActions, alarm.name).to.deep.equal([opsTopicArn]);
      }
      expect(
        Object.values(recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")).map(
          (alarm) => alarm.inputs.treatMissingData,
        ),
      ).to.not.include(undefined);
    });

    it("every metric of every alarm and of the dashboard has dimensions naming a resource of this stack", () => {
      const functions = recorder.ofType("aws:lambda/function:Function");
      const environmentOf = (fn: RecordedResource) =>
        (fn.inputs.environment as { variables: Record<string, string> }).variables;
      const known: Record<string, unknown[]> = {
        FunctionName: functions.map((fn) => fn.state.name),
        StateMachineArn: recorder
          .ofType("aws:sfn/stateMachine:StateMachine")
          .map((machine) => machine.state.arn),
        QueueName: recorder.ofType("aws:sqs/queue:Queue").map((queue) => queue.state.name),
        ApiName: [recorder.one("aws:apigateway/restApi:RestApi", "ingest-api").state.name],
        Stage: recorder.ofType("aws:apigateway/stage:Stage").map((stage) => stage.inputs.stageName),
        RuleName: recorder.ofType("aws:cloudwatch/eventRule:EventRule").map((rule) => rule.state.name),
        EventBusName: recorder.ofType("aws:cloudwatch/eventBus:EventBus").map((bus) => bus.state.name),
        service: functions.map((fn) => environmentOf(fn)[EnvironmentName.serviceName]),
        decision: [...finalDecisions],
      };
      const check = (where: string, dimensions: Record<string, unknown> | undefined) => {
        expect(Object.keys(dimensions ?? {}), where).to.not.have.length(0);
        for (const [name, value] of Object.entries(dimensions ?? {})) {
          expect(known[name], `${where}: ${name}`).to.include(value);
        }
      };
      const alarms = recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
      expect(alarms).to.not.have.length(0);
      for (const alarm of alarms) {
        const queries = alarm.inputs.metricQueries as
          { metric?: { dimensions?: Record<string, unknown> } }[] | undefined;
        if (queries === undefined) {
          check(alarm.name, alarm.inputs.dimensions as Record<string, unknown>);
        } else {
          const metrics = queries.filter((query) => query.metric !== undefined);
          expect(metrics, alarm.name).to.not.have.length(0);
          for (const query of metrics) check(alarm.name, query.metric?.dimensions);
        }
      }
      const body = JSON.parse(
        String(recorder.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody),
      ) as {
        widgets: { type: string; properties: { title: string; metrics?: unknown[][] } }[];
      };
      const charted = { functions: new Set<unknown>(), queues: new Set<unknown>() };
      const metricWidgets = body.widgets.filter((candidate) => candidate.type === "metric");
      expect(metricWidgets).to.not.have.length(0);
      for (const widget of metricWidgets) {
        expect(widget.properties.metrics ?? [], widget.properties.title).to.not.have.length(0);
        for (const metric of widget.properties.metrics ?? []) {
          const pairs = metric.slice(2, -1) as string[];
          expect(pairs.length % 2, widget.properties.title).to.equal(0);
          const dimensions = Object.fromEntries(
            pairs.flatMap((value, index) => (index % 2 === 0 ? [[value, pairs[index + 1]]] : [])),
          );
          check(`${widget.properties.title} ${String(metric[1])}`, dimensions);
          if (dimensions.FunctionName !== undefined) charted.functions.add(dimensions.FunctionName);
          if (dimensions.QueueName !== undefined) charted.queues.add(dimensions.QueueName);
        }
      }
      // Every function and every queue of the stack is on the dashboard.
      expect([...charted.functions]).to.have.members(known.FunctionName);
      expect([...charted.queues]).to.have.members(known.QueueName);
    });

    it("the KMS key lets CloudWatch use it, so alarms can publish to the encrypted ops topic", () => {
      const policy = JSON.parse(String(recorder.one("aws:kms/key:Key").inputs.policy)) as {
        Statement: { Principal: { Service?: string | string[] }; Action: string | string[] }[];
      };
      const statement = policy.Statement.find((candidate) =>
        asList(candidate.Principal.Service ?? []).includes("cloudwatch.amazonaws.com"),
      );
      expect(asList(statement?.Action ?? [])).to.include.members(["kms:Decrypt", "kms:GenerateDataKey"]);
    });

    it("the notifier's rule (csv-decisions) matches every Transaction Processed event", () => {
      const rule = recorder.one("aws:cloudwatch/eventRule:EventRule", "csv-decisions-rule");
      expect(JSON.parse(String(rule.inputs.eventPattern))).to.deep.equal(transactionProcessedPattern());
    });

    it("csv-load-continued: a rule for csv-transform's continuations, targeting csv-transform with a retry policy, its own dead-letter queue and an invoke permission scoped to the rule", () => {
      const rule = recorder.one("aws:cloudwatch/eventRule:EventRule", "csv-load-continued-rule");
      expect(JSON.parse(String(rule.inputs.eventPattern))).to.deep.equal(csvLoadContinuedPattern());
      const transformArn = recorder.one("aws:lambda/function:Function", "csv-transform-function").state.arn;
      const target = recorder.one("aws:cloudwatch/eventTarget:EventTarget", "csv-load-continued-target");
      const queue = recorder.one("aws:sqs/queue:Queue", "csv-load-continued-dlq");
      expect(target.inputs).to.deep.include({
        rule: rule.state.name,
        arn: transformArn,
        retryPolicy: {
          maximumRetryAttempts: config.routing.maximumRetryAttempts,
          maximumEventAgeInSeconds: config.routing.maximumEventAgeSeconds,
        },
        deadLetterConfig: { arn: queue.state.arn },
      });
      const permission = recorder.one("aws:lambda/permission:Permission", "csv-load-continued-invoke");
      expect(permission.inputs).to.deep.include({
        action: "lambda:InvokeFunction",
        function: transformArn,
        principal: "events.amazonaws.com",
        sourceArn: rule.state.arn,
      });
    });

    it("has exactly twelve Lambda invoke permissions and nine dead-letter queue policies", () => {
      expect(recorder.ofType("aws:lambda/permission:Permission").map((grant) => grant.name)).to.have.members([
        "csv-decisions-invoke",
        "csv-load-continued-invoke",
        "uploads-notifications-intake-permission",
        "uploads-notifications-transform-permission",
        "archival-schedule-permission",
        "screening-lists-schedule-permission",
        "reconciliation-schedule-permission",
        "ingest-webhook-post-permission",
        "ingest-transaction-get-permission",
        "ingest-upload-post-permission",
        "ingest-uploads-post-permission",
        "ingest-file-get-permission",
      ]);
      // The state machine's queue is written by its role; every rule target's queue by EventBridge.
      expect(recorder.ofType("aws:sqs/queuePolicy:QueuePolicy").map((policy) => policy.name)).to.have.members(
        [
          "archival-schedule-dlq-policy",
          "screening-lists-schedule-dlq-policy",
          "reconciliation-schedule-dlq-policy",
          "routing-high-dlq-policy",
          "routing-medium-dlq-policy",
          "routing-low-dlq-policy",
          "routing-high-alert-dlq-policy",
          "csv-decisions-dlq-policy",
          "csv-load-continued-dlq-policy",
        ],
      );
    });

    it("csv-transform may put on the bus only Transaction Received and CSV Load Continued events of the intake source", () => {
      const statements = policyStatements(
        recorder.one("aws:iam/rolePolicy:RolePolicy", "csv-transform-policy"),
      ) as (PolicyStatement & { Sid?: string; Condition?: unknown })[];
      const putEvents = statements.filter((statement) =>
        asList(statement.Action).includes("events:PutEvents"),
      );
      expect(putEvents).to.deep.equal([
        {
          Sid: "PublishRowsAndContinuations",
          Effect: "Allow",
          Action: ["events:PutEvents"],
          Resource: [`arn:aws:events:eu-west-1:123456789012:event-bus/${project}-program-${stack}`],
          Condition: {
            "ForAllValues:StringEquals": {
              "events:source": [intakeEventSource],
              "events:detail-type": [DetailType.received, DetailType.csvLoadContinued],
            },
            Null: { "events:source": "false", "events:detail-type": "false" },
          },
        },
      ]);
    });

    it("the dashboard charts the csv-load-continued rule and its dead-letter queue, and an alarm watches the queue", () => {
      const queueName = recorder.one("aws:sqs/queue:Queue", "csv-load-continued-dlq").state.name;
      const ruleName = recorder.one("aws:cloudwatch/eventRule:EventRule", "csv-load-continued-rule").state
        .name;
      const alarm = recorder.one(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "monitoring-dlq-csv-load-continued",
      );
      expect(JSON.stringify(alarm.inputs)).to.include(String(queueName));
      const body = String(recorder.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody);
      expect(body).to.include(`"QueueName","${String(queueName)}"`);
      expect(body).to.include(`"RuleName","${String(ruleName)}"`);
    });

    it("builds a VPC of isolated subnets only, without NAT gateways", () => {
      const vpc = recorder.one("awsx:ec2:Vpc");
      expect(vpc.inputs.natGateways).to.deep.equal({ strategy: "None" });
      expect((vpc.inputs.subnetSpecs as { type: string }[]).map((spec) => spec.type)).to.deep.equal([
        "Isolated",
      ]);
      expect(recorder.ofType("aws:ec2/natGateway:NatGateway")).to.have.length(0);
    });

    it("deploys one EXPRESS state machine with X-Ray, logging at the stack's level (dev ALL, prod ERROR)", () => {
      const machine = recorder.one("aws:sfn/stateMachine:StateMachine");
      expect(machine.inputs.type).to.equal("EXPRESS");
      expect((machine.inputs.loggingConfiguration as { level: string }).level).to.equal(
        stack === "prod" ? "ERROR" : "ALL",
      );
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
        "reconciler",
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
      expect(await promiseOf(outputs.dashboardName)).to.equal(`${project}-program-${stack}`);
      expect(await promiseOf(outputs.opsTopicArn)).to.equal(
        recorder.one("aws:sns/topic:Topic", "ops-topic").state.arn,
      );
    });
  });
}

describe("index.ts, the program Pulumi runs", () => {
  it("reads the dev stack's config and exports every output", async () => {
    const recorder = await installMocks("program-index", stackFileConfig("dev"), project);
    const program = await import("../../index");
    await settledResources(recorder);
    expect(await promiseOf(program.stateMachineArn)).to.match(/^arn:aws:sfn:/);
    expect(Object.keys(await promiseOf(program.imageDigests))).to.have.length(11);
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
      "dashboardName",
      "opsTopicArn",
    ]);
  });
});
