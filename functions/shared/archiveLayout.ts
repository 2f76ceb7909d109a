/**
 * The audit archive's layout, shared by the archival job, the verify CLI and the status
 * endpoint: one partition per day a decision was recorded, gzip NDJSON parts with deterministic
 * names, and a manifest per partition listing every part with its record count and SHA-256.
 *
 *   transactions/dt=2025-11-14/part-00000.json.gz
 *   transactions/dt=2025-11-14/part-00001.json.gz
 *   transactions/dt=2025-11-14/_manifest.json   (a leading "_" keeps Athena and Hive from reading it as data)
 */

export const archivePrefix = "transactions/";

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

export function isArchiveDay(day: string): boolean {
  if (!dayPattern.test(day)) return false;
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day);
}

/** `transactions/dt=YYYY-MM-DD/`: the Hive-style partition Athena and Glue understand. */
export function partitionPrefix(day: string): string {
  if (!isArchiveDay(day)) throw new Error(`not a YYYY-MM-DD day: ${JSON.stringify(day)}`);
  return `${archivePrefix}dt=${day}/`;
}

/** Part `index` of a day: the same day and index always name the same object. */
export function partKey(day: string, index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > 99_999) {
    throw new Error(`part index must be 0..99999, got ${index}`);
  }
  return `${partitionPrefix(day)}part-${String(index).padStart(5, "0")}.json.gz`;
}

export function manifestKey(day: string): string {
  return `${partitionPrefix(day)}_manifest.json`;
}

/**
 * written: the object is stored and verified, its items may not all be deleted yet.
 * complete: every item of the part was deleted (or kept because it changed since it was read).
 */
export type ManifestPartState = "written" | "complete";

export interface ManifestPart {
  readonly key: string;
  readonly records: number;
  /** SHA-256 (hex) of the object's bytes as stored (the gzip stream). */
  readonly sha256: string;
  readonly bytes: number;
  readonly state: ManifestPartState;
}

export interface PartitionManifest {
  readonly partition: string;
  readonly day: string;
  readonly parts: readonly ManifestPart[];
  readonly records: number;
  readonly updatedAt: string;
}

/** What the archived-transactions table keeps for each archived transaction. */
export interface ArchivedTransactionRecord {
  readonly transactionId: string;
  readonly day: string;
  /** `dt=YYYY-MM-DD`. */
  readonly partition: string;
  readonly objectKey: string;
  readonly archivedAt: string;
  /** Epoch seconds: DynamoDB TTL removes the record after the archive itself expires. */
  readonly expiresAt: number;
}
