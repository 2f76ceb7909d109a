/**
 * The one shape of every handler: its work, a plain async function of the event and the context,
 * wrapped by Middy in Powertools' middlewares, which do what every invocation needs around it:
 *
 * - injectLambdaContext: Lambda context on every log line; the invocation's correlation keys are
 *   removed at its end (resetKeys), whatever happens. The raw event is never logged (logEvent off,
 *   whatever POWERTOOLS_LOGGER_LOG_EVENT says): it is untrusted and may hold a card number.
 * - captureLambdaHandler: a traced subsegment with cold-start and service annotations, the error
 *   as metadata. The response is not captured: it is the caller's data, not the trace's.
 * - logMetrics: the invocation's metrics flushed at its end, whatever happens.
 * - invocationCorrelation (ours): lines before the handler names its transaction, file or run still
 *   share an id (the request id); a failure is logged once and counted as InvocationErrors before
 *   the metrics are flushed.
 *
 * Middy's early timeout is off: the long jobs keep their own time budget and stop before Lambda's
 * timeout, and a test's context may report any remaining time.
 */
import middy, { type MiddlewareObj } from "@middy/core";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import type { Context } from "aws-lambda";
import { correlateInvocation } from "./correlation";
import { logger, metrics, tracer } from "./powertools";

/** A handler as Lambda, the local runtime and the tests call it. */
export type LambdaHandler<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;

const invocationCorrelation: MiddlewareObj<unknown, unknown, Error, Context> = {
  before: ({ context }) => correlateInvocation({ correlationId: context.awsRequestId }),
  onError: ({ error }) => {
    const failure = error instanceof Error ? error : new Error(String(error));
    logger.error("Invocation failed", failure);
    metrics.addMetric("InvocationErrors", MetricUnit.Count, 1);
  },
};

/** `work` with the instrumentation every invocation gets (see above). */
export function lambdaHandler<TEvent, TResult>(
  work: LambdaHandler<TEvent, TResult>,
): LambdaHandler<TEvent, TResult> {
  // Middlewares run their `before` in this order and their `onError`/`after` in reverse: the
  // failure is counted before the metrics flush, and logged before the keys are reset.
  return middy<TEvent, TResult, Error, Context>(work, { timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics))
    .use(invocationCorrelation as MiddlewareObj<TEvent, TResult, Error, Context>);
}
