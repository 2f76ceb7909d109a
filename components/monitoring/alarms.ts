/**
 * The pipeline's operational alarms as data, a pure builder (unit-tested without mocks). The
 * Monitoring component creates one MetricAlarm per spec, named `<component>-<key>`, and adds the
 * ops topic as alarm and OK action. The README's "Operations" section says what each means and
 * what to do first.
 *
 * Missing data is decided per alarm. Lambda, Step Functions, API Gateway and embedded-format
 * metrics have no data point when nothing happened, and nothing happening is not a failure, so
 * those alarms treat missing data as not breaching. SQS stops publishing for a queue that is
 * empty and idle for hours, which is equally healthy.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { MetricDimension, MetricName } from "../../functions/shared/metricNames";
import { businessMetricServices, type MonitoredResources } from "./resources";

/** Thresholds of the operational alarms (stack config `monitoring`). */
export interface AlarmThresholds {
  /** Errors per invocation, percent over 5 minutes. */
  readonly lambdaErrorRatePercent: number;
  /** 5XX answers per request, percent over 5 minutes. */
  readonly apiServerErrorRatePercent: number;
  /** p99 latency of the API in milliseconds, two 5-minute periods running. */
  readonly apiLatencyP99Milliseconds: number;
  /** Signature failures of webhook deliveries in 5 minutes. */
  readonly webhookSignatureFailuresPer5Minutes: number;
}

export const defaultAlarmThresholds: AlarmThresholds = {
  lambdaErrorRatePercent: 5,
  apiServerErrorRatePercent: 1,
  apiLatencyP99Milliseconds: 3000,
  webhookSignatureFailuresPer5Minutes: 20,
};

/** An alarm's inputs except its actions, which the component adds. */
export type AlarmInputs = Omit<
  aws.cloudwatch.MetricAlarmArgs,
  "alarmActions" | "okActions" | "insufficientDataActions" | "name"
>;

export interface AlarmSpec {
  /** Stable part of the logical name; never changed once deployed (a rename replaces the alarm). */
  readonly key: string;
  readonly inputs: AlarmInputs;
}

/** Five minutes: long enough to smooth single failures at 10,000 transactions a minute. */
const ratePeriodSeconds = 300;

type Dimensions = Readonly<Record<string, pulumi.Input<string>>>;

/** A percentage of two sums of one namespace, `100 * part / whole`; `label` names it on graphs. */
interface Ratio {
  readonly namespace: string;
  readonly part: { readonly id: string; readonly metricName: string };
  readonly whole: { readonly id: string; readonly metricName: string };
  readonly label: string;
}

const lambdaErrorRate: Ratio = {
  namespace: "AWS/Lambda",
  part: { id: "e", metricName: "Errors" },
  whole: { id: "i", metricName: "Invocations" },
  label: "Error rate (%)",
};

const apiServerErrorRate: Ratio = {
  namespace: "AWS/ApiGateway",
  part: { id: "e", metricName: "5XXError" },
  whole: { id: "c", metricName: "Count" },
  label: "5XX rate (%)",
};

/**
 * A percentage of two sums as metric math. Periods without a `whole` give no value rather than a
 * division by zero; a missing `part` while `whole` has data counts as 0.
 */
function percentAlarm(
  alarmDescription: string,
  ratio: Ratio,
  dimensions: Dimensions,
  thresholdPercent: number,
): AlarmInputs {
  const { namespace, part, whole, label } = ratio;
  const sum = (metricName: string) => ({
    namespace,
    metricName,
    dimensions: { ...dimensions },
    stat: "Sum",
    period: ratePeriodSeconds,
  });
  return {
    alarmDescription,
    metricQueries: [
      { id: part.id, metric: sum(part.metricName), returnData: false },
      { id: whole.id, metric: sum(whole.metricName), returnData: false },
      {
        id: "rate",
        expression: `IF(${whole.id} > 0, 100 * FILL(${part.id}, 0) / ${whole.id}, 0)`,
        label,
        returnData: true,
      },
    ],
    evaluationPeriods: 1,
    threshold: thresholdPercent,
    comparisonOperator: "GreaterThanThreshold",
    // No traffic, no data: an idle function or a quiet API is not failing.
    treatMissingData: "notBreaching",
  };
}

/**
 * An alarm when a count is above zero in any minute. The metric has no data point when nothing
 * happened: missing data is not breaching.
 */
function anyInAMinute(
  alarmDescription: string,
  namespace: string,
  metricName: string,
  dimensions: Dimensions,
): AlarmInputs {
  return {
    alarmDescription,
    namespace,
    metricName,
    dimensions: { ...dimensions },
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
  };
}

/** Throws when two specs would get the same logical name. */
function checkUniqueKeys(specs: readonly AlarmSpec[]): void {
  const seen = new Set<string>();
  for (const { key } of specs) {
    if (seen.has(key))
      throw new Error(`two alarms would both be named "${key}"; rename a function or queue key`);
    seen.add(key);
  }
}

