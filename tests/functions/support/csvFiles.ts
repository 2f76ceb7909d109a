/**
 * CSV test helpers: fixture streams, a writer that quotes like RFC 4180, chunked sources (so every
 * test can also split multi-byte characters and CRLFs across reads), and a generated file of any
 * length that is streamed, never held as one string.
 */
import { createReadStream, readFileSync } from "node:fs";
import path from "node:path";
import {
  readCsvTransactions,
  type CsvReadOptions,
  type CsvRow,
  type CsvSource,
} from "../../../functions/shared/csvTransactions";

export const csvFixtureDirectory = path.join(__dirname, "..", "..", "fixtures", "csv");

/** Before every fixture's timestamps (2025-11-14), and one test row's future timestamp is after it. */
export const csvTestNow = new Date("2025-11-15T00:00:00Z");

export function csvOptions(overrides: Partial<CsvReadOptions> = {}): CsvReadOptions {
  // 100,000.00 USD, the webhook intake's default maximum.
  return { fileId: "file-1", now: csvTestNow, maxAmountUsdMinor: 10_000_000n, ...overrides };
}

/** A fixture as a Node stream, the way S3 and HTTP bodies arrive. */
export function fixtureStream(name: string): NodeJS.ReadableStream {
  return createReadStream(path.join(csvFixtureDirectory, name));
}

export function fixtureBytes(name: string): Buffer {
  return readFileSync(path.join(csvFixtureDirectory, name));
}

/** `bytes` delivered `size` bytes at a time (1 splits every character and every CRLF). */
export async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

/** `bytes` split at the given offsets (sorted and clamped here). */
export async function* splitAt(bytes: Buffer, offsets: readonly number[]): AsyncGenerator<Buffer> {
  let start = 0;
  for (const offset of [...offsets].sort((a, b) => a - b)) {
    const end = Math.min(Math.max(offset, start), bytes.length);
    if (end > start) yield bytes.subarray(start, end);
    start = end;
  }
  if (start < bytes.length) yield bytes.subarray(start);
}

export async function collectRows(
  source: CsvSource,
  options: CsvReadOptions = csvOptions(),
): Promise<CsvRow[]> {
  const rows: CsvRow[] = [];
  for await (const row of readCsvTransactions(source, options)) rows.push(row);
  return rows;
}

/** The error a promise rejects with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}

/** One CSV field, quoted when it must be (or always, when `forceQuotes`). */
export function csvField(value: string, forceQuotes = false): string {
  return forceQuotes || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[], eol = "\n", forceQuotes = false): string {
  return fields.map((field) => csvField(field, forceQuotes)).join(",") + eol;
}

export const minimalHeader = ["transaction_id", "amount", "currency", "timestamp", "merchant", "status"];

/** A valid row of the minimal header, with overrides by column name. */
export function minimalRow(transactionId: string, overrides: Record<string, string> = {}): string[] {
  const row: Record<string, string> = {
    transaction_id: transactionId,
    amount: "10.00",
    currency: "USD",
    timestamp: "2025-11-14T09:30:00Z",
    merchant: "Corner Shop",
    status: "completed",
    ...overrides,
  };
  return minimalHeader.map((column) => row[column]);
}

export async function* fromStrings(...chunks: string[]): AsyncGenerator<string> {
  for (const chunk of chunks) yield chunk;
}

/**
 * A file of `rowCount` rows, produced as the consumer reads it (about 500 rows per chunk). When
 * `invalidEvery` is given, every invalidEvery-th row has an amount with too many decimals.
 */
export async function* generatedCsv(rowCount: number, invalidEvery?: number): AsyncGenerator<string> {
  yield "transaction_id,amount,currency,timestamp,merchant,status,customer_id,merchant_country\r\n";
  let chunk = "";
  for (let index = 1; index <= rowCount; index += 1) {
    const cents = String(index % 100).padStart(2, "0");
    const amount = invalidEvery && index % invalidEvery === 0 ? "1.001" : `${(index % 5000) + 1}.${cents}`;
    chunk += `gen-${index},${amount},USD,2025-11-14T09:30:00Z,Merchant ${index % 97},completed,customer-${index % 1000},GB\r\n`;
    if (index % 500 === 0) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}
