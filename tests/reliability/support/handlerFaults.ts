/**
 * Handlers that fail on purpose, for LocalFaultInjection.wrapHandler. The local lambda:invoke shim
 * turns a thrown error's `name` into the error the state machine sees, so an error named
 * `Lambda.ServiceException` is caught by the Retry for Lambda service errors exactly as the one the
 * Lambda service raises, and `TransactionStoreError` as the functions' own retryable error.
 */
import type { LambdaHandler } from "../../../local/lambdaInvokeShim";

export function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The transaction a step function's input is about: `transaction.transactionId` in every step's input. */
export function transactionIdOf(input: unknown): string {
  const transaction = (input as { transaction?: { transactionId?: unknown } } | null)?.transaction;
  if (typeof transaction?.transactionId !== "string")
    throw new Error("input without transaction.transactionId");
  return transaction.transactionId;
}

export interface PlannedFailure {
  /** Attempts that fail, from the first; the attempt after them runs normally. */
  readonly failingAttempts: number;
  /** Thrown as the failure (its name is the error the state machine sees). */
  readonly error: string;
  /**
   * True: the handler runs to the end and its answer is lost (the work is done, the caller does
   * not know). False: it fails before the handler runs.
   */
  readonly afterRunning: boolean;
}

/** Invocations made per transaction, failed or not. */
export type InvocationLog = Map<string, number>;

/** A handler failing its first attempts for the transactions `plan` names, counting every invocation. */
export function failingHandler(
  handler: LambdaHandler,
  plan: (transactionId: string) => PlannedFailure | undefined,
  invocations: InvocationLog,
): LambdaHandler {
  return async (event, context) => {
    const transactionId = transactionIdOf(event);
    const attempt = (invocations.get(transactionId) ?? 0) + 1;
    invocations.set(transactionId, attempt);
    const planned = plan(transactionId);
    if (!planned || attempt > planned.failingAttempts) return handler(event, context);
    if (planned.afterRunning) await handler(event, context);
    throw namedError(planned.error, `injected failure of attempt ${attempt} for ${transactionId}`);
  };
}
