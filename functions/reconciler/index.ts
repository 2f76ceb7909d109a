/**
 * reconciler in AWS: invoked by its EventBridge schedule (Reconciliation component). One run
 * re-drives or dead-letters transactions accepted but undecided past RECONCILE_AFTER_SECONDS
 * (reconcile.ts) and moves stalled CSV files on (stalledFiles.ts), and answers both summaries.
 * A failure on one transaction or file is counted and left to the next run; only a failure to
 * read the indexes fails the invocation.
 */
import type { Context } from "aws-lambda";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { documentClient } from "../shared/dynamoDb";
import { eventBridgeClient } from "../shared/eventBridge";
import { EnvironmentName } from "../shared/environmentNames";
import { optionalEnvironment } from "../shared/environment";
import { correlateInvocation, observeInvocation } from "../shared/handlerObservability";
import { MetricDimension, MetricName } from "../shared/metricNames";
import { logger, metrics, publishDimensionedCount, tracer } from "../shared/powertools";
import { loadReconcilerConfig } from "./config";
import { createReconciler, type ReconcilerLog, type ReconcileSummary } from "./reconcile";
import { createStalledFileSweep, type StalledFileSummary } from "./stalledFiles";

const snsEndpoint = optionalEnvironment(EnvironmentName.snsEndpoint);
const sqsEndpoint = optionalEnvironment(EnvironmentName.sqsEndpoint);
const sns = snsEndpoint
  ? new SNSClient({ endpoint: snsEndpoint })
  : tracer.captureAWSv3Client(new SNSClient({}));
const sqs = sqsEndpoint
  ? new SQSClient({ endpoint: sqsEndpoint })
  : tracer.captureAWSv3Client(new SQSClient({}));

const config = loadReconcilerConfig();
const log: ReconcilerLog = {
  info: (message, attributes = {}) => logger.info(message, attributes),
  warn: (message, attributes = {}) => logger.warn(message, attributes),
};

const reconcile = createReconciler({
  config,
  documentClient,
  eventBridge: eventBridgeClient,
  sqs,
  sns,
  log,
  metrics: {
    count: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
    oldestUndecidedAge: (seconds) =>
      metrics.addMetric(MetricName.oldestUndecidedAgeSeconds, MetricUnit.Seconds, seconds),
    countDecision: (decision) =>
      publishDimensionedCount(MetricName.transactionsDecided, { [MetricDimension.decision]: decision }),
  },
});
const sweepFiles = createStalledFileSweep({
  config,
  documentClient,
  eventBridge: eventBridgeClient,
  sns,
  log,
});

/** The fields of a scheduled event worth a log line; a manual invocation may send anything. */
interface ScheduledInvocation {
  readonly id?: unknown;
  readonly time?: unknown;
}

export interface ReconcilerRunSummary {
  readonly transactions: ReconcileSummary;
  readonly files: StalledFileSummary;
}

/**
 * One run at `now`. The local runtime calls this directly: on its timer, and at start with
 * `acceptedBefore` (nothing that was in flight before a restart survived it).
 */
export async function reconcileAt(now: Date, acceptedBefore?: Date): Promise<ReconcilerRunSummary> {
  // Files first: resuming a stalled load is one event, and its rows are then not re-driven one by one.
  const files = await sweepFiles({ now, ...(acceptedBefore ? { updatedBefore: acceptedBefore } : {}) });
  let transactions = await reconcile({ now, ...(acceptedBefore ? { acceptedBefore } : {}) });
  // After a restart everything accepted before it is due at once: run until none is left.
  while (
    acceptedBefore &&
    transactions.truncated &&
    transactions.redriven + transactions.settled + transactions.decisionsRepublished > 0
  ) {
    transactions = await reconcile({ now, acceptedBefore });
  }
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  return { transactions, files };
}

export const handler = async (
  event: ScheduledInvocation | null,
  context: Context,
): Promise<ReconcilerRunSummary> =>
  observeInvocation(context, async () => {
    const scheduleEventId = typeof event?.id === "string" && event.id.length > 0 ? event.id : undefined;
    correlateInvocation({ correlationId: scheduleEventId ?? context.awsRequestId, scheduleEventId });
    return reconcileAt(new Date());
  });
