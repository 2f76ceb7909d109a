/** CSV uploads in the seed's format, each row a transaction of its own customer. */

const header =
  "transaction_id,amount,currency,timestamp,merchant,status,customer_id,customer_country,merchant_category_code";

/** Amounts spread over the three lanes (low < 1,000 ≤ medium ≤ 10,000 < high). */
const amounts = ["12.00", "480.25", "999.99", "1000.00", "7250.50", "10000.01", "23000.00"];

export interface CsvRow {
  /** The key the row is stored and decided under (`csv#<transaction_id>`). */
  readonly key: string;
  /** Its line in the file, the header being line 1. */
  readonly line: number;
  readonly valid: boolean;
}

export interface CsvFile {
  readonly body: string;
  readonly rows: readonly CsvRow[];
  /** The keys of the valid rows. */
  readonly keys: readonly string[];
}

/**
 * `rows` rows; with `validEvery` n, only every n-th row is valid and the others carry an amount
 * with too many decimals (INVALID_AMOUNT), which csv-intake reports and the load passes over.
 */
export function csvFile(
  prefix: string,
  rows: number,
  options: { readonly validEvery?: number } = {},
): CsvFile {
  const at = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const validEvery = options.validEvery ?? 1;
  const described = Array.from({ length: rows }, (_, index) => {
    const id = `${prefix}-${index + 1}`;
    const valid = index % validEvery === validEvery - 1;
    const amount = valid ? amounts[index % amounts.length] : "10.999";
    return {
      row: { key: `csv#${id}`, line: index + 2, valid },
      text: `${id},${amount},USD,${at},Corner Grocery,completed,cust-${id},US,5411`,
    };
  });
  return {
    body: [header, ...described.map(({ text }) => text)].join("\n") + "\n",
    rows: described.map(({ row }) => row),
    keys: described.filter(({ row }) => row.valid).map(({ row }) => row.key),
  };
}
