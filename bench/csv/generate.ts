/**
 * Writes a realistic CSV upload to disk before a benchmark run, so generation is never measured.
 * Rows look like tests/fixtures/csv/valid.csv (every column, several currencies and time zones,
 * quoted merchants with commas, unicode names, notes), deterministic for a given row count. About
 * 1% of rows are invalid in the ways real files are: a bad amount, an unknown currency, a bad
 * timestamp, a repeated transaction_id.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";

export const csvBenchHeader =
  "transaction_id,amount,currency,timestamp,merchant,status,customer_id,merchant_id,customer_country,merchant_country,merchant_category_code,notes";

/** Later than every generated timestamp: the reader's "timestamp in the future" reference. */
export const csvBenchNow = new Date("2025-11-15T00:00:00Z");

const merchants = [
  "Corner Grocery",
  '"Smith, Jones & Co"',
  "Ramen Bar",
  "Café Étoile",
  "Gulf Traders",
  "Book Nook",
  "Bäckerei Müller",
  '"Fish, Chips and More"',
  "東京ストア",
  "Online Subscriptions Ltd",
];
const currencies: readonly (readonly [string, (n: number) => string, string])[] = [
  ["USD", (n) => `${(n % 5000) + 1}.${String(n % 100).padStart(2, "0")}`, "US"],
  ["EUR", (n) => `${(n % 900) + 1}.${String((n * 7) % 100).padStart(2, "0")}`, "FR"],
  ["JPY", (n) => String(((n * 13) % 90_000) + 100), "JP"],
  ["GBP", (n) => `${(n % 400) + 1}.${String((n * 3) % 100).padStart(2, "0")}`, "GB"],
  ["KWD", (n) => `${(n % 50) + 1}.${String(n % 1000).padStart(3, "0")}`, "KW"],
];
const statuses = ["completed", "completed", "completed", "pending", "failed", "Completed"];
const categories = ["5411", "5812", "5942", "5999", ""];

function timestamp(n: number): string {
  const minutes = n % 1440;
  const time = `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  return n % 3 === 0 ? `2025-11-13T${time}:30+09:00` : `2025-11-14T${time}:00Z`;
}

/** One data row (no line ending); every 100th row is invalid, cycling through four problems. */
export function csvBenchRow(n: number): string {
  const [currency, amountOf, country] = currencies[n % currencies.length];
  let id = `tx-${String(n).padStart(9, "0")}`;
  let amount = amountOf(n);
  let code = currency;
  let time = timestamp(n);
  if (n % 100 === 50) {
    const problem = (n / 100) % 4;
    if (problem < 1) amount = "12.3.4";
    else if (problem < 2) code = "XYZ";
    else if (problem < 3) time = "14/11/2025 09:30";
    else id = `tx-${String(n - 1).padStart(9, "0")}`;
  }
  const merchant = merchants[n % merchants.length];
  const notes = n % 7 === 0 ? '"refund requested, see ticket"' : "";
  return [
    id,
    amount,
    code,
    time,
    merchant,
    statuses[n % statuses.length],
    `cust-${n % 10_007}`,
    `merch-${n % merchants.length}`,
    country,
    country,
    categories[n % categories.length],
    notes,
  ].join(",");
}

/** Writes `rows` data rows (CRLF, as spreadsheets save them) to `path`; returns the byte count. */
export async function writeCsvBenchFile(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, "drain");
  };
  await write(`${csvBenchHeader}\r\n`);
  let chunk = "";
  for (let n = 1; n <= rows; n += 1) {
    chunk += `${csvBenchRow(n)}\r\n`;
    if (n % 1000 === 0) {
      await write(chunk);
      chunk = "";
    }
  }
  if (chunk) await write(chunk);
  out.end();
  await once(out, "finish");
  return bytes;
}
