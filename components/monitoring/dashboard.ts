/**
 * The pipeline's CloudWatch dashboard body as an object, a pure builder (unit-tested without
 * mocks); the Monitoring component serializes it with `pulumi.jsonStringify`.
 *
 * Every metric is written out in full (namespace, name, then dimension name/value pairs) and
 * names the resource it measures: a metric without its dimensions charts an aggregate CloudWatch
 * may not even publish, or nothing at all.
 */
import type * as pulumi from "@pulumi/pulumi";
import { MetricDimension, MetricName } from "../../functions/shared/metricNames";
import { businessMetricServices, finalDecisions, type MonitoredResources } from "./resources";

/** How one metric is drawn (the last element of a widget's metric array). */
export interface MetricRendering {
  readonly label: string;
  readonly stat?: string;
}

/** `[namespace, metricName, dimensionName, dimensionValue, ..., rendering]`. */
export type DashboardMetric = readonly [...pulumi.Input<string>[], MetricRendering];

export interface MetricWidget {
  readonly type: "metric";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: {
    readonly title: string;
    readonly region: pulumi.Input<string>;
    readonly view: "timeSeries";
    readonly stacked: boolean;
    readonly stat: string;
    readonly period: number;
    readonly metrics: DashboardMetric[];
  };
}

export interface AlarmWidget {
  readonly type: "alarm";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: { readonly title: string; readonly alarms: pulumi.Input<string>[] };
}

export type DashboardWidget = MetricWidget | AlarmWidget;

export interface DashboardBody {
  readonly widgets: DashboardWidget[];
}

/** A metric with its dimensions, in the dashboard's array form. */
export function dashboardMetric(
  namespace: pulumi.Input<string>,
  metricName: string,
  dimensions: Readonly<Record<string, pulumi.Input<string>>>,
  rendering: MetricRendering,
): DashboardMetric {
  const pairs = Object.entries(dimensions).flatMap(([name, value]) => [name, value]);
  if (pairs.length === 0) throw new Error(`metric ${metricName} must name its resource with a dimension`);
  return [namespace, metricName, ...pairs, rendering];
}

interface WidgetContent {
  readonly title: string;
  readonly stat: string;
  readonly metrics: DashboardMetric[];
}

/** Seconds per point: the pipeline is watched minute by minute. */
const periodSeconds = 60;

const widgetWidth = 12;
const widgetHeight = 6;

/**
 * The dashboard: an alarm overview, then the intake (API), the business outcome (decisions,
 * fraud scores, webhook signatures), the state machine, each function, the dead-letter queues
 * and the event rules. Two widgets per row.
 */
