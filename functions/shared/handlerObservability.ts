/**
 * What every handler does around its work, in Powertools' plain-call style: Lambda context and a
 * correlation id on every log line, a traced subsegment with cold-start, service and correlation
 * annotations, and metrics flushed at the end whatever happens.
 *
 * Correlation keys are Powertools' temporary keys (appendKeys). Outside Lambda's multi-concurrency
 * mode they live in one store per container, shared by consecutive invocations, so each invocation
 * starts and ends with resetKeys: a key of one invocation never labels the next one's lines.
 * (appendPersistentKeys would survive resetKeys: it is for what never changes, such as the stage.)
 */
import type { Context } from "aws-lambda";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { redactPanText } from "./pan";
import { logger, metrics, tracer } from "./powertools";

/**
 * Ids naming what an invocation is about. `correlationId` is the one to search by; the others
 * (`transactionId`, `fileId`, `webhookId`, …) are searchable on their own. Undefined values are
 * skipped.
 */
export type CorrelationIds = Readonly<Record<string, string | undefined>>;

/** Ids are the sender's text: capped so that one cannot bloat every log line and annotation. */
const maxIdLength = 256;

/**
 * Puts `ids` on every later log line of this invocation and on its trace as annotations, card
 * numbers masked (an id may be attacker-controlled text). A later call adds to or overrides earlier
 * ones, e.g. the transaction id once the body is validated.
 */
export function correlateInvocation(ids: CorrelationIds): void {
  const keys: Record<string, string> = {};
  for (const [key, value] of Object.entries(ids)) {
    if (value === undefined) continue;
    const masked = redactPanText(value).slice(0, maxIdLength);
    keys[key] = masked;
    tracer.putAnnotation(key, masked);
  }
  logger.appendKeys(keys);
}

/** The string at `path` inside an untrusted value, if there is one: an id to correlate by. */
export function stringAt(value: unknown, ...path: string[]): string | undefined {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === "string" && current.length > 0 ? current : undefined;
}

export async function observeInvocation<T>(context: Context, work: () => Promise<T>): Promise<T> {
  logger.resetKeys();
  logger.addContext(context);
  const segment = tracer.getSegment();
  const subsegment = segment?.addNewSubsegment(`## ${process.env._HANDLER ?? context.functionName}`);
  if (subsegment) tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  // Until the handler names the transaction, file or run, lines before that still share an id.
  correlateInvocation({ correlationId: context.awsRequestId });
  try {
    return await work();
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    tracer.addErrorAsMetadata(failure);
    logger.error("Invocation failed", failure);
    metrics.addMetric("InvocationErrors", MetricUnit.Count, 1);
    throw error;
  } finally {
    // An invocation whose only metrics went out on their own (publishDimensionedCount) has nothing
    // left to flush; publishing anyway would log a warning on every such invocation.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    else metrics.clearDimensions();
    if (segment && subsegment) {
      subsegment.close();
      tracer.setSegment(segment);
    }
    logger.resetKeys();
  }
}
