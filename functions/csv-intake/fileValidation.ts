/**
 * Judges one uploaded file with the shared streaming reader (summarizeCsv), the same one the
 * loader uses, so a file accepted here is read the same way there. The file is accepted when it
 * has a usable header, is well-formed CSV to its end, holds no card number in any cell or column
 * name, and has at least one valid row; otherwise it is rejected as a whole, with the reason.
 * Errors of the source stream itself (S3, network) are rethrown unchanged: they say nothing about
 * the file.
 */
import { CsvFileError, summarizeCsv, type CsvSource, type CsvSummary } from "../shared/csvTransactions";
import { ValidationReasonCode } from "../shared/reasonCodes";

/** File-level rejection codes: the shared CsvFileErrorCode values (PAN_DETECTED among them), and NO_VALID_ROWS. */
export type FileRejectionCode = CsvFileError["code"] | "NO_VALID_ROWS" | "UPLOAD_NOT_FOUND";

export interface FileRejection {
  readonly code: FileRejectionCode;
  readonly message: string;
  /** Where a file-level problem starts, when it has a place. */
  readonly line?: number;
}

export type FileValidation =
  | { readonly accepted: true; readonly summary: CsvSummary }
  /** `summary` is present when every row was read (NO_VALID_ROWS), absent when the file could not be. */
  | { readonly accepted: false; readonly rejection: FileRejection; readonly summary?: CsvSummary };

export interface FileValidationOptions {
  readonly fileId: string;
  readonly now: Date;
  readonly maxAmountUsdMinor: bigint;
  readonly maxRowErrors: number;
}

function noValidRows(summary: CsvSummary): FileRejection {
  if (summary.rows === 0) {
    return {
      code: "NO_VALID_ROWS",
      message: "The file has a header but no data rows; nothing would be loaded.",
    };
  }
  return {
    code: "NO_VALID_ROWS",
    message: `None of the file's ${summary.rows} rows is valid; see errors for each row's problems.`,
  };
}

/** A file holding a card number is never kept, not even with the row rejected: it is refused whole. */
function cardNumberFound(line: number): FileRejection {
  return {
    code: ValidationReasonCode.panDetected,
    message: `Line ${line} contains a full card number (PAN), so the file was refused and not stored; remove it (a file may carry at most the first 6-8 and last 4 digits) and upload the file again.`,
    line,
  };
}

export async function validateCsvFile(
  source: CsvSource,
  options: FileValidationOptions,
): Promise<FileValidation> {
  let summary: CsvSummary;
  try {
    summary = await summarizeCsv(source, options);
  } catch (error) {
    if (!(error instanceof CsvFileError)) throw error;
    // A column name holding a card number: answered like a cell holding one.
    if (error.code === ValidationReasonCode.panDetected && error.line !== undefined) {
      return { accepted: false, rejection: cardNumberFound(error.line) };
    }
    return {
      accepted: false,
      rejection: {
        code: error.code,
        message: error.message,
        ...(error.line === undefined ? {} : { line: error.line }),
      },
    };
  }
  if (summary.firstCardNumberLine !== undefined) {
    return { accepted: false, rejection: cardNumberFound(summary.firstCardNumberLine), summary };
  }
  if (summary.validRows === 0) return { accepted: false, rejection: noValidRows(summary), summary };
  return { accepted: true, summary };
}