export function pipelineDashboard(
  resources: MonitoredResources,
  region: pulumi.Input<string>,
  alarmArns: readonly pulumi.Input<string>[],
): DashboardBody {
  const api = { ApiName: resources.apiName, Stage: resources.apiStageName };
  const stateMachine = { StateMachineArn: resources.stateMachineArn };
  const functions = Object.entries(resources.functionNames);
  const queues = Object.entries(resources.deadLetterQueueNames);
  const rules = [
    ...Object.entries(resources.eventRuleNames).map(([key, ruleName]) => ({
      key,
      // Metrics of rules on a custom bus carry both dimensions; RuleName alone is the default bus.
      dimensions: { RuleName: ruleName, EventBusName: resources.eventBusName },
    })),
    ...Object.entries(resources.scheduleRuleNames).map(([key, ruleName]) => ({
      key,
      dimensions: { RuleName: ruleName },
    })),
  ];
  const business = (service: string, extra: Record<string, string> = {}) => ({
    [MetricDimension.service]: service,
    ...extra,
  });

  const contents: WidgetContent[] = [
    {
      title: "API requests (intake rate per minute)",
      stat: "Sum",
      metrics: [dashboardMetric("AWS/ApiGateway", "Count", api, { label: "Requests" })],
    },
    {
      title: "API errors",
      stat: "Sum",
      metrics: [
        dashboardMetric("AWS/ApiGateway", "4XXError", api, { label: "4XX" }),
        dashboardMetric("AWS/ApiGateway", "5XXError", api, { label: "5XX" }),
      ],
    },
    {
      title: "API latency (ms)",
      stat: "p99",
      metrics: [
        dashboardMetric("AWS/ApiGateway", "Latency", api, { label: "p50", stat: "p50" }),
        dashboardMetric("AWS/ApiGateway", "Latency", api, { label: "p99", stat: "p99" }),
      ],
    },
    {
      title: "Transactions decided per minute",
      stat: "Sum",
      metrics: finalDecisions.map((decision) =>
        dashboardMetric(
          resources.metricsNamespace,
          MetricName.transactionsDecided,
          business(businessMetricServices.decisions, { [MetricDimension.decision]: decision }),
          { label: decision },
        ),
      ),
    },
    {
      title: "Fraud score (0-100)",
      stat: "p50",
      metrics: ["p50", "p90", "p99"].map((stat) =>
        dashboardMetric(
          resources.metricsNamespace,
          MetricName.fraudScore,
          business(businessMetricServices.fraudScore),
          { label: stat, stat },
        ),
      ),
    },
    {
      title: "Webhook deliveries",
      stat: "Sum",
      metrics: [
        dashboardMetric(
          resources.metricsNamespace,
          MetricName.webhooksAccepted,
          business(businessMetricServices.webhooks),
          { label: "Accepted" },
        ),
        dashboardMetric(
          resources.metricsNamespace,
          MetricName.webhookSignatureFailures,
          business(businessMetricServices.webhooks),
          { label: "Signature failures" },
        ),
      ],
    },
    {
      title: "State machine executions",
      stat: "Sum",
      metrics: ["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut"].map(
        (metricName) =>
          dashboardMetric("AWS/States", metricName, stateMachine, {
            label: metricName.replace(/^Executions/, ""),
          }),
      ),
    },
    ...(
      [
        ["Lambda invocations", "Invocations", "Sum"],
        ["Lambda errors", "Errors", "Sum"],
        ["Lambda throttles", "Throttles", "Sum"],
        ["Lambda duration p99 (ms)", "Duration", "p99"],
      ] as const
    ).map(([title, metricName, stat]) => ({
      title,
      stat,
      metrics: functions.map(([folder, functionName]) =>
        dashboardMetric("AWS/Lambda", metricName, { FunctionName: functionName }, { label: folder }),
      ),
    })),
    {
      title: "Dead-letter queues: messages waiting",
      stat: "Maximum",
      metrics: queues.map(([key, queueName]) =>
        dashboardMetric(
          "AWS/SQS",
          "ApproximateNumberOfMessagesVisible",
          { QueueName: queueName },
          { label: key },
        ),
      ),
    },
    {
      title: "Dead-letter queues: oldest message age (s)",
      stat: "Maximum",
      metrics: queues.map(([key, queueName]) =>
        dashboardMetric("AWS/SQS", "ApproximateAgeOfOldestMessage", { QueueName: queueName }, { label: key }),
      ),
    },
    {
      title: "Event rules: failed invocations",
      stat: "Sum",
      metrics: rules.map(({ key, dimensions }) =>
        dashboardMetric("AWS/Events", "FailedInvocations", dimensions, { label: key }),
      ),
    },
    {
      title: "Event rules: invocations sent to dead-letter queues",
      stat: "Sum",
      metrics: rules.map(({ key, dimensions }) =>
        dashboardMetric("AWS/Events", "InvocationsSentToDlq", dimensions, { label: key }),
      ),
    },
  ];

  const alarmWidget: AlarmWidget = {
    type: "alarm",
    x: 0,
    y: 0,
    width: 2 * widgetWidth,
    height: 4,
    properties: { title: "Alarms", alarms: [...alarmArns] },
  };
  const top = alarmArns.length > 0 ? alarmWidget.height : 0;
  const metricWidgets = contents
    .filter((content) => content.metrics.length > 0)
    .map((content, index): MetricWidget => ({
      type: "metric",
      x: (index % 2) * widgetWidth,
      y: top + Math.floor(index / 2) * widgetHeight,
      width: widgetWidth,
      height: widgetHeight,
      properties: {
        title: content.title,
        region,
        view: "timeSeries",
        stacked: false,
        stat: content.stat,
        period: periodSeconds,
        metrics: content.metrics,
      },
    }));
  return { widgets: [...(alarmArns.length > 0 ? [alarmWidget] : []), ...metricWidgets] };
}
