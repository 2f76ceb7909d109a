/**
 * Two references for the CSV suite, run over the same file as the pipeline's own reader:
 *
 * - bare parser: `csv-parse` with `columns: true` and no checks at all, streaming; the fastest a
 *   reader built on that parser can go, so our rate is reported as a share of it;
 * - plain JavaScript: the simplest validation a naive handler would write (required fields, an
 *   amount with at most two decimals, a three-letter currency, a parseable timestamp, a Set of ids
 *   for duplicates), on the same parser; no card-number scan, no exact money, no per-currency
 *   exponents. It finds roughly, not exactly, the same rows: it is a speed reference, not a check.
 */
import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import type { CsvTaskOutcome } from "./tasks";

export const csvReferences = ["bare-parser", "plain-js"] as const;
export type CsvReference = (typeof csvReferences)[number];

const requiredFields = ["transaction_id", "amount", "currency", "timestamp"] as const;

async function bareParser(path: string): Promise<CsvTaskOutcome> {
  let rows = 0;
  for await (const record of createReadStream(path).pipe(parse({ columns: true }))) {
    if (record !== undefined) rows += 1;
  }
  return { rows, validRows: rows, invalidRows: 0, errorsOrBatches: 0, detailBytes: 0 };
}

async function plainJs(path: string): Promise<CsvTaskOutcome> {
  let rows = 0;
  let invalidRows = 0;
  const seen = new Set<string>();
  const parser = createReadStream(path).pipe(parse({ columns: true }));
  for await (const record of parser as AsyncIterable<Record<string, string | undefined>>) {
    rows += 1;
    const problems =
      requiredFields.some((field) => !record[field]) ||
      !/^\d+(\.\d{1,2})?$/.test(record.amount ?? "") ||
      !/^[A-Z]{3}$/.test(record.currency ?? "") ||
      Number.isNaN(Date.parse(record.timestamp ?? "")) ||
      seen.has(record.transaction_id ?? "");
    seen.add(record.transaction_id ?? "");
    if (problems) invalidRows += 1;
  }
  return { rows, validRows: rows - invalidRows, invalidRows, errorsOrBatches: invalidRows, detailBytes: 0 };
}

export const csvReferenceRunners: Record<CsvReference, (path: string) => Promise<CsvTaskOutcome>> = {
  "bare-parser": bareParser,
  "plain-js": plainJs,
};
