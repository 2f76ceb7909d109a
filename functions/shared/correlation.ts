/**
 * Correlation ids of an invocation: what the handler learns the invocation is about (a
 * transaction, a file, a run) goes on every later log line and on the trace.
 *
 * Correlation keys are Powertools' temporary keys (appendKeys). Outside Lambda's multi-concurrency
 * mode they live in one store per container, shared by consecutive invocations, so every handler
 * removes them at its end (injectLambdaContext with resetKeys, see lambdaHandler.ts): a key of one
 * invocation never labels the next one's lines. (appendPersistentKeys would survive that: it is for
 * what never changes, such as the stage.)
 */
import { redactPanText } from "./pan";
import { logger, tracer } from "./powertools";

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
