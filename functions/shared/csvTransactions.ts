/**
 * Reads a CSV transaction file (DESIGN.md "Wire formats" → CSV upload) as a stream of judged rows:
 * the one reader behind both the upload validator (csv-intake) and the loader (csv-transform), so
 * the two can never disagree about which rows are valid.
 *
 * Contract:
 * - readCsvTransactions yields one CsvRow per data row, in file order: valid rows carry the
 *   canonical transaction and its table key (`csv#<transaction_id>`); invalid rows carry every
 *   reason, named by CSV column. `line` is the physical line the row starts on (header = line 1),
 *   right even when quoted fields hold newlines.
 * - Empty lines and rows whose every cell is blank are skipped (spreadsheets pad files with them).
 * - Problems of the file as a whole are thrown, never yielded: CsvHeaderError (empty file, or a
 *   header missing or repeating columns) before any row, CsvFormatError (a quote never closed, a
 *   record over maxCsvRecordChars) when reached. Both are CsvFileError: reject the whole file. Rows
 *   yielded before a CsvFormatError must not be loaded; the validator never marks such a file
 *   VALIDATED, and the loader only reads validated files.
 * - Errors of the source stream itself (S3, network) are rethrown unchanged.
 *
 * Memory is constant except one entry per distinct transaction id, kept to flag DUPLICATE_IN_FILE
 * with the line the id first appeared on: a FirstLineByKey, about 48 MB per million ids (a Map of
 * strings took about 113 MB).
 *
 * Speed: a row is first offered to acceptCleanCsvRow, which accepts a valid row at a fraction of
 * the general rules' cost; only the rows it declines (those with a problem) go through checkCsvRow.
 */
import type { CanonicalTransaction, Reason } from "./stepContracts";
import { describeValue } from "./money";
import { ValidationReasonCode } from "./reasonCodes";
import { readCsvRecordBatches, type CsvSource } from "./csvRecords";
import { CsvReasonCode, checkCsvRow, emptyFileError, parseCsvHeader, type CsvHeader } from "./csvRows";
import { acceptCleanCsvRow } from "./csvCleanRows";
import { FirstLineByKey } from "./firstLineByKey";

export {
  CsvFileError,
  CsvFormatError,
  maxCsvRecordChars,
  type CsvFileErrorCode,
  type CsvSource,
} from "./csvRecords";
export {
  CsvHeaderError,
  CsvReasonCode,
  anonymousCustomerId,
  merchantIdFromName,
  optionalCsvColumns,
  requiredCsvColumns,
  settlementStatuses,
  type CsvColumn,
  type SettlementStatus,
} from "./csvRows";

export interface CsvReadOptions {
  /** The upload's id, stored on every transaction as metadata.csvFileId. */
  readonly fileId: string;
  /** The validation instant: the reference for "timestamp in the future". */
  readonly now: Date;
  /** Largest accepted amount in US-dollar cents equivalent (inclusive). */
  readonly maxAmountUsdMinor: bigint;
  /** summarizeCsv only: how many row errors it keeps (default defaultMaxRowErrors). */
  readonly maxRowErrors?: number;
}

export interface CsvValidRow {
  readonly line: number;
  readonly valid: true;
  /** The transactions-table key, `csv#<transaction_id>`, the same namespacing as webhooks. */
  readonly key: string;
  readonly transaction: CanonicalTransaction;
}

export interface CsvInvalidRow {
  readonly line: number;
  readonly valid: false;
  /** Every problem of the row, in column order, `field` being the CSV column name. */
  readonly errors: readonly Reason[];
}

export type CsvRow = CsvValidRow | CsvInvalidRow;

/** The key namespace of CSV rows in the transactions and intake tables. */
export const csvKeyPrefix = "csv#";

function isBlankRecord(fields: readonly string[]): boolean {
  for (const field of fields) if (field.trim() !== "") return false;
  return true;
}

export async function* readCsvTransactions(
  source: CsvSource,
  options: CsvReadOptions,
): AsyncGenerator<CsvRow, void, undefined> {
  for await (const batch of readCsvTransactionBatches(source, options)) yield* batch;
}

