/**
 * The processing-status record of one uploaded CSV file, shared by the functions that move it
 * along (csv-intake, csv-transform, notifier) and the one that reports it (file-status).
 *
 *   RECEIVED ─▶ VALIDATED ─▶ LOADING ─▶ LOADED ─▶ COMPLETED
 *       └────▶ REJECTED (bad header, no valid row, unreadable)
 *
 * VALIDATED: checked, stored under validated/. LOADING: rows being published (checkpointed).
 * LOADED: every valid row published; COMPLETED once every published row has a decision and the
 * summary was sent.
 */

export type FileStatus = "RECEIVED" | "VALIDATED" | "REJECTED" | "LOADING" | "LOADED" | "COMPLETED";

export interface FileRowError {
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

export interface FileStatusRecord {
  readonly fileId: string;
  readonly status: FileStatus;
  /** How the file arrived: the body of POST /upload, or a presigned PUT. */
  readonly via: "upload" | "presigned";
  readonly receivedAt: string;
  readonly updatedAt: string;
  /** Why a REJECTED file was refused as a whole. */
  readonly rejection?: { readonly code: string; readonly message: string };
  /** Data rows (header excluded), valid and invalid, and the first row errors. */
  readonly rows?: number;
  readonly validRows?: number;
  readonly invalidRows?: number;
  readonly errorCount?: number;
  readonly errors?: readonly FileRowError[];
  /** Load progress: the last line whose row was handled, and what happened to the rows. */
  readonly checkpointLine?: number;
  readonly publishedRows?: number;
  /** Valid rows whose transaction id was already received (a re-upload): not published again. */
  readonly alreadyReceivedRows?: number;
  /** Valid rows whose transaction id was received before with other content: row errors CONFLICT. */
  readonly conflictRows?: number;
  /** Rows with an outcome: decisions counted by the notifier, and rows dead-lettered by the reconciler. */
  readonly decidedRows?: number;
  readonly approved?: number;
  readonly review?: number;
  readonly rejected?: number;
  /** Rows the reconciler gave up on (in the dead-letter queue with the reason), and their lines. */
  readonly deadLetteredRows?: number;
  readonly deadLetteredLines?: ReadonlySet<number>;
  /**
   * Lines whose decision is in the counts above but not yet marked counted on their intake record;
   * what keeps a retried count from being added twice. Absent when no count is in flight; a line
   * left on an idle file is an invocation whose every attempt stopped between those two writes.
   */
  readonly countingLines?: ReadonlySet<number>;
  readonly completedAt?: string;
}

/** Where a file's bytes live in the uploads bucket. */
export const uploadLayout = {
  /** As sent with a presigned PUT, not yet checked. */
  incomingPrefix: "uploads/",
  /** Checked: what the loader reads. */
  validatedPrefix: "validated/",
} as const;

export const incomingKey = (fileId: string): string => `${uploadLayout.incomingPrefix}${fileId}.csv`;
export const validatedKey = (fileId: string): string => `${uploadLayout.validatedPrefix}${fileId}.csv`;

/** The file id in an uploads-bucket key, or undefined when the key is not one of ours. */
export function fileIdOfKey(key: string): string | undefined {
  const match = /^(?:uploads|validated)\/([A-Za-z0-9-]{8,64})\.csv$/.exec(key);
  return match?.[1];
}
