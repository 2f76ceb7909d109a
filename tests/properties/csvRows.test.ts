/**
 * Properties of the CSV reader (functions/shared/csvTransactions.ts over csvRecords and csvRows):
 * any cells, rows or bytes give judged rows or a whole-file CsvFileError, never another error; a
 * bad row always carries a reason; a good row keeps its amount exactly; where the stream is cut
 * into chunks changes nothing; and a row's line is the line it starts on, quoted newlines and all.
 */
import { expect } from "chai";
import fc from "fast-check";
import referenceRates from "../../functions/shared/data/reference-fx-rates.json";
import { currencyMinorDigits, formatMinor } from "../../functions/shared/money";
import {
  CsvFileError,
  optionalCsvColumns,
  readCsvTransactions,
  requiredCsvColumns,
  type CsvReadOptions,
  type CsvRow,
} from "../../functions/shared/csvTransactions";

const options: CsvReadOptions = {
  fileId: "file-properties",
  now: new Date("2025-11-15T00:00:00Z"),
  maxAmountUsdMinor: 100_000_000n,
};
const knownColumns: readonly string[] = [...requiredCsvColumns, ...optionalCsvColumns];

/** One CSV field, quoted when it must be (and sometimes when it need not be). */
function field(cell: string, quoteAnyway: boolean): string {
  return quoteAnyway || /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

interface CsvText {
  readonly text: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** 1-based line each data row starts on. */
  readonly startLines: readonly number[];
}

function csvText(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  crlf: boolean,
  quote: boolean,
): CsvText {
  const newline = crlf ? "\r\n" : "\n";
  const lines = [header, ...rows].map((cells) => cells.map((cell) => field(cell, quote)).join(","));
  const startLines: number[] = [];
  let line = 1;
  lines.forEach((text, index) => {
    if (index > 0) startLines.push(line);
    line += (text.match(/\n/g) ?? []).length + 1;
  });
  return { text: lines.join(newline) + newline, header, rows, startLines };
}

/** The header: every required column, some optional ones, sometimes an unknown one, in any order. */
const header = fc.tuple(fc.subarray([...optionalCsvColumns]), fc.boolean()).chain(([optional, notes]) =>
  fc.shuffledSubarray([...requiredCsvColumns, ...optional, ...(notes ? ["notes"] : [])], {
    minLength: requiredCsvColumns.length + optional.length + (notes ? 1 : 0),
  }),
);

/** Anything a cell may hold: text, binary, formulas, card numbers, quotes, newlines, amounts. */
const anyCell = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 8 }),
  fc.constantFrom(
    "=SUM(A1)",
    "+1",
    "-5",
    "@cmd",
    "4111111111111111",
    'say "hi"',
    "a,b",
    "line\nbreak",
    "cr\rhere",
    " ",
  ),
  fc.stringMatching(/^-?\d{1,6}(\.\d{1,4})?$/),
  fc.constantFrom("USD", "JPY", "KWD", "completed", "pending", "2025-11-14T09:30:00Z"),
);

async function readAll(chunks: readonly Buffer[]): Promise<{ rows: CsvRow[]; fileError?: CsvFileError }> {
  const rows: CsvRow[] = [];
  async function* source(): AsyncGenerator<Buffer> {
    for (const chunk of chunks) yield chunk;
  }
  try {
    for await (const row of readCsvTransactions(source(), options)) rows.push(row);
  } catch (error) {
    if (error instanceof CsvFileError) return { rows, fileError: error };
    throw error;
  }
  return { rows };
}

