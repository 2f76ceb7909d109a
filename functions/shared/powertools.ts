/**
 * Powertools Logger, Metrics and Tracer, created once per container and shared by the handler
 * modules. The project uses plain calls (see handlerObservability.ts), not Middy.
 *
 * Never log a raw event: it is untrusted and may hold a card number. Log ids and reason codes.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { EnvironmentName } from "./environmentNames";
import { optionalEnvironment } from "./environment";

/** Namespace used when the deployment sets none, so metrics are never published without one. */
export const defaultMetricsNamespace = "TransactionPipeline";

/** Service name comes from POWERTOOLS_SERVICE_NAME; level from POWERTOOLS_LOG_LEVEL. */
export const logger = new Logger();

export const metrics = new Metrics({
  namespace: optionalEnvironment(EnvironmentName.metricsNamespace) ?? defaultMetricsNamespace,
  // Metrics' own warnings go through the logger, so they obey the log level like everything else.
  logger,
});

/** Tracing is active only inside Lambda (or when POWERTOOLS_TRACE_ENABLED says so); elsewhere a no-op. */
export const tracer = new Tracer();
