/**
 * What the Monitoring component watches, named the way CloudWatch's dimensions name it, and the
 * pure helpers that turn the pipeline's outputs (queue URLs, rule ARNs) into those names. Shared
 * by the dashboard and alarm builders; unit-tested without mocks.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { TransactionStatus } from "../../functions/shared/stepContracts";

/** The resources behind every dashboard metric and alarm, by their CloudWatch dimension values. */
export interface MonitoredResources {
  /** Namespace of the functions' embedded-format (Powertools) metrics. */
  readonly metricsNamespace: pulumi.Input<string>;
  /** The REST API's name: API Gateway's `ApiName` dimension. */
  readonly apiName: pulumi.Input<string>;
  /** The API's stage: the `Stage` dimension. */
  readonly apiStageName: pulumi.Input<string>;
  /** The state machine: the `StateMachineArn` dimension of AWS/States. */
  readonly stateMachineArn: pulumi.Input<string>;
  /** Lambda function name per function folder (the folder is also its metrics' `service`). */
  readonly functionNames: Readonly<Record<string, pulumi.Input<string>>>;
  /** SQS queue name per dead-letter queue, keyed by what dead-letters into it. */
  readonly deadLetterQueueNames: Readonly<Record<string, pulumi.Input<string>>>;
  /** The custom bus the `eventRuleNames` rules are on. */
  readonly eventBusName: pulumi.Input<string>;
  /** Rule name per key, rules on `eventBusName` (metrics carry RuleName and EventBusName). */
  readonly eventRuleNames: Readonly<Record<string, pulumi.Input<string>>>;
  /** Rule name per key, rules on the account's default bus (metrics carry RuleName only). */
  readonly scheduleRuleNames: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * The function folders whose business metrics are charted and alarmed: Powertools names the
 * `service` dimension after POWERTOOLS_SERVICE_NAME, which the pipeline sets to the folder name.
 */
export const businessMetricServices = {
  /** Counts TransactionsDecided per decision. */
  decisions: "notifier",
  /** Publishes one FraudScore per scored transaction. */
  fraudScore: "fraud-detection",
  /** Counts WebhookSignatureFailures and WebhooksAccepted. */
  webhooks: "webhook-intake",
} as const;

/** The final decisions, each a `decision` dimension value of TransactionsDecided. */
export const finalDecisions = ["APPROVED", "REVIEW", "REJECTED"] as const satisfies readonly Exclude<
  TransactionStatus,
  "RECEIVED"
>[];

/** Keys become parts of logical names (`<component>-<key>-...`), so they stay simple. */
export const monitoringKeyPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const queueUrlPattern = /^https:\/\/[^/]+\/\d{12}\/([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` → `<name>`, the `QueueName` dimension. */
export function queueNameFromUrl(url: string): string {
  const match = queueUrlPattern.exec(url);
  if (match === null) throw new Error(`"${url}" is not an SQS queue URL (https://<host>/<account>/<name>)`);
  return match[1];
}

/**
 * The rule's name from its ARN: the last segment of the resource part, which is
 * `rule/<name>` on the default bus and `rule/<bus>/<name>` on a custom bus.
 */
export function eventRuleNameFromArn(arn: string): string {
  const resource = arn.split(":").slice(5).join(":");
  const name = resource.slice(resource.lastIndexOf("/") + 1);
  if (!arn.startsWith("arn:") || name === "") throw new Error(`"${arn}" is not an EventBridge rule ARN`);
  return name;
}
