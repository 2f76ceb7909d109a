/**
 * Monitoring and MonitoringTopic components under Pulumi mocks, plus their pure builders (alarm
 * specs, dashboard body, topic policy, name helpers).
 *
 * What a mock test cannot prove: that CloudWatch accepts the dashboard body and the metric-math
 * expressions (IF/FILL are our reading of the documented functions), that the metrics exist with
 * exactly these dimension sets at run time (that Powertools publishes TransactionsDecided with
 * `service` and `decision` only, that API Gateway publishes per ApiName and Stage, that
 * EventBridge publishes rule metrics with EventBusName on a custom bus), that an alarm really
 * reaches the KMS-encrypted ops topic (the key and topic policies must admit CloudWatch), or that
 * anyone confirms the email subscriptions. Those need a real `pulumi up` and a forced alarm
 * (`aws cloudwatch set-alarm-state`).
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { Monitoring, type MonitoringArgs } from "../../components/monitoring/monitoring";
import {
  defaultAlarmThresholds,
  operationalAlarms,
  type AlarmSpec,
} from "../../components/monitoring/alarms";
import { dashboardMetric, pipelineDashboard, type MetricWidget } from "../../components/monitoring/dashboard";
import {
  eventRuleNameFromArn,
  queueNameFromUrl,
  type MonitoredResources,
} from "../../components/monitoring/resources";
import { emailSubscriptionKey, MonitoringTopic } from "../../components/monitoring/monitoringTopic";
import { opsTopicPolicy } from "../../components/monitoring/topicPolicy";
import { MetricName } from "../../functions/shared/metricNames";
import { installMocks, promiseOf, type MockRecorder, type RecordedResource } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const alarmType = "aws:cloudwatch/metricAlarm:MetricAlarm";
const dashboardType = "aws:cloudwatch/dashboard:Dashboard";
const topicType = "aws:sns/topic:Topic";
const topicPolicyType = "aws:sns/topicPolicy:TopicPolicy";
const subscriptionType = "aws:sns/topicSubscription:TopicSubscription";

const accountId = "123456789012";
const kmsKeyArn = `arn:aws:kms:eu-west-1:${accountId}:key/k`;
const opsTopicArn = `arn:aws:sns:eu-west-1:${accountId}:ops`;
const stateMachineArn = `arn:aws:states:eu-west-1:${accountId}:stateMachine:transactions`;
const queueUrl = (name: string) => `https://sqs.eu-west-1.amazonaws.com/${accountId}/${name}`;

const functionNames = {
  validation: "validation-function-1a2b3c4",
  "fraud-detection": "fraud-detection-function-1a2b3c4",
  notifier: "notifier-function-1a2b3c4",
  "webhook-intake": "webhook-intake-function-1a2b3c4",
};
const deadLetterQueueNames = { "state-machine": "data-dead-letters-1", "routing-high": "routing-high-dlq-1" };

/** Resolved names, as the pure builders see them in these tests. */
const resources: MonitoredResources = {
  metricsNamespace: "TransactionPipeline",
  apiName: "ingest-api-1a2b3c4",
  apiStageName: "v1",
  stateMachineArn,
  functionNames,
  deadLetterQueueNames,
  eventBusName: "transaction-pipeline-test",
  eventRuleNames: { "routing-high": "routing-high-1a2b3c4" },
  scheduleRuleNames: { archival: "archival-schedule-1a2b3c4" },
};

/** Every dimension name → the values that name a real resource in `resources`. */
const knownDimensionValues: Record<string, string[]> = {
  ApiName: [String(resources.apiName)],
  Stage: [String(resources.apiStageName)],
  StateMachineArn: [stateMachineArn],
  FunctionName: Object.values(functionNames),
  QueueName: Object.values(deadLetterQueueNames),
  RuleName: ["routing-high-1a2b3c4", "archival-schedule-1a2b3c4"],
  EventBusName: ["transaction-pipeline-test"],
  service: ["notifier", "fraud-detection", "webhook-intake"],
  decision: ["APPROVED", "REVIEW", "REJECTED"],
};

