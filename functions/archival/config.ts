/** The archival job's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import {
  optionalPositiveIntegerEnvironment,
  requireEnvironment,
  type EnvironmentSource,
} from "../shared/environment";
import { InvalidEnvironmentError } from "../shared/errors";

export const defaultArchiveAfterHours = 24;
export const defaultInitialLookbackDays = 30;
export const defaultChunkSize = 1000;
/** One part is written, read back and held in memory at once; 5,000 items stay well under 64 MB. */
export const largestChunkSize = 5000;
/** Beyond the archive's own expiry (365 days), so every archived object stays findable by id. */
export const defaultArchivedRecordRetentionDays = 400;

export interface ArchivalConfig {
  readonly transactionsTable: string;
  readonly archivedTransactionsTable: string;
  readonly archiveBucket: string;
  /** Hours a decided transaction stays in the hot table before it is archived. */
  readonly archiveAfterHours: number;
  /** Days before the first cutoff the very first run (no watermark yet) starts from. */
  readonly initialLookbackDays: number;
  /** Transactions per archive part. */
  readonly chunkSize: number;
  /** Days the archived-transactions record (where an id went) is kept. */
  readonly archivedRecordRetentionDays: number;
}

function boundedInteger(name: string, defaultValue: number, max: number, env: EnvironmentSource): number {
  const value = optionalPositiveIntegerEnvironment(name, BigInt(defaultValue), env);
  if (value > BigInt(max)) throw new InvalidEnvironmentError(name, `expected 1 to ${max}, got ${value}`);
  return Number(value);
}

export function loadArchivalConfig(env: EnvironmentSource = process.env): ArchivalConfig {
  return {
    transactionsTable: requireEnvironment(EnvironmentName.transactionsTable, env),
    archivedTransactionsTable: requireEnvironment(EnvironmentName.archivedTransactionsTable, env),
    archiveBucket: requireEnvironment(EnvironmentName.archiveBucket, env),
    // A year at most: beyond that the hot table is no longer "hot".
    archiveAfterHours: boundedInteger(
      EnvironmentName.archiveAfterHours,
      defaultArchiveAfterHours,
      24 * 366,
      env,
    ),
    initialLookbackDays: boundedInteger(
      EnvironmentName.archiveInitialLookbackDays,
      defaultInitialLookbackDays,
      3660,
      env,
    ),
    chunkSize: boundedInteger(EnvironmentName.archiveChunkSize, defaultChunkSize, largestChunkSize, env),
    archivedRecordRetentionDays: boundedInteger(
      EnvironmentName.archivedRecordRetentionDays,
      defaultArchivedRecordRetentionDays,
      3660,
      env,
    ),
  };
}
