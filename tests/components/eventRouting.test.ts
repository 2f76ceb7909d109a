/**
 * EventRouting component under Pulumi mocks, plus its pure builders.
 *
 * What a mock test cannot prove: that EventBridge accepts the bus name, patterns and input
 * templates, that it really renders unquoted string placeholders as JSON strings (the transformer
 * check below applies our reading of the documented behaviour, not EventBridge itself), that the
 * role, queue policies and the key policy let EventBridge start executions and write dead letters
 * to the KMS-encrypted queues, that the alerts topic's policy (DataStores) admits the alert
 * target, that the autonamed archive name stays within 48 characters, or that a replay from the
 * archive works. Those need a real `pulumi up` and a test event.
 */
import { expect } from "chai";
import { EventRouting, type EventRoutingArgs } from "../../components/processing/eventRouting";
import {
  archiveEventPattern,
  checkEventBusName,
  eventBridgeTrustPolicy,
  startExecutionPolicy,
} from "../../components/processing/eventRoutingPolicies";
import { decisionEventSource, intakeEventSource } from "../../functions/shared/eventRouting";
import type { AmountLane } from "../../functions/shared/stepContracts";
import { deadLetterQueuePolicy } from "../../components/platform/deadLetterQueuePolicy";
import { installMocks, promiseOf, type MockRecorder, type RecordedResource } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";
import {
  amountLanePatterns,
  amountLanes,
  stateMachineTargetInput,
  type InputTransformer,
  highValueAlertInput,
} from "../../pipeline";

const busType = "aws:cloudwatch/eventBus:EventBus";
const archiveType = "aws:cloudwatch/eventArchive:EventArchive";
const ruleType = "aws:cloudwatch/eventRule:EventRule";
const targetType = "aws:cloudwatch/eventTarget:EventTarget";
const queueType = "aws:sqs/queue:Queue";
const queuePolicyType = "aws:sqs/queuePolicy:QueuePolicy";
const roleType = "aws:iam/role:Role";
const rolePolicyType = "aws:iam/rolePolicy:RolePolicy";

const accountId = "123456789012";
const stateMachineArn = `arn:aws:states:eu-west-1:${accountId}:stateMachine:transactions`;
const alertsTopicArn = `arn:aws:sns:eu-west-1:${accountId}:alerts`;
const kmsKeyArn = `arn:aws:kms:eu-west-1:${accountId}:key/k`;
const baseArgs: EventRoutingArgs = {
  busName: "transaction-pipeline-test",
  stateMachineArn,
  alertsTopicArn,
  kmsKeyArn,
};

/** ARNs and URLs the mocks compute for a child's logical name. */
const mockArn = (service: string, logicalName: string) =>
  `arn:aws:${service}:eu-west-1:${accountId}:${logicalName}`;
const mockQueueUrl = (logicalName: string) =>
  `https://sqs.eu-west-1.amazonaws.com/${accountId}/${logicalName}`;

/** A "Transaction Received" event as the intakes publish it, in the high lane. */
const sampleEvent = {
  version: "0",
  id: "6f2c0f0e-1b7a-4a51-9d7e-2a1f0c9b8e11",
  "detail-type": "Transaction Received",
  source: intakeEventSource,
  account: accountId,
  time: "2025-01-15T10:00:00Z",
  region: "eu-west-1",
  resources: [],
  detail: {
    // A quote and a backslash: EventBridge must escape them for the output to stay JSON.
    transactionId: 'acme#tx-"42"\\a',
    amount: 2500000,
    currency: "JPY",
    amountUsd: 16025.64,
    transaction: { transaction_id: "tx-42", amount: "2500000", currency: "JPY" },
  },
};

function valueAt(event: unknown, path: string): unknown {
  expect(path, `input path ${path}`).to.match(/^\$(\.[A-Za-z0-9_-]+)+$/);
  return path
    .slice(2)
    .split(".")
    .reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], event);
}

/**
 * Renders a transformer the way EventBridge documents it for a JSON template: an unquoted
 * `<name>` becomes the JSON value at its path (strings quoted and escaped, numbers as numbers,
 * objects as objects). Every placeholder must have a path and every path must be used.
 */