/** A dashboard metric array as `{namespace, metricName, dimensions, rendering}`. */
function parseMetric(metric: readonly unknown[]) {
  const [namespace, metricName, ...rest] = metric;
  const rendering = rest[rest.length - 1] as { label: string; stat?: string };
  const pairs = rest.slice(0, -1) as string[];
  const dimensions: Record<string, string> = {};
  for (let index = 0; index < pairs.length; index += 2) dimensions[pairs[index]] = pairs[index + 1];
  return { namespace, metricName, dimensions, rendering, odd: pairs.length % 2 === 1 };
}

const metricWidgets = (body: { widgets: { type: string }[] }) =>
  body.widgets.filter((widget): widget is MetricWidget => widget.type === "metric");

const lambdaRate = (functionName: string) => [
  {
    id: "e",
    metric: {
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: functionName },
      stat: "Sum",
      period: 300,
    },
    returnData: false,
  },
  {
    id: "i",
    metric: {
      namespace: "AWS/Lambda",
      metricName: "Invocations",
      dimensions: { FunctionName: functionName },
      stat: "Sum",
      period: 300,
    },
    returnData: false,
  },
  { id: "rate", expression: "IF(i > 0, 100 * FILL(e, 0) / i, 0)", label: "Error rate (%)", returnData: true },
];

