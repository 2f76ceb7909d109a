/**
 * The reconciler, built from its dependencies: `createReconcilerRun` gives one run at a given time
 * (the local runtime calls it directly, on its timer and after a restart), `createReconcilerHandler`
 * the scheduled handler around it.
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { correlateInvocation } from "../shared/correlation";
import { lambdaHandler, type LambdaHandler } from "../shared/lambdaHandler";
import { MetricDimension, MetricName } from "../shared/metricNames";
import { addCount, jobLog, metrics, publishDimensionedCount } from "../shared/powertools";
import { scheduleEventIdOf, type ScheduledInvocation } from "../shared/scheduledInvocation";
import { createReconciler, type ReconcilerDependencies, type ReconcileSummary } from "./reconcile";
import { createStalledFileSweep, type StalledFileSummary } from "./stalledFiles";

/** What a run is built from; logs and metrics are the function's own. */
export type ReconcilerRunDependencies = Omit<ReconcilerDependencies, "log" | "metrics">;

export interface ReconcilerRunSummary {
  readonly transactions: ReconcileSummary;
  readonly files: StalledFileSummary;
}

/**
 * One run at `now`; with `acceptedBefore` (after a restart: nothing that was in flight before it
 * survived) it runs until nothing accepted before then is left.
 */
export type ReconcilerRun = (now: Date, acceptedBefore?: Date) => Promise<ReconcilerRunSummary>;

export function createReconcilerRun(dependencies: ReconcilerRunDependencies): ReconcilerRun {
  const reconcile = createReconciler({
    ...dependencies,
    log: jobLog,
    metrics: {
      count: addCount,
      oldestUndecidedAge: (seconds) =>
        metrics.addMetric(MetricName.oldestUndecidedAgeSeconds, MetricUnit.Seconds, seconds),
      countDecision: (decision) =>
        publishDimensionedCount(MetricName.transactionsDecided, { [MetricDimension.decision]: decision }),
    },
  });
  const sweepFiles = createStalledFileSweep({ ...dependencies, log: jobLog });
  return async (now, acceptedBefore) => {
    // Files first: resuming a stalled load is one event, and its rows are then not re-driven one by one.
    const files = await sweepFiles({ now, ...(acceptedBefore ? { updatedBefore: acceptedBefore } : {}) });
    let transactions = await reconcile({ now, ...(acceptedBefore ? { acceptedBefore } : {}) });
    while (
      acceptedBefore &&
      transactions.truncated &&
      transactions.redriven + transactions.settled + transactions.decisionsRepublished > 0
    ) {
      transactions = await reconcile({ now, acceptedBefore });
    }
    // A direct call (the local runtime) has no handler around it to flush the metrics.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    return { transactions, files };
  };
}

export function createReconcilerHandler(
  run: ReconcilerRun,
  now: () => Date = () => new Date(),
): LambdaHandler<ScheduledInvocation | null, ReconcilerRunSummary> {
  return lambdaHandler(async (event) => {
    const scheduleEventId = scheduleEventIdOf(event);
    // A manual invocation (no schedule event id) keeps the request id lambdaHandler correlated it by.
    correlateInvocation({ correlationId: scheduleEventId, scheduleEventId });
    return run(now());
  });
}