/** Every operational alarm of the pipeline, in a stable order. */
export function operationalAlarms(
  resources: MonitoredResources,
  thresholds: AlarmThresholds = defaultAlarmThresholds,
): AlarmSpec[] {
  const specs: AlarmSpec[] = [];

  for (const [folder, functionName] of Object.entries(resources.functionNames)) {
    const dimensions = { FunctionName: functionName };
    specs.push({
      key: `${folder}-error-rate`,
      inputs: percentAlarm(
        `More than ${thresholds.lambdaErrorRatePercent}% of the ${folder} function's invocations failed in 5 minutes`,
        lambdaErrorRate,
        dimensions,
        thresholds.lambdaErrorRatePercent,
      ),
    });
    specs.push({
      key: `${folder}-throttles`,
      // Throttles has data points only around invocations; none means none throttled.
      inputs: anyInAMinute(
        `Lambda throttled the ${folder} function (concurrency exhausted)`,
        "AWS/Lambda",
        "Throttles",
        dimensions,
      ),
    });
  }

  const stateMachine = { StateMachineArn: resources.stateMachineArn };
  // No executions, no data: nothing failed.
  const executions = (metricName: string, key: string, description: string): AlarmSpec => ({
    key,
    inputs: anyInAMinute(description, "AWS/States", metricName, stateMachine),
  });
  specs.push(
    executions(
      "ExecutionsFailed",
      "state-machine-failed",
      "A transaction execution failed (its input is in the pipeline dead-letter queue)",
    ),
    executions(
      "ExecutionsTimedOut",
      "state-machine-timed-out",
      "A transaction execution hit the EXPRESS 5-minute limit",
    ),
  );

  for (const [key, queueName] of Object.entries(resources.deadLetterQueueNames)) {
    specs.push({
      key: `dlq-${key}`,
      inputs: {
        alarmDescription: `The ${key} dead-letter queue holds messages: inspect, fix, then replay them`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queueName },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        // A queue holding messages keeps publishing; SQS goes quiet only for an empty, idle queue.
        treatMissingData: "notBreaching",
      },
    });
  }

  // A rule's dead-letter queue catches what EventBridge could not deliver; when even that send
  // fails (queue policy, key policy), the event is gone and only this metric says so.
  // Emitted only when a send fails.
  const dlqDeliveryFailures = (key: string, dimensions: Dimensions): AlarmSpec => ({
    key: `dlq-delivery-failed-${key}`,
    inputs: anyInAMinute(
      `EventBridge could not put an undeliverable ${key} event into its dead-letter queue: the event is lost`,
      "AWS/Events",
      "InvocationsFailedToBeSentToDlq",
      dimensions,
    ),
  });
  for (const [key, ruleName] of Object.entries(resources.eventRuleNames)) {
    specs.push(dlqDeliveryFailures(key, { EventBusName: resources.eventBusName, RuleName: ruleName }));
  }
  for (const [key, ruleName] of Object.entries(resources.scheduleRuleNames)) {
    specs.push(dlqDeliveryFailures(key, { RuleName: ruleName }));
  }

  const api = { ApiName: resources.apiName, Stage: resources.apiStageName };
  specs.push({
    key: "api-5xx-rate",
    inputs: percentAlarm(
      `More than ${thresholds.apiServerErrorRatePercent}% of API requests answered 5XX in 5 minutes`,
      apiServerErrorRate,
      api,
      thresholds.apiServerErrorRatePercent,
    ),
  });
  specs.push({
    key: "api-latency-p99",
    inputs: {
      alarmDescription: `API p99 latency above ${thresholds.apiLatencyP99Milliseconds} ms for 10 minutes`,
      namespace: "AWS/ApiGateway",
      metricName: "Latency",
      dimensions: api,
      extendedStatistic: "p99",
      period: ratePeriodSeconds,
      // Two periods running: one slow burst (a cold start wave) is not an incident.
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      threshold: thresholds.apiLatencyP99Milliseconds,
      comparisonOperator: "GreaterThanThreshold",
      // No requests, no latency to judge.
      treatMissingData: "notBreaching",
    },
  });

  specs.push({
    key: "webhook-signature-failures",
    inputs: {
      alarmDescription: `More than ${thresholds.webhookSignatureFailuresPer5Minutes} webhook deliveries failed their signature check in 5 minutes`,
      namespace: resources.metricsNamespace,
      metricName: MetricName.webhookSignatureFailures,
      dimensions: { [MetricDimension.service]: businessMetricServices.webhooks },
      statistic: "Sum",
      period: ratePeriodSeconds,
      evaluationPeriods: 1,
      threshold: thresholds.webhookSignatureFailuresPer5Minutes,
      comparisonOperator: "GreaterThanThreshold",
      // The function emits the metric only when a signature fails: no data is zero failures.
      treatMissingData: "notBreaching",
    },
  });

  checkUniqueKeys(specs);
  return specs;
}
