/**
 * Named errors the functions throw. Step Functions sees `name` as the error type, so a Retry or
 * Catch can tell a configuration mistake (never fixed by retrying) from a transient store failure.
 * `cause` is kept so the original AWS error stays visible in logs and traces.
 */

/** A required environment variable is absent: the function cannot start. */
export class MissingEnvironmentError extends Error {
  constructor(readonly variableName: string) {
    super(`Missing required environment variable ${variableName}`);
    this.name = "MissingEnvironmentError";
  }
}

/** An environment variable is present but unusable (not an integer, bad JSON, ...). */
export class InvalidEnvironmentError extends Error {
  constructor(
    readonly variableName: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`Environment variable ${variableName} is invalid: ${problem}`, options);
    this.name = "InvalidEnvironmentError";
  }
}

/** A data file shipped with the code (rates, rules, lists) does not match its schema. */
export class InvalidReferenceDataError extends Error {
  constructor(
    readonly dataName: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`Reference data ${dataName} is invalid: ${problem}`, options);
    this.name = "InvalidReferenceDataError";
  }
}

/**
 * A step received input that the previous step could never have produced. Retrying cannot help,
 * so the state machine should send it to the dead-letter queue.
 */
export class InvalidStepInputError extends Error {
  constructor(
    readonly stepName: string,
    problem: string,
  ) {
    super(`${stepName} received invalid input: ${problem}`);
    this.name = "InvalidStepInputError";
  }
}

/** Formatting was asked for a currency ISO 4217 does not define (trusted values only). */
export class UnknownCurrencyError extends Error {
  constructor(readonly currency: string) {
    super(`Unknown ISO 4217 currency code ${JSON.stringify(currency)}`);
    this.name = "UnknownCurrencyError";
  }
}

/** Reading or writing the transactions table failed for a reason other than a lost condition. */
export class TransactionStoreError extends Error {
  constructor(operation: string, options: { cause: unknown }) {
    super(`Transactions table ${operation} failed`, options);
    this.name = "TransactionStoreError";
  }
}
