/**
 * Powertools Logger, Metrics and Tracer, created once per container and shared by the handler
 * modules. Every handler is wrapped by Middy in Powertools' middlewares (see lambdaHandler.ts).
 *
 * Metrics: one namespace for every function (POWERTOOLS_METRICS_NAMESPACE, TransactionPipeline
 * when unset) and Powertools' default `service` dimension (POWERTOOLS_SERVICE_NAME, the function's
 * folder name) on every metric. A metric with a dimension of its own goes through
 * publishDimensionedCount, never `metrics.addDimension`: a dimension added to the shared instance
 * labels every metric of the invocation's flush, which would split them.
 *
 * Logs: never log a raw event: it is untrusted and may hold a card number. Log ids and reason
 * codes. Every log line still passes through CardMaskingLogFormatter, the last line of defence for a
 * card number that reached a message, an error or an attribute some other way.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { EnvironmentName } from "./environmentNames";
import { optionalEnvironment } from "./environment";
import { createMaskingLogger } from "./cardMaskingLogFormatter";

/** Namespace used when the deployment sets none, so metrics are never published without one. */
export const defaultMetricsNamespace = "TransactionPipeline";

/** Service name comes from POWERTOOLS_SERVICE_NAME; level from POWERTOOLS_LOG_LEVEL. */
export const logger = createMaskingLogger();

/** How Metrics' warning about a flush with nothing stored begins. */
const noStoredMetricsWarning = "No application metrics to publish";

/**
 * Metrics' own messages go through the logger, so they obey the log level like everything else,
 * but for one: logMetrics flushes at the end of every invocation, and one whose only metrics went
 * out on their own (publishDimensionedCount) has nothing stored, which is expected, not a warning.
 */
const metricsLogger = {
  debug: (...content: unknown[]) => logger.debug(...(content as [string])),
  info: (...content: unknown[]) => logger.info(...(content as [string])),
  warn: (...content: unknown[]) => {
    if (!String(content[0]).startsWith(noStoredMetricsWarning)) logger.warn(...(content as [string]));
  },
  error: (...content: unknown[]) => logger.error(...(content as [string])),
};

export const metrics = new Metrics({
  namespace: optionalEnvironment(EnvironmentName.metricsNamespace) ?? defaultMetricsNamespace,
  logger: metricsLogger,
});

/** Tracing is active only inside Lambda (or when POWERTOOLS_TRACE_ENABLED says so); elsewhere a no-op. */
export const tracer = new Tracer();

/**
 * Publishes a count with dimensions of its own (besides `service`) at once, in its own EMF
 * document, so those dimensions never reach the invocation's other metrics.
 */
export function publishDimensionedCount(
  name: string,
  dimensions: Readonly<Record<string, string>>,
  value = 1,
): void {
  const single = metrics.singleMetric();
  for (const [dimension, dimensionValue] of Object.entries(dimensions)) {
    single.addDimension(dimension, dimensionValue);
  }
  single.addMetric(name, MetricUnit.Count, value);
}

/** The info and warn lines the jobs (archival, csv-transform, notifier, reconciler) write. */
export interface JobLog {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
}

/** The counts a job adds to its invocation's metrics, by the job's own metric names. */
export interface JobMetrics<Name extends string> {
  count(name: Name, value: number): void;
}

/** JobLog on the shared logger. */
export const jobLog: JobLog = {
  info: (message, attributes = {}) => logger.info(message, attributes),
  warn: (message, attributes = {}) => logger.warn(message, attributes),
};

/** Adds a count to the invocation's metrics, flushed at its end. */
export function addCount(name: string, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}
