/** Backoff for the batch calls of the long jobs (CSV load, archival): what DynamoDB or EventBridge left unprocessed is retried. */

export interface RetryPolicy {
  /** Calls in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** About 6 s of waiting in all before a batch gives up and the run fails loudly. */
export const defaultRetryPolicy: RetryPolicy = { attempts: 8, baseDelayMs: 50, maxDelayMs: 2_000 };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter before attempt `attempt` (1 = the first retry). */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

/** `items` in consecutive slices of at most `size`. */
export function slices<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