describe("monitoring builders (pure)", () => {
  describe("name helpers", () => {
    it("queueNameFromUrl takes the queue name from an SQS URL and refuses anything else", () => {
      expect(queueNameFromUrl(queueUrl("data-dead-letters-1"))).to.equal("data-dead-letters-1");
      expect(queueNameFromUrl(queueUrl("jobs.fifo"))).to.equal("jobs.fifo");
      expect(() => queueNameFromUrl("arn:aws:sqs:eu-west-1:123456789012:q")).to.throw(/not an SQS queue URL/);
    });

    it("eventRuleNameFromArn reads the name on a custom bus and on the default bus", () => {
      expect(
        eventRuleNameFromArn("arn:aws:events:eu-west-1:123456789012:rule/my-bus/csv-decisions-rule-1"),
      ).to.equal("csv-decisions-rule-1");
      expect(eventRuleNameFromArn("arn:aws:events:eu-west-1:123456789012:rule/archival-schedule-1")).to.equal(
        "archival-schedule-1",
      );
      expect(() => eventRuleNameFromArn("rule/x")).to.throw(/not an EventBridge rule ARN/);
    });
  });

  describe("operationalAlarms", () => {
    const specs = operationalAlarms(resources);

    it("alarm when EventBridge cannot put an event into a rule's dead-letter queue (the event is lost)", () => {
      expect(byKey("dlq-delivery-failed-routing-high").inputs).to.deep.include({
        namespace: "AWS/Events",
        metricName: "InvocationsFailedToBeSentToDlq",
        statistic: "Sum",
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
      expect(byKey("dlq-delivery-failed-routing-high").inputs.dimensions).to.have.keys(
        "EventBusName",
        "RuleName",
      );
      expect(byKey("dlq-delivery-failed-archival").inputs.dimensions).to.have.keys("RuleName");
    });
    const byKey = (key: string): AlarmSpec => {
      const spec = specs.find((candidate) => candidate.key === key);
      if (spec === undefined) throw new Error(`no alarm ${key}`);
      return spec;
    };

    it("are exactly two per function, two for the state machine, one per queue, one per rule's DLQ delivery, two for the API and one for webhook signatures", () => {
      expect(specs.map((spec) => spec.key)).to.deep.equal([
        "validation-error-rate",
        "validation-throttles",
        "fraud-detection-error-rate",
        "fraud-detection-throttles",
        "notifier-error-rate",
        "notifier-throttles",
        "webhook-intake-error-rate",
        "webhook-intake-throttles",
        "state-machine-failed",
        "state-machine-timed-out",
        "dlq-state-machine",
        "dlq-routing-high",
        "dlq-delivery-failed-routing-high",
        "dlq-delivery-failed-archival",
        "api-5xx-rate",
        "api-latency-p99",
        "webhook-signature-failures",
      ]);
    });

    it("a function's error rate is metric math 100*e/i over 5 minutes, guarded against no invocations, above 5 %", () => {
      expect(byKey("validation-error-rate").inputs).to.deep.equal({
        alarmDescription: "More than 5% of the validation function's invocations failed in 5 minutes",
        metricQueries: lambdaRate("validation-function-1a2b3c4"),
        evaluationPeriods: 1,
        threshold: 5,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
    });

    it("a function's throttles alarm on any throttle in a minute", () => {
      expect(byKey("notifier-throttles").inputs).to.deep.equal({
        alarmDescription: "Lambda throttled the notifier function (concurrency exhausted)",
        namespace: "AWS/Lambda",
        metricName: "Throttles",
        dimensions: { FunctionName: "notifier-function-1a2b3c4" },
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
    });

    it("state machine ExecutionsFailed and ExecutionsTimedOut alarm above 0, by StateMachineArn", () => {
      for (const [key, metricName] of [
        ["state-machine-failed", "ExecutionsFailed"],
        ["state-machine-timed-out", "ExecutionsTimedOut"],
      ]) {
        expect(byKey(key).inputs).to.deep.include({
          namespace: "AWS/States",
          metricName,
          dimensions: { StateMachineArn: stateMachineArn },
          statistic: "Sum",
          period: 60,
          evaluationPeriods: 1,
          threshold: 0,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
        });
      }
    });

    it("each dead-letter queue alarms on one visible message, by QueueName", () => {
      expect(byKey("dlq-routing-high").inputs).to.deep.equal({
        alarmDescription: "The routing-high dead-letter queue holds messages: inspect, fix, then replay them",
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: "routing-high-dlq-1" },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
      });
    });

    it("API 5XX rate is metric math 100*e/c by ApiName and Stage, above 1 %", () => {
      const api = { ApiName: "ingest-api-1a2b3c4", Stage: "v1" };
      const sum = (metricName: string) => ({
        namespace: "AWS/ApiGateway",
        metricName,
        dimensions: api,
        stat: "Sum",
        period: 300,
      });
      expect(byKey("api-5xx-rate").inputs).to.deep.equal({
        alarmDescription: "More than 1% of API requests answered 5XX in 5 minutes",
        metricQueries: [
          { id: "e", metric: sum("5XXError"), returnData: false },
          { id: "c", metric: sum("Count"), returnData: false },
          {
            id: "rate",
            expression: "IF(c > 0, 100 * FILL(e, 0) / c, 0)",
            label: "5XX rate (%)",
            returnData: true,
          },
        ],
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
    });

    it("API p99 Latency above 3000 ms for two 5-minute periods", () => {
      expect(byKey("api-latency-p99").inputs).to.deep.equal({
        alarmDescription: "API p99 latency above 3000 ms for 10 minutes",
        namespace: "AWS/ApiGateway",
        metricName: "Latency",
        dimensions: { ApiName: "ingest-api-1a2b3c4", Stage: "v1" },
        extendedStatistic: "p99",
        period: 300,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        threshold: 3000,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
    });

    it("webhook signature failures: the shared metric name, service=webhook-intake, summed over 5 minutes above 20", () => {
      expect(byKey("webhook-signature-failures").inputs).to.deep.equal({
        alarmDescription: "More than 20 webhook deliveries failed their signature check in 5 minutes",
        namespace: "TransactionPipeline",
        metricName: MetricName.webhookSignatureFailures,
        dimensions: { service: "webhook-intake" },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 20,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
    });

    it("thresholds are the ones given", () => {
      const custom = operationalAlarms(resources, {
        lambdaErrorRatePercent: 10,
        apiServerErrorRatePercent: 2.5,
        apiLatencyP99Milliseconds: 5000,
        webhookSignatureFailuresPer5Minutes: 100,
      });
      const threshold = (key: string) => custom.find((spec) => spec.key === key)?.inputs.threshold;
      expect(
        [
          "compliance-error-rate",
          "validation-error-rate",
          "api-5xx-rate",
          "api-latency-p99",
          "webhook-signature-failures",
        ].map(threshold),
      ).to.deep.equal([undefined, 10, 2.5, 5000, 100]);
      expect(defaultAlarmThresholds).to.deep.equal({
        lambdaErrorRatePercent: 5,
        apiServerErrorRatePercent: 1,
        apiLatencyP99Milliseconds: 3000,
        webhookSignatureFailuresPer5Minutes: 20,
      });
    });

    it("every alarm metric, plain or in metric math, has dimensions naming a real resource", () => {
      for (const spec of specs) {
        const metrics = spec.inputs.metricQueries
          ? (spec.inputs.metricQueries as { metric?: { dimensions: Record<string, string> } }[])
              .filter((query) => query.metric !== undefined)
              .map((query) => query.metric?.dimensions ?? {})
          : [spec.inputs.dimensions as Record<string, string>];
        expect(metrics.length, spec.key).to.be.greaterThan(0);
        for (const dimensions of metrics) {
          expect(Object.keys(dimensions ?? {}), spec.key).to.not.have.length(0);
          for (const [name, value] of Object.entries(dimensions)) {
            expect(knownDimensionValues[name], `${spec.key}: ${name}`).to.include(value);
          }
        }
      }
    });

    it("two alarms with one name are refused", () => {
      expect(() =>
        operationalAlarms({
          ...resources,
          functionNames: { ...functionNames, dlq: "f" },
          deadLetterQueueNames: { "state-machine": "q", "error-rate": "q2" },
        }),
      ).to.throw(/two alarms would both be named "dlq-error-rate"/);
    });
  });

  describe("pipelineDashboard", () => {
    const alarmArns = ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a"];
    const body = pipelineDashboard(resources, "eu-west-1", alarmArns);
    const widget = (title: string) => {
      const found = metricWidgets(body).find((candidate) => candidate.properties.title === title);
      if (found === undefined) throw new Error(`no widget ${title}`);
      return found;
    };
    const metricsOf = (title: string) =>
      widget(title).properties.metrics.map((metric) => parseMetric(metric as readonly unknown[]));

    it("every metric of every widget has dimensions, each naming a real resource", () => {
      const widgets = metricWidgets(body);
      expect(widgets).to.have.length(15);
      for (const { properties } of widgets) {
        expect(properties.region, properties.title).to.equal("eu-west-1");
        expect(properties.metrics.length, properties.title).to.be.greaterThan(0);
        for (const metric of properties.metrics) {
          const parsed = parseMetric(metric as readonly unknown[]);
          expect(parsed.odd, properties.title).to.equal(false);
          expect(
            Object.keys(parsed.dimensions),
            `${properties.title}: ${String(parsed.metricName)}`,
          ).to.not.have.length(0);
          for (const [name, value] of Object.entries(parsed.dimensions)) {
            expect(knownDimensionValues[name], `${properties.title}: ${name}`).to.include(value);
          }
        }
      }
    });

    it("API intake rate, 4XX/5XX and Latency p50/p99 by ApiName and Stage", () => {
      const api = { ApiName: "ingest-api-1a2b3c4", Stage: "v1" };
      expect(metricsOf("API requests (intake rate per minute)")).to.deep.equal([
        {
          namespace: "AWS/ApiGateway",
          metricName: "Count",
          dimensions: api,
          rendering: { label: "Requests" },
          odd: false,
        },
      ]);
      expect(
        metricsOf("API errors").map(({ metricName, dimensions }) => [metricName, dimensions]),
      ).to.deep.equal([
        ["4XXError", api],
        ["5XXError", api],
      ]);
      expect(
        metricsOf("API latency (ms)").map(({ metricName, rendering }) => [metricName, rendering.stat]),
      ).to.deep.equal([
        ["Latency", "p50"],
        ["Latency", "p99"],
      ]);
    });

    it("TransactionsDecided per decision (service=notifier) per minute, FraudScore p50/p90/p99 (service=fraud-detection)", () => {
      expect(
        metricsOf("Transactions decided per minute").map(({ namespace, metricName, dimensions }) => [
          namespace,
          metricName,
          dimensions,
        ]),
      ).to.deep.equal(
        ["APPROVED", "REVIEW", "REJECTED"].map((decision) => [
          "TransactionPipeline",
          MetricName.transactionsDecided,
          { service: "notifier", decision },
        ]),
      );
      expect(widget("Transactions decided per minute").properties).to.include({ stat: "Sum", period: 60 });
      expect(
        metricsOf("Fraud score (0-100)").map(({ metricName, dimensions, rendering }) => [
          metricName,
          dimensions,
          rendering.stat,
        ]),
      ).to.deep.equal(
        ["p50", "p90", "p99"].map((stat) => [MetricName.fraudScore, { service: "fraud-detection" }, stat]),
      );
    });

    it("state machine executions started/succeeded/failed/timed out by StateMachineArn", () => {
      expect(
        metricsOf("State machine executions").map(({ namespace, metricName, dimensions }) => [
          namespace,
          metricName,
          dimensions,
        ]),
      ).to.deep.equal(
        ["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut"].map((name) => [
          "AWS/States",
          name,
          { StateMachineArn: stateMachineArn },
        ]),
      );
    });

    it("each function's Invocations, Errors, Throttles and Duration p99, labelled by folder", () => {
      for (const [title, metricName, stat] of [
        ["Lambda invocations", "Invocations", "Sum"],
        ["Lambda errors", "Errors", "Sum"],
        ["Lambda throttles", "Throttles", "Sum"],
        ["Lambda duration p99 (ms)", "Duration", "p99"],
      ]) {
        expect(widget(title).properties.stat).to.equal(stat);
        expect(
          metricsOf(title).map(({ metricName: name, dimensions, rendering }) => [
            name,
            dimensions,
            rendering.label,
          ]),
        ).to.deep.equal(
          Object.entries(functionNames).map(([folder, functionName]) => [
            metricName,
            { FunctionName: functionName },
            folder,
          ]),
        );
      }
    });

    it("each dead-letter queue's visible messages and oldest message age by QueueName", () => {
      for (const [title, metricName] of [
        ["Dead-letter queues: messages waiting", "ApproximateNumberOfMessagesVisible"],
        ["Dead-letter queues: oldest message age (s)", "ApproximateAgeOfOldestMessage"],
      ]) {
        expect(metricsOf(title).map(({ metricName: name, dimensions }) => [name, dimensions])).to.deep.equal(
          Object.values(deadLetterQueueNames).map((queueName) => [metricName, { QueueName: queueName }]),
        );
      }
    });

    it("rules on the custom bus carry RuleName and EventBusName, scheduled rules RuleName only", () => {
      for (const title of [
        "Event rules: failed invocations",
        "Event rules: invocations sent to dead-letter queues",
      ]) {
        expect(metricsOf(title).map(({ dimensions }) => dimensions)).to.deep.equal([
          { RuleName: "routing-high-1a2b3c4", EventBusName: "transaction-pipeline-test" },
          { RuleName: "archival-schedule-1a2b3c4" },
        ]);
      }
      expect(metricsOf("Event rules: failed invocations")[0].metricName).to.equal("FailedInvocations");
      expect(metricsOf("Event rules: invocations sent to dead-letter queues")[0].metricName).to.equal(
        "InvocationsSentToDlq",
      );
    });

    it("opens with the alarms, then lays widgets out two per row without overlap", () => {
      expect(body.widgets[0]).to.deep.equal({
        type: "alarm",
        x: 0,
        y: 0,
        width: 24,
        height: 4,
        properties: { title: "Alarms", alarms: alarmArns },
      });
      const cells = new Set(metricWidgets(body).map((w) => `${w.x},${w.y}`));
      expect(cells.size).to.equal(metricWidgets(body).length);
      for (const w of metricWidgets(body)) expect(w.x + w.width).to.be.at.most(24);
    });

    it("a metric without dimensions is refused", () => {
      expect(() => dashboardMetric("AWS/Lambda", "Errors", {}, { label: "all" })).to.throw(
        /must name its resource/,
      );
    });
  });

  describe("opsTopicPolicy", () => {
    it("the account administers; only this account's CloudWatch alarms in this region publish", () => {
      const topicArn = `arn:aws:sns:eu-west-1:${accountId}:ops`;
      expect(opsTopicPolicy({ topicArn, accountId, region: "eu-west-1", partition: "aws" })).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AccountAdministersTopic",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${accountId}:root` },
            Action: [
              "sns:GetTopicAttributes",
              "sns:SetTopicAttributes",
              "sns:AddPermission",
              "sns:RemovePermission",
              "sns:DeleteTopic",
              "sns:Subscribe",
              "sns:ListSubscriptionsByTopic",
              "sns:Publish",
            ],
            Resource: topicArn,
          },
          {
            Sid: "AlarmsOfThisAccountPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: {
              StringEquals: { "aws:SourceAccount": accountId },
              ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:eu-west-1:${accountId}:alarm:*` },
            },
          },
        ],
      });
    });

    it("subscription keys are the address in dashes", () => {
      expect(emailSubscriptionKey("Payments.OnCall@Example.com")).to.equal("payments-oncall-example-com");
    });
  });
});

describe("Monitoring components under mocks", () => {
  let recorder: MockRecorder;
  let monitoring: Monitoring;
  let topic: MonitoringTopic;

  /** The one resource of a type whose logical name is exactly `name`. */
  function exact(type: string, name: string): RecordedResource {
    const matches = recorder.ofType(type).filter((resource) => resource.name === name);
    if (matches.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${matches.length}`);
    return matches[0];
  }

  const baseArgs: MonitoringArgs = {
    dashboardName: "transaction-pipeline-test",
    opsTopicArn,
    metricsNamespace: "TransactionPipeline",
    apiName: "ingest-api-1a2b3c4",
    apiStageName: "v1",
    stateMachineArn,
    functionNames,
    deadLetterQueueUrls: {
      "state-machine": queueUrl("data-dead-letters-1"),
      "routing-high": queueUrl("routing-high-dlq-1"),
    },
    eventBusName: "transaction-pipeline-test",
    eventRuleNames: { "routing-high": "routing-high-1a2b3c4" },
    scheduleRuleNames: { archival: "archival-schedule-1a2b3c4" },
  };

  before(async () => {
    recorder = await installMocks("monitoring-test");
    topic = new MonitoringTopic("ops", {
      kmsKeyArn,
      emails: ["oncall@example.com", "payments.lead@example.com"],
    });
    new MonitoringTopic("quiet", { kmsKeyArn });
    monitoring = new Monitoring("monitoring", {
      ...baseArgs,
      // Outputs, as the pipeline passes them.
      deadLetterQueueUrls: {
        "state-machine": pulumi.output(queueUrl("data-dead-letters-1")),
        "routing-high": queueUrl("routing-high-dlq-1"),
      },
    });
    new Monitoring("strict", {
      ...baseArgs,
      dashboardName: "strict",
      lambdaErrorRatePercent: 2,
      apiServerErrorRatePercent: 0.5,
      apiLatencyP99Milliseconds: 1500,
      webhookSignatureFailuresPer5Minutes: 5,
    });
    await settledResources(recorder);
  });

  after(() => settledResources(recorder));

  describe("MonitoringTopic", () => {
    it("creates exactly the topic, its policy and one email subscription per address", () => {
      const ofOps = recorder.resources
        .filter((resource) => resource.name === "ops" || resource.name.startsWith("ops-"))
        .map((resource) => [resource.type, resource.name])
        .sort(([, a], [, b]) => a.localeCompare(b));
      expect(ofOps).to.deep.equal([
        ["txn:monitoring:MonitoringTopic", "ops"],
        [subscriptionType, "ops-email-oncall-example-com"],
        [subscriptionType, "ops-email-payments-lead-example-com"],
        [topicType, "ops-topic"],
        [topicPolicyType, "ops-topic-policy"],
      ]);
      expect(recorder.ofType(subscriptionType).filter((s) => s.name.startsWith("quiet-"))).to.have.length(0);
    });

    it("the topic is encrypted with the pipeline key (kmsMasterKeyId)", () => {
      expect(exact(topicType, "ops-topic").inputs).to.deep.equal({ kmsMasterKeyId: kmsKeyArn });
    });

    it("the topic policy admits this account's CloudWatch alarms only", () => {
      const topicArn = `arn:aws:sns:eu-west-1:${accountId}:ops-topic`;
      const policy = exact(topicPolicyType, "ops-topic-policy");
      expect(policy.inputs.arn).to.equal(topicArn);
      expect(JSON.parse(String(policy.inputs.policy))).to.deep.equal(
        opsTopicPolicy({ topicArn, accountId, region: "eu-west-1", partition: "aws" }),
      );
    });

    it("subscriptions email each address on the topic", () => {
      expect(exact(subscriptionType, "ops-email-oncall-example-com").inputs).to.deep.equal({
        topic: `arn:aws:sns:eu-west-1:${accountId}:ops-topic`,
        protocol: "email",
        endpoint: "oncall@example.com",
      });
    });

    it("exposes topicArn", async () => {
      expect(await promiseOf(topic.topicArn)).to.equal(`arn:aws:sns:eu-west-1:${accountId}:ops-topic`);
    });

    it("refuses a malformed or repeated address, naming it", () => {
      expect(() => new MonitoringTopic("bad-1", { kmsKeyArn, emails: ["not-an-email"] })).to.throw(
        /emails: "not-an-email" is not an email address/,
      );
      expect(
        () => new MonitoringTopic("bad-2", { kmsKeyArn, emails: ["a.b@example.com", "a-b@example.com"] }),
      ).to.throw(/emails: "a-b@example.com" repeats "a.b@example.com"/);
      expect(() => new MonitoringTopic("bad-3", { kmsKeyArn: "" })).to.throw(/kmsKeyArn is required/);
    });
  });

  describe("Monitoring", () => {
    const alarmsOf = (component: string) =>
      recorder.ofType(alarmType).filter((alarm) => alarm.name.startsWith(`${component}-`));

    it("creates exactly the operational alarms and one dashboard, nothing else", () => {
      const children = recorder.resources
        .filter((resource) => resource.name === "monitoring" || resource.name.startsWith("monitoring-"))
        .map((resource) => `${resource.type} ${resource.name}`);
      const expected = operationalAlarms(resources).map((spec) => `${alarmType} monitoring-${spec.key}`);
      expect(children).to.have.members([
        "txn:monitoring:Monitoring monitoring",
        `${dashboardType} monitoring-dashboard`,
        ...expected,
      ]);
      expect(alarmsOf("monitoring")).to.have.length(17);
    });

    it("every alarm notifies the ops topic on alarm and on recovery (alarmActions, okActions)", () => {
      for (const alarm of alarmsOf("monitoring")) {
        expect(alarm.inputs.alarmActions, alarm.name).to.deep.equal([opsTopicArn]);
        expect(alarm.inputs.okActions, alarm.name).to.deep.equal([opsTopicArn]);
        expect(alarm.inputs.insufficientDataActions, alarm.name).to.equal(undefined);
      }
    });

    it("alarm inputs are the builder's, with queue names taken from the URLs", () => {
      const specs = operationalAlarms(resources);
      for (const spec of specs) {
        expect(exact(alarmType, `monitoring-${spec.key}`).inputs, spec.key).to.deep.equal({
          ...spec.inputs,
          alarmActions: [opsTopicArn],
          okActions: [opsTopicArn],
        });
      }
      expect(exact(alarmType, "monitoring-dlq-state-machine").inputs.dimensions).to.deep.equal({
        QueueName: "data-dead-letters-1",
      });
    });

    it("thresholds given as arguments reach the alarms", () => {
      const threshold = (key: string) => exact(alarmType, `strict-${key}`).inputs.threshold;
      expect(
        ["validation-error-rate", "api-5xx-rate", "api-latency-p99", "webhook-signature-failures"].map(
          threshold,
        ),
      ).to.deep.equal([2, 0.5, 1500, 5]);
      expect(threshold("validation-throttles")).to.equal(0);
    });

    it("the dashboard is named as given and its body is the builder's, serialized, with every alarm", async () => {
      const dashboard = exact(dashboardType, "monitoring-dashboard");
      expect(dashboard.inputs.dashboardName).to.equal("transaction-pipeline-test");
      const alarmArns = operationalAlarms(resources).map(
        (spec) => `arn:aws:cloudwatch:eu-west-1:${accountId}:monitoring-${spec.key}`,
      );
      expect(JSON.parse(String(dashboard.inputs.dashboardBody))).to.deep.equal(
        JSON.parse(JSON.stringify(pipelineDashboard(resources, "eu-west-1", alarmArns))),
      );
      expect(await promiseOf(monitoring.dashboardName)).to.equal("transaction-pipeline-test");
    });

    it("every dashboard metric names a resource passed in", () => {
      const body = JSON.parse(String(exact(dashboardType, "monitoring-dashboard").inputs.dashboardBody)) as {
        widgets: { type: string; properties: { metrics?: unknown[][] } }[];
      };
      let count = 0;
      for (const widget of body.widgets.filter((candidate) => candidate.type === "metric")) {
        for (const metric of widget.properties.metrics ?? []) {
          const { dimensions } = parseMetric(metric);
          expect(Object.keys(dimensions)).to.not.have.length(0);
          for (const [name, value] of Object.entries(dimensions))
            expect(knownDimensionValues[name]).to.include(value);
          count += 1;
        }
      }
      expect(count).to.be.greaterThan(30);
    });

    describe("argument checks", () => {
      const attempt =
        (overrides: Partial<MonitoringArgs>, name = "bad") =>
        () =>
          new Monitoring(name, { ...baseArgs, ...overrides });

      it("names what is wrong", () => {
        expect(attempt({ dashboardName: "has space" })).to.throw(/dashboardName "has space"/);
        expect(attempt({ opsTopicArn: "" })).to.throw(/opsTopicArn is required/);
        expect(attempt({ functionNames: { validation: "v" } })).to.throw(
          /functionNames must include "notifier"/,
        );
        expect(attempt({ deadLetterQueueUrls: { Upper: queueUrl("q") } })).to.throw(
          /deadLetterQueueUrls: key "Upper"/,
        );
        expect(attempt({ lambdaErrorRatePercent: 0 })).to.throw(
          /lambdaErrorRatePercent must be a percentage/,
        );
        expect(attempt({ apiServerErrorRatePercent: 101 })).to.throw(/apiServerErrorRatePercent/);
        expect(attempt({ apiLatencyP99Milliseconds: 30_000 })).to.throw(/apiLatencyP99Milliseconds/);
        expect(attempt({ webhookSignatureFailuresPer5Minutes: 0.5 })).to.throw(
          /webhookSignatureFailuresPer5Minutes/,
        );
        expect(attempt({}, "Bad Name")).to.throw(/Monitoring name "Bad Name"/);
      });
    });
  });
});
