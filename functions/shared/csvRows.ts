/**
 * The CSV upload format (DESIGN.md "Wire formats"): the header, and the translation of one row onto
 * the shared candidate transaction, judged by validateTransaction like a webhook body and reported
 * in the file's own column names.
 *
 * Decisions a back office will notice:
 * - Column names are trimmed and case-insensitive; unknown columns are allowed and not loaded.
 *   A required column missing, a known column named twice, or an unsafe column name rejects the
 *   file (CsvHeaderError).
 * - Cells are taken exactly as written (no trimming): " 10.00" is not an amount. A cell that is
 *   empty or only spaces counts as absent.
 * - `merchant_id` absent: the merchant is identified by its name, as `merchant-name:<24 hex>` (the
 *   start of a SHA-256 of the name after NFKC, trimming, collapsing spaces and lower-casing), so
 *   "ACME Coffee" and "acme  coffee" are one merchant in every file, and fraud history and
 *   sanctions screening see the same id each time.
 * - `customer_id` absent: the customer is `anonymous:<transaction_id>`, a customer of one
 *   transaction. Such rows are screened without customer history: no velocity, structuring or
 *   "above the customer's usual amount" signals, and each counts as a first transaction.
 * - `status` (completed | pending | failed, any case) is kept as metadata.settlementStatus, with
 *   the file id and line (csvFileId, csvLine).
 * - Formula injection: a cell in any column but `amount` (unknown columns too, since the file is
 *   kept as uploaded) starting with =, +, -, @, tab or carriage return is a FORMULA_INJECTION row
 *   error. The row is rejected, never silently altered. A leading "-" on an amount is already
 *   INVALID_AMOUNT.
 * - Card data: every cell, unknown columns included, is scanned for full card numbers and every
 *   column name for sensitive authentication data (cvv, pin, track...), because the uploaded file
 *   itself is stored: such a row is rejected, and the message never repeats the cell.
 */
import { createHash } from "node:crypto";
import { describeValue } from "./money";
import { containsPan } from "./pan";
import { ValidationReasonCode } from "./reasonCodes";
import { isSensitiveKey } from "./sensitiveData";
import type { CanonicalTransaction, Reason } from "./stepContracts";
import { validateTransaction } from "./validateTransaction";
import { textRules } from "./transactionSchema";
import { CsvFileError } from "./csvRecords";

/** Row reason codes of CSV files, beside the shared ValidationReasonCode; add, never rename. */
export const CsvReasonCode = {
  /** A text cell starts with a character spreadsheets treat as the start of a formula. */
  formulaInjection: "FORMULA_INJECTION",
  /** The row's transaction_id already appeared on an earlier line of the same file. */
  duplicateInFile: "DUPLICATE_IN_FILE",
  /** The row has a different number of fields than the header. */
  wrongColumnCount: "WRONG_COLUMN_COUNT",
  /** A cell is not valid UTF-8 (the file was saved in another encoding). */
  invalidEncoding: "INVALID_ENCODING",
} as const;

export type CsvReasonCode = (typeof CsvReasonCode)[keyof typeof CsvReasonCode];

export const requiredCsvColumns = [
  "transaction_id",
  "amount",
  "currency",
  "timestamp",
  "merchant",
  "status",
] as const;

export const optionalCsvColumns = [
  "customer_id",
  "merchant_id",
  "customer_country",
  "merchant_country",
  "merchant_category_code",
] as const;

export type CsvColumn = (typeof requiredCsvColumns)[number] | (typeof optionalCsvColumns)[number];

export const settlementStatuses = ["completed", "pending", "failed"] as const;

export type SettlementStatus = (typeof settlementStatuses)[number];

/** Where each column lands in the candidate transaction. */
const canonicalFieldByColumn: Readonly<Record<CsvColumn, string>> = {
  transaction_id: "transactionId",
  amount: "amount",
  currency: "currency",
  timestamp: "occurredAt",
  merchant: "merchantName",
  status: "metadata.settlementStatus",
  customer_id: "customerId",
  merchant_id: "merchantId",
  customer_country: "customerCountry",
  merchant_country: "merchantCountry",
  merchant_category_code: "merchantCategoryCode",
};

const columnByCanonicalField: ReadonlyMap<string, CsvColumn> = new Map(
  Object.entries(canonicalFieldByColumn).map(([column, field]) => [field, column as CsvColumn]),
);

const knownColumns: ReadonlySet<string> = new Set<string>([...requiredCsvColumns, ...optionalCsvColumns]);

