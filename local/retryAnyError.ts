/**
 * Lambda retries a failed asynchronous invocation whatever the error; p-retry gives up at once on
 * a TypeError (it takes one for a programming error). The local deliveries hand p-retry the error
 * wrapped, so they retry as Lambda would, and report the original.
 */
export class RetriableError extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original), { cause: original });
    this.name = "RetriableError";
  }
}

/** Runs `attempt`, passing any TypeError it throws on as a RetriableError. */
export async function retriable<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    throw error instanceof TypeError ? new RetriableError(error) : error;
  }
}

/** The error a delivery failed with, as thrown by the target. */
export function originalError(error: unknown): unknown {
  return error instanceof RetriableError ? error.original : error;
}
