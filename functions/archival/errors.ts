/**
 * Named errors of the archival job. Each stops the run: the next scheduled run resumes from what
 * is recorded in the manifests and the watermark, so none of them loses or duplicates anything.
 */

/** A DynamoDB call failed for a reason other than a lost condition (throttling beyond retries, ...). */
export class ArchivalStoreError extends Error {
  constructor(operation: string, options: { cause: unknown }) {
    super(`Archival ${operation} failed`, options);
    this.name = "ArchivalStoreError";
  }
}

/** An S3 call on the audit archive failed. */
export class ArchiveObjectError extends Error {
  constructor(operation: string, key: string, options: { cause: unknown }) {
    super(`Archive ${operation} of ${key} failed`, options);
    this.name = "ArchiveObjectError";
  }
}

/** What was read back from the archive is not what was written: nothing is deleted. */
export class ArchiveIntegrityError extends Error {
  constructor(
    readonly key: string,
    problem: string,
  ) {
    super(`Archive object ${key} failed verification: ${problem}`);
    this.name = "ArchiveIntegrityError";
  }
}

/** A manifest or the watermark in the bucket does not have the expected shape. */
export class ArchiveStateError extends Error {
  constructor(
    readonly key: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`Archive state ${key} is invalid: ${problem}`, options);
    this.name = "ArchiveStateError";
  }
}