function isKnownColumn(name: string): name is CsvColumn {
  return knownColumns.has(name);
}

export interface CsvHeader {
  /** The line the header starts on (1 unless empty lines precede it). */
  readonly line: number;
  /** Column names for messages, by position: known columns in canonical spelling, others trimmed. */
  readonly names: readonly string[];
  /** The known column at each position, undefined for unknown columns. */
  readonly columns: readonly (CsvColumn | undefined)[];
  /** Position of each known column present. */
  readonly positions: ReadonlyMap<CsvColumn, number>;
  /** Whether the column at each position is named for sensitive authentication data (cvv, pin...). */
  readonly sensitive: readonly boolean[];
}

/** The header row cannot be used, so the whole file is rejected. */
export class CsvHeaderError extends CsvFileError {
  constructor(
    code: "EMPTY_FILE" | "INVALID_HEADER" | typeof ValidationReasonCode.panDetected,
    message: string,
    line: number | undefined,
    readonly missingColumns: readonly string[] = [],
    readonly duplicateColumns: readonly string[] = [],
  ) {
    super(code, message, line);
    this.name = "CsvHeaderError";
  }
}

const requiredColumnList = requiredCsvColumns.join(", ");

export function emptyFileError(): CsvHeaderError {
  return new CsvHeaderError(
    "EMPTY_FILE",
    `The file is empty: its first line must be a header naming the columns ${requiredColumnList}.`,
    undefined,
    [...requiredCsvColumns],
  );
}

/**
 * The text a spreadsheet reads the start of: leading spaces (of any width) and format characters
 * are skipped by some programs, and fullwidth ＝＋－＠ are read as = + - @ after NFKC.
 */
function formulaLead(text: string): string {
  return text.normalize("NFKC").replace(/^[\p{Zs}\p{Cf} ]+/u, "");
}

/** Spreadsheets start a formula with these (OWASP "CSV injection"). */
export function startsLikeFormula(text: string): boolean {
  return /^[\t\r]/.test(text) || /^[=+\-@]/.test(formulaLead(text));
}

function describeFirstCharacter(text: string): string {
  if (text.startsWith("\t")) return "a tab";
  if (text.startsWith("\r")) return "a carriage return";
  const lead = formulaLead(text);
  return lead === text ? `"${text[0]}"` : `"${lead[0]}" (after leading spaces or as a fullwidth form)`;
}

export function parseCsvHeader(fields: readonly string[], line: number): CsvHeader {
  // A card number is the one problem that decides what becomes of the file (it is never kept),
  // so it is answered as such, whatever else is wrong with the header.
  if (fields.some((field) => containsPan(field))) {
    throw new CsvHeaderError(
      ValidationReasonCode.panDetected,
      `The header on line ${line} has a column name holding a full card number (PAN).`,
      line,
    );
  }
  const problems: string[] = [];
  const formulaNames = fields.filter(startsLikeFormula).map((field) => describeValue(field.trim()));
  if (formulaNames.length > 0) {
    problems.push(
      `column names must not start with =, +, -, @, tab or carriage return (found ${formulaNames.join(", ")})`,
    );
  }
  const columns = fields.map((field) => {
    const name = field.trim().toLowerCase();
    return isKnownColumn(name) ? name : undefined;
  });
  const positions = new Map<CsvColumn, number>();
  const duplicateColumns: CsvColumn[] = [];
  columns.forEach((column, position) => {
    if (column === undefined) return;
    if (!positions.has(column)) positions.set(column, position);
    else if (!duplicateColumns.includes(column)) duplicateColumns.push(column);
  });
  const missingColumns = requiredCsvColumns.filter((column) => !positions.has(column));
  if (missingColumns.length > 0) {
    problems.push(`required columns are missing: ${missingColumns.join(", ")}`);
  }
  if (duplicateColumns.length > 0) {
    problems.push(`columns appear more than once: ${duplicateColumns.join(", ")}`);
  }
  if (problems.length > 0) {
    throw new CsvHeaderError(
      "INVALID_HEADER",
      `The header on line ${line} cannot be used: ${problems.join("; ")}. The header must name the columns ${requiredColumnList} (any order, any case; other columns are ignored).`,
      line,
      missingColumns,
      duplicateColumns,
    );
  }
  const names = fields.map(
    (field, position) => columns[position] ?? (field.trim() || `column ${position + 1}`),
  );
  return { line, names, columns, positions, sensitive: names.map(isSensitiveKey) };
}

