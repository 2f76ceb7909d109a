/**
 * How long one archival run takes to move a given number of decided transactions, from the job's
 * own structure (functions/archival/archivalRun.ts) and the real service limits:
 *
 * - keys come from one Query page per part (a keys-only index page of up to 1 MB holds far more
 *   than the 5,000-item largest part);
 * - items are read by consistent BatchGetItem, 100 keys per request (the API's limit), 4 requests
 *   at a time;
 * - per item, one PutItem (the archived record) and one conditional DeleteItem: BatchWriteItem
 *   takes 25 requests but no conditions, so the "delete only if unchanged" has to go one by one;
 * - the part is one PutObject (S3 takes up to 5 GiB in one PUT, so no multipart upload: its parts
 *   must be 5 MiB to 5 GiB, and the largest part here is a few MB), read back to verify, and the
 *   manifest written twice (written, complete);
 * - `partConcurrency` parts run at once, each putting and deleting `itemConcurrency` items at once.
 *
 * Pure; latencies are the capacity model's assumptions.
 */

export interface ArchivalRunInputs {
  readonly transactions: number;
  readonly chunkSize: number;
  readonly partConcurrency: number;
  readonly itemConcurrency: number;
  readonly timeoutSeconds: number;
  /** Bytes of one decided item as the part stores it (before gzip). */
  readonly itemBytes: number;
  readonly latencyMs: {
    readonly dynamoDbItem: number;
    readonly dynamoDbQuery: number;
    readonly dynamoDbBatchGet: number;
    readonly s3Put: number;
    readonly s3Get: number;
  };
}

export interface ArchivalRunEstimate {
  readonly parts: number;
  /** Wall time of one part, alone. */
  readonly partSeconds: number;
  /** Items a second of one part pipeline (a "worker"). */
  readonly itemsPerSecondPerWorker: number;
  readonly itemsPerSecond: number;
  readonly runSeconds: number;
  /** The Lambda timeout over the run's time. */
  readonly headroom: number;
  /** Largest part object before compression, against S3's 5 GiB single-PUT limit. */
  readonly largestPartBytes: number;
  readonly requests: {
    readonly query: number;
    readonly batchGet: number;
    readonly putItem: number;
    readonly deleteItem: number;
    readonly s3Put: number;
    readonly s3Get: number;
  };
}

/** DynamoDB's BatchGetItem limit. */
export const batchGetKeys = 100;
/** The job's concurrent BatchGetItem requests per part. */
export const batchGetConcurrency = 4;
/** S3's largest single PutObject. */
export const s3SinglePutBytes = 5 * 1024 ** 3;

export function estimateArchivalRun(inputs: ArchivalRunInputs): ArchivalRunEstimate {
  const { chunkSize, latencyMs: io } = inputs;
  const parts = Math.ceil(inputs.transactions / chunkSize);
  const batchGetRounds = Math.ceil(Math.ceil(chunkSize / batchGetKeys) / batchGetConcurrency);
  const itemRounds = Math.ceil(chunkSize / inputs.itemConcurrency);
  const partMs =
    io.dynamoDbQuery +
    batchGetRounds * io.dynamoDbBatchGet +
    io.s3Put +
    io.s3Get +
    io.s3Put +
    itemRounds * 2 * io.dynamoDbItem +
    io.s3Put;
  const partSeconds = partMs / 1000;
  const itemsPerSecondPerWorker = chunkSize / partSeconds;
  const workers = Math.min(inputs.partConcurrency, parts);
  const runSeconds = Math.ceil(parts / Math.max(1, workers)) * partSeconds;
  return {
    parts,
    partSeconds,
    itemsPerSecondPerWorker,
    itemsPerSecond: runSeconds > 0 ? inputs.transactions / runSeconds : Number.POSITIVE_INFINITY,
    runSeconds,
    headroom: runSeconds > 0 ? inputs.timeoutSeconds / runSeconds : Number.POSITIVE_INFINITY,
    largestPartBytes: chunkSize * inputs.itemBytes,
    requests: {
      query: parts,
      batchGet: parts * Math.ceil(chunkSize / batchGetKeys),
      putItem: inputs.transactions,
      deleteItem: inputs.transactions,
      s3Put: 3 * parts,
      s3Get: parts,
    },
  };
}