function render(transformer: InputTransformer, event: unknown): string {
  const used = new Set<string>();
  const output = transformer.inputTemplate.replace(/<([A-Za-z0-9_-]+)>/g, (_match, key: string) => {
    const path = transformer.inputPaths[key];
    expect(path, `placeholder <${key}> has an input path`).to.be.a("string");
    used.add(key);
    return JSON.stringify(valueAt(event, path));
  });
  expect([...used].sort()).to.deep.equal(Object.keys(transformer.inputPaths).sort());
  return output;
}

describe("EventRouting component", () => {
  let recorder: MockRecorder;
  let routing: EventRouting;

  /** The children of one component instance (all names start with `<name>-`). */
  const childrenOf = (component: string, type: string): RecordedResource[] =>
    recorder.ofType(type).filter((resource) => resource.name.startsWith(`${component}-`));

  before(async () => {
    recorder = await installMocks("event-routing-test");
    routing = new EventRouting("routing", baseArgs);
    new EventRouting("custom", {
      ...baseArgs,
      busName: "transaction-pipeline-custom",
      laneThresholds: { highAboveUsd: 50_000, lowBelowUsd: 500 },
      archiveRetentionDays: 0,
      maximumRetryAttempts: 10,
      maximumEventAgeSeconds: 3_600,
      deadLetterRetentionSeconds: 4 * 24 * 60 * 60,
    });
    await settledResources(recorder);
  });

  after(() => settledResources(recorder));

  describe("resources", () => {
    it("are exactly 1 bus, 1 archive, 4 rules, 4 targets, 4 queues, 4 queue policies, 1 role and 1 role policy", () => {
      const counts = Object.fromEntries(
        [
          busType,
          archiveType,
          ruleType,
          targetType,
          queueType,
          queuePolicyType,
          roleType,
          rolePolicyType,
        ].map((type) => [type, childrenOf("routing", type).length]),
      );
      expect(counts).to.deep.equal({
        [busType]: 1,
        [archiveType]: 1,
        [ruleType]: 4,
        [targetType]: 4,
        [queueType]: 4,
        [queuePolicyType]: 4,
        [roleType]: 1,
        [rolePolicyType]: 1,
      });
      const awsChildren = recorder.resources.filter(
        (resource) => resource.name.startsWith("routing-") && resource.type.startsWith("aws:"),
      );
      expect(awsChildren).to.have.length(20);
    });

    it("create no SNS topic policy (DataStores owns the alerts topic's policy)", () => {
      expect(recorder.ofType("aws:sns/topicPolicy:TopicPolicy")).to.have.length(0);
    });

    it("look the account up once, for the role's aws:SourceAccount condition", () => {
      expect(recorder.calls.map((call) => call.token)).to.deep.equal([
        "aws:index/getCallerIdentity:getCallerIdentity",
        "aws:index/getCallerIdentity:getCallerIdentity",
      ]); // once per component instance
    });
  });

  describe("event bus", () => {
    it("name is exactly busName", () => {
      expect(recorder.one(busType, "routing-bus").inputs.name).to.equal("transaction-pipeline-test");
      expect(recorder.one(busType, "custom-bus").inputs.name).to.equal("transaction-pipeline-custom");
    });
  });

  describe("archive", () => {
    it("archives the bus's events (eventSourceArn) for 30 days by default", () => {
      const archive = recorder.one(archiveType, "routing-archive").inputs;
      expect(archive.eventSourceArn).to.equal(mockArn("cloudwatch", "routing-bus"));
      expect(archive.retentionDays).to.equal(30);
    });

    it("eventPattern keeps only the pipeline's own sources", () => {
      const pattern = JSON.parse(String(recorder.one(archiveType, "routing-archive").inputs.eventPattern));
      expect(pattern).to.deep.equal({ source: [intakeEventSource, decisionEventSource] });
      expect(pattern).to.deep.equal(archiveEventPattern());
    });

    it("archiveRetentionDays 0 is passed on (AWS keeps events indefinitely)", () => {
      expect(recorder.one(archiveType, "custom-archive").inputs.retentionDays).to.equal(0);
    });
  });

  describe("lane rules", () => {
    for (const lane of amountLanes) {
      it(`${lane}: eventPattern is exactly the shared amountLanePatterns().${lane}, on the custom bus`, () => {
        const rule = recorder.one(ruleType, `routing-${lane}`).inputs;
        expect(rule.eventPattern).to.equal(JSON.stringify(amountLanePatterns()[lane]));
        expect(JSON.parse(String(rule.eventPattern))).to.deep.equal(amountLanePatterns()[lane]);
        expect(rule.eventBusName).to.equal("transaction-pipeline-test");
      });
    }

    it("default thresholds route > 10,000 high, 1,000–10,000 medium, < 1,000 low (detail.amountUsd)", () => {
      const ranges = Object.fromEntries(
        amountLanes.map((lane) => [
          lane,
          JSON.parse(String(recorder.one(ruleType, `routing-${lane}`).inputs.eventPattern)).detail.amountUsd,
        ]),
      );
      expect(ranges).to.deep.equal({
        high: [{ numeric: [">", 10_000] }],
        medium: [{ numeric: [">=", 1_000, "<=", 10_000] }],
        low: [{ numeric: [">=", 0, "<", 1_000] }],
      });
    });

    it("laneThresholds change the patterns", () => {
      for (const lane of amountLanes) {
        const pattern = JSON.parse(String(recorder.one(ruleType, `custom-${lane}`).inputs.eventPattern));
        expect(pattern).to.deep.equal(amountLanePatterns({ highAboveUsd: 50_000, lowBelowUsd: 500 })[lane]);
      }
      const high = JSON.parse(String(recorder.one(ruleType, "custom-high").inputs.eventPattern));
      expect(high.detail.amountUsd).to.deep.equal([{ numeric: [">", 50_000] }]);
    });
  });

  describe("state machine targets", () => {
    for (const lane of amountLanes) {
      it(`${lane}: starts the state machine with the shared input, the role, a retry policy and its own DLQ`, () => {
        const target = recorder.one(targetType, `routing-${lane}-target`).inputs;
        expect(target).to.deep.equal({
          eventBusName: "transaction-pipeline-test",
          rule: `routing-${lane}`,
          targetId: "state-machine",
          arn: stateMachineArn,
          roleArn: mockArn("iam", "routing-target-role"),
          inputTransformer: {
            inputPaths: { ...stateMachineTargetInput(lane).inputPaths },
            inputTemplate: stateMachineTargetInput(lane).inputTemplate,
          },
          retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 },
          deadLetterConfig: { arn: mockArn("sqs", `routing-${lane}-dlq`) },
        });
      });
    }

    it("inputTransformer renders to the state machine's input: envelope, detail and lane", () => {
      for (const lane of amountLanes) {
        const target = recorder.one(targetType, `routing-${lane}-target`).inputs;
        const rendered = JSON.parse(render(target.inputTransformer as InputTransformer, sampleEvent));
        expect(rendered).to.deep.equal({
          id: sampleEvent.id,
          source: intakeEventSource,
          "detail-type": "Transaction Received",
          time: sampleEvent.time,
          detail: sampleEvent.detail,
          lane,
        });
      }
    });

    it("maximumRetryAttempts and maximumEventAgeSeconds set every target's retryPolicy", () => {
      for (const target of childrenOf("custom", targetType)) {
        expect(target.inputs.retryPolicy).to.deep.equal({
          maximumRetryAttempts: 10,
          maximumEventAgeInSeconds: 3_600,
        });
      }
    });
  });

  describe("high-value alert target", () => {
    it("publishes the alert transformer's message to the alerts topic, without a role, with its own DLQ", () => {
      const target = recorder.one(targetType, "routing-high-alert-target").inputs;
      expect(target).to.deep.equal({
        eventBusName: "transaction-pipeline-test",
        rule: "routing-high-alert",
        targetId: "high-value-alert",
        arn: alertsTopicArn,
        inputTransformer: { ...highValueAlertInput(), inputPaths: { ...highValueAlertInput().inputPaths } },
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 },
        deadLetterConfig: { arn: mockArn("sqs", "routing-high-alert-dlq") },
      });
    });

    it("only the high-alert rule has an alert target: the high lane's first deliveries, never a redelivery", () => {
      const rulesWithTopic = childrenOf("routing", targetType)
        .filter((target) => target.inputs.arn === alertsTopicArn)
        .map((target) => target.inputs.rule);
      expect(rulesWithTopic).to.deep.equal(["routing-high-alert"]);
      const pattern = JSON.parse(String(recorder.one(ruleType, "routing-high-alert").inputs.eventPattern));
      expect(pattern).to.deep.equal({
        ...amountLanePatterns().high,
        detail: { ...(amountLanePatterns().high.detail as object), redelivery: [{ exists: false }] },
      });
    });

    it("the rendered alert is a JSON object naming the transaction, amounts and lane", () => {
      const rendered = JSON.parse(render(highValueAlertInput(), sampleEvent));
      expect(rendered).to.deep.equal({
        alert: "HIGH_VALUE_RECEIVED",
        lane: "high",
        message: "High-value transaction received; screening follows",
        transactionId: 'acme#tx-"42"\\a',
        amount: "2500000",
        currency: "JPY",
        amountUsd: 16025.64,
        receivedAt: "2025-01-15T10:00:00Z",
        eventId: sampleEvent.id,
      });
    });

    it("the alert never carries the raw transaction body", () => {
      expect(Object.values(highValueAlertInput().inputPaths)).not.to.include("$.detail.transaction");
      expect(Object.values(highValueAlertInput().inputPaths)).not.to.include("$.detail");
    });

    it("string placeholders are unquoted (EventBridge quotes and escapes them)", () => {
      expect(highValueAlertInput().inputTemplate).not.to.match(/"<[A-Za-z0-9_-]+>"/);
    });
  });

  describe("target dead-letter queues", () => {
    it("each target has a distinct queue", () => {
      const queues = childrenOf("routing", targetType).map(
        (target) => (target.inputs.deadLetterConfig as { arn: string }).arn,
      );
      expect(new Set(queues).size).to.equal(4);
      expect(queues.sort()).to.deep.equal(
        ["high", "medium", "low", "high-alert"].map((key) => mockArn("sqs", `routing-${key}-dlq`)).sort(),
      );
    });

    it("are encrypted with the customer-managed key (kmsMasterKeyId) and keep messages 14 days", () => {
      for (const queue of childrenOf("routing", queueType)) {
        expect(queue.inputs).to.deep.equal({
          messageRetentionSeconds: 1_209_600,
          kmsMasterKeyId: kmsKeyArn,
          kmsDataKeyReusePeriodSeconds: 300,
        });
      }
    });

    it("deadLetterRetentionSeconds sets messageRetentionSeconds", () => {
      for (const queue of childrenOf("custom", queueType)) {
        expect(queue.inputs.messageRetentionSeconds).to.equal(345_600);
      }
    });

    for (const [key, rule] of [
      ["high", "high"],
      ["medium", "medium"],
      ["low", "low"],
      ["high-alert", "high-alert"],
    ] as const) {
      it(`${key}: queue policy lets only events.amazonaws.com sqs:SendMessage, from the ${rule} rule`, () => {
        const policy = recorder.one(queuePolicyType, `routing-${key}-dlq-policy`).inputs;
        expect(policy.queueUrl).to.equal(mockQueueUrl(`routing-${key}-dlq`));
        expect(JSON.parse(String(policy.policy))).to.deep.equal({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "RuleSendsUndeliverableEvents",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sqs:SendMessage",
              Resource: mockArn("sqs", `routing-${key}-dlq`),
              Condition: { ArnEquals: { "aws:SourceArn": mockArn("cloudwatch", `routing-${rule}`) } },
            },
          ],
        });
      });
    }
  });

  describe("target role", () => {
    it("trust: only events.amazonaws.com of this account (aws:SourceAccount) may assume it", () => {
      const role = recorder.one(roleType, "routing-target-role").inputs;
      expect(JSON.parse(String(role.assumeRolePolicy))).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
          },
        ],
      });
    });

    it("policy: exactly one statement, states:StartExecution on the state machine", () => {
      const policy = recorder.one(rolePolicyType, "routing-target-policy").inputs;
      expect(policy.role).to.equal("routing-target-role-id");
      expect(JSON.parse(String(policy.policy))).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "StartPipelineExecutions",
            Effect: "Allow",
            Action: ["states:StartExecution"],
            Resource: [stateMachineArn],
          },
        ],
      });
    });
  });

  describe("outputs", () => {
    it("expose the bus, archive, rule names per lane and queue URLs per target", async () => {
      expect(await promiseOf(routing.eventBusName)).to.equal("transaction-pipeline-test");
      expect(await promiseOf(routing.eventBusArn)).to.equal(mockArn("cloudwatch", "routing-bus"));
      expect(await promiseOf(routing.archiveName)).to.equal("routing-archive");
      const byLane = (pick: (lane: AmountLane) => string) =>
        Object.fromEntries(amountLanes.map((lane) => [lane, pick(lane)]));
      expect(await promiseOf(routing.ruleNames)).to.deep.equal(byLane((lane) => `routing-${lane}`));
      const keys = ["high", "medium", "low", "high-alert"];
      expect(await promiseOf(routing.targetDeadLetterQueueUrls)).to.deep.equal(
        Object.fromEntries(keys.map((key) => [key, mockQueueUrl(`routing-${key}-dlq`)])),
      );
    });
  });

  describe("argument checks", () => {
    const build =
      (overrides: Partial<EventRoutingArgs>, name = "bad") =>
      () =>
        new EventRouting(name, { ...baseArgs, ...overrides });

    it("overlapping laneThresholds are rejected, naming laneThresholds", () => {
      expect(build({ laneThresholds: { highAboveUsd: 1_000, lowBelowUsd: 5_000 } })).to.throw(
        /laneThresholds: .*lowBelowUsd/,
      );
    });

    it("fractional or non-positive laneThresholds are rejected, naming laneThresholds", () => {
      expect(build({ laneThresholds: { highAboveUsd: 10_000.5, lowBelowUsd: 1_000 } })).to.throw(
        /laneThresholds: .*highAboveUsd/,
      );
      expect(build({ laneThresholds: { highAboveUsd: 10_000, lowBelowUsd: 0 } })).to.throw(
        /laneThresholds: .*lowBelowUsd/,
      );
    });

    it("negative or fractional archiveRetentionDays is rejected", () => {
      expect(build({ archiveRetentionDays: -1 })).to.throw(/archiveRetentionDays/);
      expect(build({ archiveRetentionDays: 1.5 })).to.throw(/archiveRetentionDays/);
    });

    it("maximumRetryAttempts outside 0–185 is rejected", () => {
      expect(build({ maximumRetryAttempts: 186 })).to.throw(/maximumRetryAttempts/);
      expect(build({ maximumRetryAttempts: -1 })).to.throw(/maximumRetryAttempts/);
    });

    it("maximumEventAgeSeconds outside 60–86400 is rejected", () => {
      expect(build({ maximumEventAgeSeconds: 59 })).to.throw(/maximumEventAgeSeconds/);
      expect(build({ maximumEventAgeSeconds: 86_401 })).to.throw(/maximumEventAgeSeconds/);
    });

    it("deadLetterRetentionSeconds outside 60–1209600 is rejected", () => {
      expect(build({ deadLetterRetentionSeconds: 1_209_601 })).to.throw(/deadLetterRetentionSeconds/);
      expect(build({ deadLetterRetentionSeconds: 30 })).to.throw(/deadLetterRetentionSeconds/);
    });

    it("a bad busName is rejected, naming busName", () => {
      for (const busName of ["", "has/slash", "has space", "aws.events", "default", "x".repeat(257)]) {
        expect(build({ busName }), JSON.stringify(busName)).to.throw(/busName/);
      }
    });

    it("a component name that cannot prefix the archive name is rejected", () => {
      expect(build({}, "x".repeat(33))).to.throw(/EventRouting name/);
      expect(build({}, "has.dot")).to.throw(/EventRouting name "has.dot"/);
    });
  });
});

describe("event routing builders", () => {
  it("checkEventBusName accepts 256 characters of . - _ letters and digits", () => {
    expect(() => checkEventBusName(`a.b-c_D9${"x".repeat(248)}`)).not.to.throw();
    expect(() => checkEventBusName("transaction-pipeline-prod")).not.to.throw();
  });

  it("deadLetterQueuePolicy names exactly one queue and one rule", () => {
    expect(deadLetterQueuePolicy("arn:aws:sqs:r:1:q", "arn:aws:events:r:1:rule/b/r").Statement).to.deep.equal(
      [
        {
          Sid: "RuleSendsUndeliverableEvents",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "arn:aws:sqs:r:1:q",
          Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:events:r:1:rule/b/r" } },
        },
      ],
    );
  });

  it("trust and role policies have a single statement and no wildcard", () => {
    const trust = eventBridgeTrustPolicy("111122223333");
    const policy = startExecutionPolicy("arn:aws:states:r:1:stateMachine:m");
    expect(trust.Statement).to.have.length(1);
    expect(policy.Statement).to.have.length(1);
    expect(JSON.stringify([trust, policy])).not.to.contain("*");
  });
});
