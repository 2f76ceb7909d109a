/**
 * Backoff for the batch calls of the long jobs (CSV load, archival), on p-retry: what DynamoDB or
 * EventBridge left unprocessed is sent again.
 */
import pRetry, { type Options } from "p-retry";

export interface RetryPolicy {
  /** Calls in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** About 6 s of waiting in all before a batch gives up and the run fails loudly. */
export const defaultRetryPolicy: RetryPolicy = { attempts: 8, baseDelayMs: 50, maxDelayMs: 2_000 };

/**
 * p-retry's options for `policy`: the first retry after baseDelayMs, each next one twice as late,
 * at most maxDelayMs, each delay randomised (×1 to ×2) so concurrent batches spread out.
 */
function retryOptions(policy: RetryPolicy): Options {
  return {
    retries: policy.attempts - 1,
    minTimeout: policy.baseDelayMs,
    maxTimeout: policy.maxDelayMs,
    factor: 2,
    randomize: true,
  };
}

/** A round left items unprocessed: p-retry sends them again. */
class ItemsLeftError extends Error {
  constructor(readonly left: number) {
    super(`${left} items left unprocessed`);
    this.name = "ItemsLeftError";
  }
}

export interface RoundsOptions<T> {
  readonly policy: RetryPolicy;
  /** Sends one round (`attempt` 1 is the first); answers the items it left unprocessed. */
  readonly send: (pending: readonly T[], attempt: number) => Promise<readonly T[]>;
  /** The error to fail with when items are still left after the policy's last attempt. */
  readonly giveUp: (left: readonly T[], attempts: number) => Error;
}

/**
 * Sends `items` in rounds, each with what the round before left, with the policy's backoff between
 * rounds, until none is left. An error thrown by `send` fails at once: the SDK has retried the call.
 */
export async function sendInRounds<T>(items: readonly T[], options: RoundsOptions<T>): Promise<void> {
  let pending = items;
  let attempt = 0;
  if (pending.length === 0) return;
  try {
    await pRetry(
      async () => {
        attempt += 1;
        pending = await options.send(pending, attempt);
        if (pending.length > 0) throw new ItemsLeftError(pending.length);
      },
      { ...retryOptions(options.policy), shouldRetry: ({ error }) => error instanceof ItemsLeftError },
    );
  } catch (error) {
    throw error instanceof ItemsLeftError ? options.giveUp(pending, attempt) : error;
  }
}

/** `items` in consecutive slices of at most `size`. */
export function slices<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