/**
 * readCsvTransactions in batches: the rows of every record the parser held at once, in file order.
 * For a consumer that handles rows synchronously, this saves an asynchronous step per row.
 */
export async function* readCsvTransactionBatches(
  source: CsvSource,
  options: CsvReadOptions,
): AsyncGenerator<readonly CsvRow[], void, undefined> {
  let header: CsvHeader | undefined;
  const firstLineById = new FirstLineByKey();
  for await (const records of readCsvRecordBatches(source)) {
    const rows: CsvRow[] = [];
    for (const record of records) {
      if (header === undefined) {
        header = parseCsvHeader(record.fields, record.line);
        continue;
      }
      const row = judgeRecord(record.fields, record.line, header, firstLineById, options);
      if (row !== undefined) rows.push(row);
    }
    if (rows.length > 0) yield rows;
  }
  if (header === undefined) throw emptyFileError();
}

/** One data record's row, or undefined for a blank record (skipped). */
function judgeRecord(
  fields: readonly string[],
  line: number,
  header: CsvHeader,
  firstLineById: FirstLineByKey,
  options: CsvReadOptions,
): CsvRow | undefined {
  if (isBlankRecord(fields)) return undefined;
  const context = {
    fileId: options.fileId,
    line,
    now: options.now,
    maxAmountUsdMinor: options.maxAmountUsdMinor,
  };
  const check = acceptCleanCsvRow(fields, header, context) ?? checkCsvRow(fields, header, context);
  let errors = check.reasons;
  if (check.transactionId !== undefined) {
    const firstLine = firstLineById.firstLineOrRemember(check.transactionId, line);
    if (firstLine !== undefined) {
      errors = [
        ...errors,
        {
          code: CsvReasonCode.duplicateInFile,
          field: "transaction_id",
          message: `transaction_id: ${describeValue(check.transactionId)} already appears on line ${firstLine}; each transaction may appear once per file`,
        },
      ];
    }
  }
  if (errors.length > 0 || check.transaction === undefined) return { line, valid: false, errors };
  return {
    line,
    valid: true,
    key: `${csvKeyPrefix}${check.transaction.transactionId}`,
    transaction: check.transaction,
  };
}

/** One row problem as the upload answer and the status table report it. */
export interface CsvRowError {
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

export interface CsvSummary {
  /** Data rows (not the header, empty lines or blank rows). */
  readonly rows: number;
  readonly validRows: number;
  readonly invalidRows: number;
  /** The first maxRowErrors row problems, in file order (a row may contribute several). */
  readonly errors: readonly CsvRowError[];
  /** Every row problem, including those beyond `errors`. */
  readonly errorCount: number;
  /** Rows rejected because their transaction_id already appeared earlier in the file. */
  readonly duplicateIds: number;
  /** The first line with a full card number in a cell, when there is one. */
  readonly firstCardNumberLine?: number;
}

export const defaultMaxRowErrors = 100;

/**
 * Counts a file's rows and collects its first row errors, reading the file once as a stream. Throws
 * what readCsvTransactions throws (a CsvFileError rejects the whole file).
 */
export async function summarizeCsv(source: CsvSource, options: CsvReadOptions): Promise<CsvSummary> {
  const maxRowErrors = options.maxRowErrors ?? defaultMaxRowErrors;
  const errors: CsvRowError[] = [];
  let rows = 0;
  let validRows = 0;
  let errorCount = 0;
  let duplicateIds = 0;
  let firstCardNumberLine: number | undefined;
  for await (const batch of readCsvTransactionBatches(source, options)) {
    for (const row of batch) {
      rows += 1;
      if (row.valid) {
        validRows += 1;
        continue;
      }
      for (const error of row.errors) {
        errorCount += 1;
        if (error.code === CsvReasonCode.duplicateInFile) duplicateIds += 1;
        if (error.code === ValidationReasonCode.panDetected) firstCardNumberLine ??= row.line;
        if (errors.length < maxRowErrors)
          errors.push({ line: row.line, code: error.code, message: error.message });
      }
    }
  }
  return {
    rows,
    validRows,
    invalidRows: rows - validRows,
    errors,
    errorCount,
    duplicateIds,
    ...(firstCardNumberLine === undefined ? {} : { firstCardNumberLine }),
  };
}
