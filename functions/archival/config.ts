/** The archival job's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import { environmentReader, integer, required } from "../shared/environment";

/** One part is written, read back and held in memory at once; 5,000 items stay well under 64 MB. */
export const largestChunkSize = 5000;

export const loadArchivalConfig = environmentReader({
  transactionsTable: required(EnvironmentName.transactionsTable),
  archivedTransactionsTable: required(EnvironmentName.archivedTransactionsTable),
  archiveBucket: required(EnvironmentName.archiveBucket),
  /**
   * Hours a decided transaction stays in the hot table before it is archived (default 24). A
   * year at most: beyond that the hot table is no longer "hot".
   */
  archiveAfterHours: integer(EnvironmentName.archiveAfterHours, 24, { max: 24 * 366 }),
  /** Days before the first cutoff the very first run (no watermark yet) starts from (default 30). */
  initialLookbackDays: integer(EnvironmentName.archiveInitialLookbackDays, 30, { max: 3660 }),
  /** Transactions per archive part (default 1000). */
  chunkSize: integer(EnvironmentName.archiveChunkSize, 1000, { max: largestChunkSize }),
  /**
   * Days the archived-transactions record (where an id went) is kept: by default 400, beyond the
   * archive's own expiry (365 days), so every archived object stays findable by id.
   */
  archivedRecordRetentionDays: integer(EnvironmentName.archivedRecordRetentionDays, 400, { max: 3660 }),
});

export type ArchivalConfig = ReturnType<typeof loadArchivalConfig>;