/** The stable merchant id of a row without `merchant_id` (see the module comment). */
export function merchantIdFromName(merchantName: string): string {
  const normalised = merchantName.normalize("NFKC").trim().replace(/\s+/gu, " ").toLowerCase();
  return `merchant-name:${createHash("sha256").update(normalised, "utf8").digest("hex").slice(0, 24)}`;
}

/** Validated in place of a derived merchant id: the same shape, no digits. */
export const derivedMerchantIdStandIn = `merchant-name:${"a".repeat(24)}`;

/** The customer id of a row without `customer_id`: a customer of this one transaction. */
export function anonymousCustomerId(transactionId: string): string {
  return `anonymous:${transactionId}`;
}

/** Longest customer id the shared schema accepts. */
const maxCustomerIdLength = textRules.maxIdLength;

export interface CsvRowContext {
  readonly fileId: string;
  readonly line: number;
  readonly now: Date;
  readonly maxAmountUsdMinor: bigint;
}

export interface CsvRowCheck {
  /** Every problem of the row, in column order; empty when the row is valid. */
  readonly reasons: readonly Reason[];
  /** Present exactly when `reasons` is empty. */
  readonly transaction?: CanonicalTransaction;
  /** The row's transaction_id when that cell has no problem of its own: what duplicates compare. */
  readonly transactionId?: string;
}

/** Found by the every-cell scan; the candidate's own scan would report them again, in canonical names. */
const scannedCodes: ReadonlySet<string> = new Set<string>([
  ValidationReasonCode.panDetected,
  ValidationReasonCode.sensitiveDataPresent,
]);

/** Sort position of reasons that name no column of the file: after every column. */
const unplaced = Number.MAX_SAFE_INTEGER;

interface PlacedReason {
  readonly position: number;
  readonly reason: Reason;
}

function columnOfCanonicalPath(path: string): { column?: CsvColumn; rest: string } {
  const match = /^([A-Za-z]+(?:\.settlementStatus)?)(.*)$/s.exec(path);
  if (!match) return { rest: path };
  const column = columnByCanonicalField.get(match[1]);
  return column ? { column, rest: match[2] } : { rest: path };
}