/** `bytes` cut at the given offsets (any of them may split a UTF-8 character or a CRLF). */
function cut(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const points = [...new Set(offsets.map((offset) => offset % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point > start) chunks.push(bytes.subarray(start, point));
    start = Math.max(start, point);
  }
  return chunks;
}

function headOf(fieldPath: string): string {
  return /^[^.[]*/.exec(fieldPath)?.[0] ?? fieldPath;
}

describe("CSV reader properties", () => {
  it("judges every row of any cells: valid, or an error with a reason, at the line it starts on", async () => {
    await fc.assert(
      fc.asyncProperty(
        header.chain((columns) =>
          fc.tuple(
            fc.constant(columns),
            fc.array(fc.array(anyCell, { minLength: 1, maxLength: columns.length + 1 }), { maxLength: 12 }),
            fc.boolean(),
            fc.boolean(),
          ),
        ),
        async ([columns, rows, crlf, quote]) => {
          const file = csvText(columns, rows, crlf, quote);
          const { rows: judged, fileError } = await readAll([Buffer.from(file.text, "utf8")]);
          // Every quote is closed and every record short: nothing here makes the whole file unreadable.
          if (fileError) throw fileError;
          const kept = file.rows.flatMap((cells, index) =>
            cells.every((cell) => cell.trim() === "") ? [] : [file.startLines[index]],
          );
          expect(judged.map((row) => row.line)).to.deep.equal(kept);
          // Errors are named by a column, or by a field derived from one (merchantId, customerId).
          const names = [...columns, ...knownColumns, "merchantId", "customerId"];
          for (const row of judged) {
            if (row.valid) {
              expect(row.key).to.equal(`csv#${row.transaction.transactionId}`);
              continue;
            }
            expect(row.errors, `line ${row.line}`).to.have.length.greaterThan(0);
            for (const error of row.errors) {
              expect(error.code).to.match(/^[A-Z_]+$/);
              expect(error.message).to.be.a("string").and.not.equal("");
              if (error.field !== undefined) expect(names, error.message).to.include(headOf(error.field));
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps the amount of every good row exactly, in any screenable currency", async () => {
    const screenable = Object.keys(referenceRates.usdPerUnit).map((code) => ({
      code,
      digits: currencyMinorDigits(code) ?? 0,
    }));
    const goodRow = fc.record({
      id: fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/),
      currency: fc.constantFrom(...screenable),
      major: fc.bigInt({ min: 0n, max: 100_000n }),
      fraction: fc.nat({ max: 9999 }),
      trimZeros: fc.boolean(),
      merchant: fc.stringMatching(/^[A-Za-z][A-Za-z ,.'&"]{0,24}$/),
      status: fc.constantFrom("completed", "pending", "failed", "Completed", "PENDING"),
      minutesAgo: fc.integer({ min: 1, max: 100_000 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(goodRow, { minLength: 1, maxLength: 15 }),
        fc.boolean(),
        async (rows, crlf) => {
          const expected = rows.map((row) => {
            const scale = 10n ** BigInt(row.currency.digits);
            const minor = row.major * scale + (BigInt(row.fraction) % scale) || 1n;
            const canonical = formatMinor(minor, row.currency.code);
            // "10.50" may be written "10.5": fewer decimals than the currency has are fine.
            const written =
              row.trimZeros && canonical.includes(".") ? canonical.replace(/\.?0+$/, "") : canonical;
            return { ...row, minor, canonical, written };
          });
          // merchant_id given: an id derived from the name can trip the card-number scan (see above).
          const file = csvText(
            [...requiredCsvColumns, "merchant_id"],
            expected.map((row, index) => [
              `${row.id}-${index}`,
              row.written,
              row.currency.code,
              new Date(options.now.getTime() - row.minutesAgo * 60_000).toISOString(),
              row.merchant,
              row.status,
              `merchant-${index}`,
            ]),
            crlf,
            false,
          );
          const { rows: judged, fileError } = await readAll([Buffer.from(file.text, "utf8")]);
          if (fileError) throw fileError;
          expect(judged).to.have.length(expected.length);
          judged.forEach((row, index) => {
            if (!row.valid) throw new Error(`line ${row.line}: ${JSON.stringify(row.errors)}`);
            const want = expected[index];
            expect(row.transaction.amountMinor).to.equal(Number(want.minor));
            expect(row.transaction.amount).to.equal(want.canonical);
            expect(row.transaction.currency).to.equal(want.currency.code);
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("reads any bytes as rows or a whole-file error, the same however the stream is cut", async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      // A real header, then noise: the row rules see the bytes.
      fc
        .uint8Array({ maxLength: 400 })
        .map((noise) =>
          Buffer.concat([Buffer.from(`${requiredCsvColumns.join(",")}\r\n`), Buffer.from(noise)]),
        ),
      // Valid rows whose text is cut through multi-byte characters and CRLFs.
      fc
        .array(fc.array(anyCell, { minLength: 6, maxLength: 6 }), { maxLength: 6 })
        .map((rows) => Buffer.from(csvText([...requiredCsvColumns], rows, true, false).text, "utf8")),
    );
    await fc.assert(
      fc.asyncProperty(bytes, fc.array(fc.nat(), { maxLength: 8 }), async (content, offsets) => {
        const buffer = Buffer.from(content);
        const whole = await readAll([buffer]);
        const pieces = await readAll(cut(buffer, offsets));
        expect(pieces.rows).to.deep.equal(whole.rows);
        expect(pieces.fileError?.code).to.equal(whole.fileError?.code);
        expect(pieces.fileError?.line).to.equal(whole.fileError?.line);
        for (const row of whole.rows) if (!row.valid) expect(row.errors).to.have.length.greaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});
