/**
 * Named errors of csv-transform. Every one fails the invocation, and the asynchronous invocation
 * (the S3 event's or a continuation's) is retried by Lambda (twice by default, after about 1 and 3 minutes); each retry resumes from the
 * checkpoint in the status table, so none of them loses or double-counts a row.
 */

/**
 * The run stopped before the Lambda timeout with rows left and could not hand the rest over (the
 * continuation event was not published; see continuation.ts). The checkpoint is saved first: the
 * status table shows the file LOADING with `checkpointLine`, and the retry of the same event
 * carries on from the line after it.
 */
export class TransformIncompleteError extends Error {
  constructor(
    readonly fileId: string,
    readonly fromLine: number,
    problem?: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Loading of file ${fileId} stopped for time${problem === undefined ? "" : ` and ${problem}`}; ` +
        `it resumes from line ${fromLine} on the next attempt`,
      options,
    );
    this.name = "TransformIncompleteError";
  }
}

/**
 * The validated object exists but its status record does not say VALIDATED yet (csv-intake writes
 * the object first), or is missing. A retry a minute later normally finds it.
 */
export class FileNotReadyError extends Error {
  constructor(
    readonly fileId: string,
    readonly status: string | undefined,
  ) {
    super(
      `File ${fileId} is not ready to load: its status is ${status ?? "missing"}, expected VALIDATED or LOADING`,
    );
    this.name = "FileNotReadyError";
  }
}

/** Some rows' "Transaction Received" events were still refused by the bus after every attempt. */
export class RowPublishError extends Error {
  constructor(
    readonly fileId: string,
    readonly failedRows: number,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`File ${fileId}: ${failedRows} rows were not accepted by the event bus: ${problem}`, options);
    this.name = "RowPublishError";
  }
}

/** A DynamoDB call failed (beyond the SDK's and our own retries), or left items unprocessed. */
export class LoadStoreError extends Error {
  constructor(operation: string, options: { cause: unknown }) {
    super(`CSV load ${operation} failed`, options);
    this.name = "LoadStoreError";
  }
}

/** Reading the validated object from S3 failed. */
export class SourceObjectError extends Error {
  constructor(key: string, problem: string, options?: { cause?: unknown }) {
    super(`Reading ${key} failed: ${problem}`, options);
    this.name = "SourceObjectError";
  }
}
