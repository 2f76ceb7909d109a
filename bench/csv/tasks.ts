/**
 * The work measured, twice: once as the functions do it (streaming, from the file on disk through
 * the shared reader) and once as the BASELINE — a naive read-it-all-then-loop version. Both run
 * the same per-row code (readCsvTransactions' header and row checks, receivedEntry's event
 * detail), so only the I/O strategy differs:
 *
 * - streaming: createReadStream → readCsvTransactions → count / batch as rows arrive;
 * - naive (baseline): readFile the whole file, judge every row into an array, then loop over it
 *   (and, for the load, build every event entry first and slice the array into batches).
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { receivedEntry } from "../../functions/csv-transform/receivedEvents";
import {
  readCsvTransactions,
  summarizeCsv,
  type CsvReadOptions,
  type CsvRow,
  type CsvValidRow,
} from "../../functions/shared/csvTransactions";
import { csvBenchNow } from "./generate";

export const csvTasks = ["validate", "load"] as const;
export type CsvTask = (typeof csvTasks)[number];
export const csvImplementations = ["streaming", "naive"] as const;
export type CsvImplementation = (typeof csvImplementations)[number];

/** What a pass found: equal between the two implementations, or the comparison is void. */
export interface CsvTaskOutcome {
  readonly rows: number;
  readonly validRows: number;
  readonly invalidRows: number;
  /** validate: row problems; load: PutEvents-sized batches built. */
  readonly errorsOrBatches: number;
  /** load only: bytes of event Detail built (keeps the work observable). */
  readonly detailBytes: number;
}

const options: CsvReadOptions = { fileId: "bench-file", now: csvBenchNow, maxAmountUsdMinor: 10_000_000n };
const eventBusName = "transactions-bench";
/** PutEvents' limit, as the loader batches (receivedEvents.entriesPerCall). */
const entriesPerCall = 10;

/** Stands in for PutEvents: the loader would send the batch; here it is only measured. */
function sendBatch(batch: readonly PutEventsRequestEntry[]): number {
  let bytes = 0;
  for (const entry of batch) bytes += entry.Detail?.length ?? 0;
  return bytes;
}

async function streamingValidate(path: string): Promise<CsvTaskOutcome> {
  const summary = await summarizeCsv(createReadStream(path), options);
  const { rows, validRows, invalidRows, errorCount } = summary;
  return { rows, validRows, invalidRows, errorsOrBatches: errorCount, detailBytes: 0 };
}

async function streamingLoad(path: string): Promise<CsvTaskOutcome> {
  let rows = 0;
  let validRows = 0;
  let batches = 0;
  let detailBytes = 0;
  let batch: PutEventsRequestEntry[] = [];
  for await (const row of readCsvTransactions(createReadStream(path), options)) {
    rows += 1;
    if (!row.valid) continue;
    validRows += 1;
    batch.push(receivedEntry(eventBusName, row));
    if (batch.length === entriesPerCall) {
      detailBytes += sendBatch(batch);
      batches += 1;
      batch = [];
    }
  }
  if (batch.length > 0) {
    detailBytes += sendBatch(batch);
    batches += 1;
  }
  return { rows, validRows, invalidRows: rows - validRows, errorsOrBatches: batches, detailBytes };
}

/** The file handed to the parser as one buffer, the way a read-it-all implementation would. */
async function* wholeFile(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

/** BASELINE: the whole file in memory, then every row judged into an array. */
async function naiveRows(path: string): Promise<CsvRow[]> {
  const bytes = await readFile(path);
  const rows: CsvRow[] = [];
  for await (const row of readCsvTransactions(wholeFile(bytes), options)) rows.push(row);
  return rows;
}

/** BASELINE validate: summarizeCsv's counting, over the materialised rows. */
async function naiveValidate(path: string): Promise<CsvTaskOutcome> {
  const rows = await naiveRows(path);
  let validRows = 0;
  let errorCount = 0;
  for (const row of rows) {
    if (row.valid) {
      validRows += 1;
      continue;
    }
    errorCount += row.errors.length;
  }
  return {
    rows: rows.length,
    validRows,
    invalidRows: rows.length - validRows,
    errorsOrBatches: errorCount,
    detailBytes: 0,
  };
}

/** BASELINE load: every entry built first, then the array sliced into batches of 10. */
async function naiveLoad(path: string): Promise<CsvTaskOutcome> {
  const rows = await naiveRows(path);
  const valid = rows.filter((row): row is CsvValidRow => row.valid);
  const entries = valid.map((row) => receivedEntry(eventBusName, row));
  let batches = 0;
  let detailBytes = 0;
  for (let start = 0; start < entries.length; start += entriesPerCall) {
    detailBytes += sendBatch(entries.slice(start, start + entriesPerCall));
    batches += 1;
  }
  return {
    rows: rows.length,
    validRows: valid.length,
    invalidRows: rows.length - valid.length,
    errorsOrBatches: batches,
    detailBytes,
  };
}

export const csvTaskRunners: Record<
  CsvImplementation,
  Record<CsvTask, (path: string) => Promise<CsvTaskOutcome>>
> = {
  streaming: { validate: streamingValidate, load: streamingLoad },
  naive: { validate: naiveValidate, load: naiveLoad },
};
