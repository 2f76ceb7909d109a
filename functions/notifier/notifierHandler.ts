/** The notifier handler, built from its dependencies: one "Transaction Processed" event an invocation. */
import { correlateInvocation } from "../shared/correlation";
import { lambdaHandler, type LambdaHandler } from "../shared/lambdaHandler";
import { MetricDimension, MetricName } from "../shared/metricNames";
import { addCount, jobLog, publishDimensionedCount } from "../shared/powertools";
import { createNotifier, type NotifierDependencies, type NotifierResult } from "./notifier";

/** What the handler is built from; logs, metrics and correlation are the function's own. */
export type NotifierHandlerDependencies = Omit<NotifierDependencies, "log" | "metrics" | "correlate">;

export function createNotifierHandler(
  dependencies: NotifierHandlerDependencies,
): LambdaHandler<unknown, NotifierResult> {
  const notify = createNotifier({
    ...dependencies,
    log: jobLog,
    metrics: {
      count: addCount,
      // On its own: the decision dimension must not split DecisionsCounted and the other counts.
      countDecision: (decision) =>
        publishDimensionedCount(MetricName.transactionsDecided, { [MetricDimension.decision]: decision }),
    },
    correlate: correlateInvocation,
  });
  return lambdaHandler((event, context) => notify(event, context));
}
