/**
 * How the local runtime retries a delivery (bus targets, S3 notification targets), on p-retry.
 * Lambda retries a failed asynchronous invocation whatever the error, while p-retry gives up at
 * once on a TypeError (it takes one for a programming error): the error is handed to p-retry
 * wrapped, and the original is reported.
 */
import pRetry from "p-retry";

class RetriableError extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original), { cause: original });
    this.name = "RetriableError";
  }
}

export interface DeliveryRetries {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The pause after the first failed attempt. */
  readonly delayMs: number;
  /** Each next pause is this many times the one before (1: constant). */
  readonly factor: number;
}

/** What became of a delivery: the attempts made, and the last error when every one failed. */
export type DeliveryOutcome =
  | { readonly delivered: true }
  | { readonly delivered: false; readonly attempts: number; readonly error: unknown };

/** A failed delivery's error as it is recorded: its name and message. */
export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export async function deliverWithRetries(
  deliver: () => Promise<void>,
  retries: DeliveryRetries,
): Promise<DeliveryOutcome> {
  let attempts = 0;
  try {
    await pRetry(
      async () => {
        attempts += 1;
        try {
          await deliver();
        } catch (error) {
          throw error instanceof TypeError ? new RetriableError(error) : error;
        }
      },
      { retries: retries.attempts - 1, minTimeout: retries.delayMs, factor: retries.factor },
    );
    return { delivered: true };
  } catch (error) {
    return { delivered: false, attempts, error: error instanceof RetriableError ? error.original : error };
  }
}
