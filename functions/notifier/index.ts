/**
 * notifier in AWS: the target of the rule matching every "Transaction Processed" event
 * (transactionProcessedPattern), invoked asynchronously by EventBridge. Counts every decision as
 * the TransactionsDecided metric; a CSV row's decision is also counted once on its file, which is
 * completed with one SNS summary when every published row is decided.
 */
import type { Context } from "aws-lambda";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { SNSClient } from "@aws-sdk/client-sns";
import { documentClient } from "../shared/dynamoDb";
import { EnvironmentName } from "../shared/environmentNames";
import { optionalEnvironment } from "../shared/environment";
import { correlateInvocation, observeInvocation } from "../shared/handlerObservability";
import { MetricDimension, MetricName } from "../shared/metricNames";
import { logger, metrics, publishDimensionedCount, tracer } from "../shared/powertools";
import { loadNotifierConfig } from "./config";
import { createNotifier, type NotifierLog, type NotifierMetrics, type NotifierResult } from "./notifier";

const snsEndpoint = optionalEnvironment(EnvironmentName.snsEndpoint);
const sns = snsEndpoint
  ? new SNSClient({ endpoint: snsEndpoint })
  : tracer.captureAWSv3Client(new SNSClient({}));

const log: NotifierLog = {
  info: (message, attributes = {}) => logger.info(message, attributes),
  warn: (message, attributes = {}) => logger.warn(message, attributes),
};

const notifierMetrics: NotifierMetrics = {
  count: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
  // On its own: the decision dimension must not split DecisionsCounted and the other counts.
  countDecision: (decision) =>
    publishDimensionedCount(MetricName.transactionsDecided, { [MetricDimension.decision]: decision }),
};

const notify = createNotifier({
  config: loadNotifierConfig(),
  documentClient,
  sns,
  log,
  metrics: notifierMetrics,
  correlate: correlateInvocation,
});

export const handler = async (event: unknown, context: Context): Promise<NotifierResult> =>
  observeInvocation(context, () => notify(event, context));
