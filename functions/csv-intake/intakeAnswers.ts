/**
 * The csv-intake's HTTP answers in the wire format (snake_case, DESIGN.md "HTTP answers"). Pure.
 *
 * - 202 VALIDATED: the file is stored and will be loaded; counts and the first row errors.
 * - 422 REJECTED: the request was fine and the file is recorded under its file_id, but as a whole it
 *   cannot be loaded (bad header, not CSV, no valid row). 422 rather than 400 because the client's
 *   request is not malformed and a status record exists to look up; 400 stays "the request itself
 *   is wrong". The row counts are present when every row was read (NO_VALID_ROWS), absent when the
 *   file could not be read to its end.
 * - 201: a presigned upload URL for a new file id.
 *
 * Row messages are the shared reasons' own, which never repeat a cell that holds a card number;
 * they are masked again here because this is where they leave towards a client.
 */
import type { APIGatewayProxyResult } from "aws-lambda";
import type { CsvRowError, CsvSummary } from "../shared/csvTransactions";
import { errorResponse, jsonResponse } from "../shared/httpResponses";
import { redactPanText } from "../shared/pan";
import type { FileRejection } from "./fileValidation";
import type { PresignedUpload } from "./uploadStorage";
import { csvMediaType } from "./uploadStorage";

export interface WireRowError {
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

export interface WireCounts {
  readonly rows: number;
  readonly valid_rows: number;
  readonly invalid_rows: number;
  /** Every row problem; `errors` holds the first FILE_ERROR_LIMIT of them. */
  readonly error_count: number;
  readonly errors: readonly WireRowError[];
}

export interface ValidatedAnswer extends WireCounts {
  readonly file_id: string;
  readonly status: "VALIDATED";
}

export interface UploadUrlAnswer {
  readonly file_id: string;
  readonly status: "RECEIVED";
  readonly upload_url: string;
  readonly method: "PUT";
  readonly expires_at: string;
  readonly headers: { readonly "Content-Type": string };
}

export function wireRowErrors(errors: readonly CsvRowError[]): WireRowError[] {
  return errors.map((error) => ({
    line: error.line,
    code: error.code,
    message: redactPanText(error.message),
  }));
}

function wireCounts(summary: CsvSummary): WireCounts {
  return {
    rows: summary.rows,
    valid_rows: summary.validRows,
    invalid_rows: summary.invalidRows,
    error_count: summary.errorCount,
    errors: wireRowErrors(summary.errors),
  };
}

export function validatedAnswer(fileId: string, summary: CsvSummary): APIGatewayProxyResult {
  const body: ValidatedAnswer = { file_id: fileId, status: "VALIDATED", ...wireCounts(summary) };
  return jsonResponse(202, body);
}

export function rejectedAnswer(
  fileId: string,
  rejection: FileRejection,
  summary?: CsvSummary,
): APIGatewayProxyResult {
  return jsonResponse(422, {
    error: {
      code: rejection.code,
      message: redactPanText(rejection.message),
      ...(rejection.line === undefined ? {} : { line: rejection.line }),
    },
    file_id: fileId,
    status: "REJECTED",
    ...(summary ? wireCounts(summary) : {}),
  });
}

export function uploadUrlAnswer(fileId: string, upload: PresignedUpload): APIGatewayProxyResult {
  const body: UploadUrlAnswer = {
    file_id: fileId,
    status: "RECEIVED",
    upload_url: upload.url,
    method: "PUT",
    expires_at: upload.expiresAt.toISOString(),
    headers: { "Content-Type": csvMediaType },
  };
  return jsonResponse(201, body);
}

/** Seconds a client should wait before retrying after a 503. */
const retryAfterSeconds = "5";

export function unavailableAnswer(message: string): APIGatewayProxyResult {
  return errorResponse(
    503,
    { code: "SERVICE_UNAVAILABLE", message },
    {},
    { "Retry-After": retryAfterSeconds },
  );
}