/** Judges one data row; pure apart from hashing, so the validator and the loader agree on every row. */
export function checkCsvRow(
  fields: readonly string[],
  header: CsvHeader,
  context: CsvRowContext,
): CsvRowCheck {
  if (fields.length !== header.names.length) {
    return {
      reasons: [
        {
          code: CsvReasonCode.wrongColumnCount,
          message: `the row has ${fields.length} fields but the header has ${header.names.length}; quote every field that contains a comma`,
        },
      ],
    };
  }
  const placed: PlacedReason[] = [];
  // Cells whose own problem is reported: further reasons about them would only repeat it.
  const reported = new Set<number>();
  const add = (position: number, code: string, problem: string, field = header.names[position]): void => {
    placed.push({ position, reason: { code, field, message: `${field}: ${problem}` } });
    reported.add(position);
  };

  fields.forEach((value, position) => {
    const column = header.columns[position];
    if (column !== "amount" && startsLikeFormula(value)) {
      add(
        position,
        CsvReasonCode.formulaInjection,
        `starts with ${describeFirstCharacter(value)}, which spreadsheet programs run as a formula; remove the leading character`,
      );
    }
    if (containsPan(value)) {
      add(
        position,
        ValidationReasonCode.panDetected,
        "contains a full card number (PAN); a file may carry at most the first 6-8 and last 4 digits",
      );
    }
    if (header.sensitive[position] && value.trim() !== "") {
      add(
        position,
        ValidationReasonCode.sensitiveDataPresent,
        "sensitive authentication data (card verification code, PIN or track data) must never be sent",
      );
    }
    if (column !== undefined && value.includes("\uFFFD")) {
      add(position, CsvReasonCode.invalidEncoding, "is not valid UTF-8; save the file as UTF-8");
    }
  });

  const cell = (column: CsvColumn): string | undefined => {
    const position = header.positions.get(column);
    if (position === undefined) return undefined;
    const value = fields[position];
    return value.trim() === "" ? undefined : value;
  };
  const positionOf = (column: CsvColumn): number => header.positions.get(column) ?? unplaced;
  const addUnlessReported = (column: CsvColumn, code: string, problem: string): void => {
    const at = positionOf(column);
    if (at === unplaced || !reported.has(at)) add(at, code, problem, column);
  };

  const transactionId = cell("transaction_id");
  const merchant = cell("merchant");
  const status = cell("status")?.toLowerCase();
  const settlementStatus = settlementStatuses.find((known) => known === status);
  const derived = new Set<string>();
  const candidate: Record<string, unknown> = { source: "csv", provider: "csv" };
  for (const column of header.positions.keys()) {
    const value = cell(column);
    // status is not a transaction field: it goes to metadata, below, once known to be valid.
    if (column !== "status" && value !== undefined) candidate[canonicalFieldByColumn[column]] = value;
  }
  // Without their own column these are computed, or, when their source cell is missing, absent:
  // either way a problem with them is the source cell's problem, reported under its name.
  // Values the system sets (the derived merchant id, the file id) are validated as stand-ins of
  // the same shape and put back afterwards: their random hex can look like a card number to the
  // PAN scan (a digit run of 13-19 across a dash), which must not reject a customer's row.
  let derivedMerchantId: string | undefined;
  if (candidate.merchantId === undefined) {
    derived.add("merchantId");
    if (merchant !== undefined) {
      derivedMerchantId = merchantIdFromName(merchant);
      candidate.merchantId = derivedMerchantIdStandIn;
    }
  }
  if (candidate.customerId === undefined) {
    derived.add("customerId");
    if (transactionId !== undefined) candidate.customerId = anonymousCustomerId(transactionId);
  }
  candidate.metadata = {
    csvLine: context.line,
    ...(settlementStatus === undefined ? {} : { settlementStatus }),
  };

  const result = validateTransaction(candidate, {
    now: context.now,
    maxAmountUsdMinor: context.maxAmountUsdMinor,
  });
  if (!result.valid) {
    const inColumnNames: PlacedReason[] = [];
    for (const reason of result.reasons) {
      if (scannedCodes.has(reason.code)) continue;
      const field = reason.field ?? "";
      const { column, rest } = columnOfCanonicalPath(field);
      if (derived.has(field.split(/[.[]/)[0])) continue;
      const at = column === undefined ? unplaced : positionOf(column);
      if (reported.has(at)) continue;
      const name = column === undefined ? field : `${column}${rest}`;
      const prefix = `${field}: `;
      const message = reason.message.startsWith(prefix)
        ? `${name}: ${reason.message.slice(prefix.length)}`
        : reason.message;
      inColumnNames.push({ position: at, reason: { code: reason.code, message, field: name } });
    }
    placed.push(...inColumnNames);
  }

  if (merchant === undefined) addUnlessReported("merchant", ValidationReasonCode.missingField, "is required");
  if (cell("timestamp") === undefined) {
    addUnlessReported("timestamp", ValidationReasonCode.missingField, "is required");
  }
  if (status === undefined) addUnlessReported("status", ValidationReasonCode.missingField, "is required");
  else if (settlementStatus === undefined) {
    addUnlessReported(
      "status",
      ValidationReasonCode.invalidField,
      `${describeValue(cell("status"))} must be one of ${settlementStatuses.join(", ")}`,
    );
  }
  if (
    derived.has("customerId") &&
    transactionId !== undefined &&
    anonymousCustomerId(transactionId).length > maxCustomerIdLength
  ) {
    addUnlessReported(
      "customer_id",
      ValidationReasonCode.missingField,
      `is required when transaction_id is longer than ${maxCustomerIdLength - anonymousCustomerId("").length} characters`,
    );
  }
  if (placed.length === 0 && !result.valid) {
    // Unreachable by construction; never answer invalid without a reason.
    placed.push(...result.reasons.map((reason) => ({ position: unplaced, reason })));
  }

  const idPosition = positionOf("transaction_id");
  const cleanId =
    transactionId !== undefined && !placed.some((item) => item.position === idPosition)
      ? transactionId
      : undefined;
  const idField = cleanId === undefined ? {} : { transactionId: cleanId };
  if (placed.length > 0 || !result.valid) {
    // Array.prototype.sort is stable: reasons about one column keep their order.
    const reasons = placed.sort((a, b) => a.position - b.position).map((item) => item.reason);
    return { reasons, ...idField };
  }
  return {
    reasons: [],
    transaction: csvTransaction(result.transaction, derivedMerchantId, context.fileId),
    ...idField,
  };
}

/** A validated row's transaction as stored: its derived merchant id put back, the file id added. */
export function csvTransaction(
  validated: CanonicalTransaction,
  derivedMerchantId: string | undefined,
  fileId: string,
): CanonicalTransaction {
  return {
    ...validated,
    ...(derivedMerchantId === undefined ? {} : { merchantId: derivedMerchantId }),
    metadata: { csvFileId: fileId, ...validated.metadata },
  };
}
