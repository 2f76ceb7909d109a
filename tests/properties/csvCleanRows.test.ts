/**
 * The CSV reader's fast path (functions/shared/csvCleanRows.ts) against the rule book
 * (checkCsvRow): on any row, the fast path accepts exactly the rows checkCsvRow finds valid and
 * answers the same, deep-equal. Rows are generated near the edge of every rule (valid cells mixed
 * with one-character changes that break them), so both answers occur often.
 */
import { expect } from "chai";
import fc from "fast-check";
import { acceptCleanCsvRow } from "../../functions/shared/csvCleanRows";
import {
  checkCsvRow,
  optionalCsvColumns,
  parseCsvHeader,
  requiredCsvColumns,
  type CsvRowContext,
} from "../../functions/shared/csvRows";

const context: CsvRowContext = {
  fileId: "file-fast-path",
  line: 7,
  now: new Date("2025-11-15T00:00:00Z"),
  maxAmountUsdMinor: 100_000_000n,
};

/** Mostly `valid`, sometimes one of the near misses. */
function mostly(valid: fc.Arbitrary<string>, nearMisses: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: nearMisses, weight: 1 });
}

/** Cells a column holds: valid ones most of the time, then the near misses. */
const cellsByColumn: Readonly<Record<string, fc.Arbitrary<string>>> = {
  transaction_id: mostly(
    fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
    fc.constantFrom(
      "a".repeat(128),
      "a".repeat(129),
      "a".repeat(119),
      "a".repeat(118),
      "tx 1",
      "tx\t1",
      "tx-ü",
    ),
  ),
  amount: mostly(
    fc.stringMatching(/^\d{1,7}(\.\d{1,3})?$/),
    fc.constantFrom("0", "0.00", "-1", "1e3", " 10.00", "10.", "99999999999", "100000000", "12.3.4"),
  ),
  currency: mostly(
    fc.constantFrom("USD", "usd", "JPY", "KWD", "EUR", "GBP", "Usd"),
    fc.constantFrom("XYZ", "XTS", "US", "BTC", "USD "),
  ),
  timestamp: mostly(
    fc
      .date({
        min: new Date("1999-12-31T00:00:00Z"),
        max: new Date("2025-11-15T00:10:00Z"),
        noInvalidDate: true,
      })
      .map((date) => date.toISOString()),
    fc.constantFrom(
      "2025-11-14T09:30:00+09:00",
      "2025-11-14T09:30:00",
      "2025-02-30T00:00:00Z",
      "14/11/2025 09:30",
      "2025-11-15T00:04:59Z",
      "2025-11-15T00:05:01Z",
      "1999-12-31T23:59:59Z",
      "2000-01-01T00:00:00Z",
    ),
  ),
  merchant: mostly(
    fc.stringMatching(/^[A-Za-z][A-Za-z ,.'&]{0,20}$/),
    fc.constantFrom(
      "Café Étoile",
      "東京ストア",
      "Line\nbreak",
      "Line\r\nbreak",
      "Bell\u0007",
      "\u200b",
      "   ",
      "=HYPERLINK()",
      "  +cmd",
      "＝SUM(A1)",
      "\tTab",
      'Joe\'s "Diner"',
      "m".repeat(200),
      "m".repeat(201),
      "Order 4111 1111 1111 1111",
      "Ref 2025-11-14 4111",
      "bad \uFFFD byte",
    ),
  ),
  status: mostly(
    fc.constantFrom("completed", "pending", "failed", "Completed", "PENDING"),
    fc.constantFrom("done", " completed", ""),
  ),
  customer_id: mostly(
    fc.stringMatching(/^[a-z]{1,4}-\d{1,6}$/),
    fc.constantFrom("", " ", "c".repeat(128), "c".repeat(129), "cust\u0001", "-1", "cust 7"),
  ),
  merchant_id: mostly(
    fc.stringMatching(/^merch-\d{1,4}$/),
    fc.constantFrom("", "m".repeat(129), "@m", "m\u200b"),
  ),
  customer_country: mostly(fc.constantFrom("US", "us", "FR", "JP", ""), fc.constantFrom("USA", "XX", "U1")),
  merchant_country: mostly(fc.constantFrom("US", "gb", "KW", ""), fc.constantFrom("ZZ", "840")),
  merchant_category_code: mostly(
    fc.constantFrom("5411", "5812", ""),
    fc.constantFrom("541", "54111", "ABCD"),
  ),
};

const unknownCell = mostly(
  fc.stringMatching(/^[a-z ]{0,10}$/),
  fc.oneof(
    fc.string({ maxLength: 10 }),
    fc.constantFrom("", "refund requested", "=1+1", "4111111111111111", "note \uFFFD", "١٢٣"),
  ),
);

/** A header (every required column, some optional ones, maybe extra ones) and a row for it. */
const headerAndRow = fc
  .tuple(fc.subarray([...optionalCsvColumns]), fc.subarray(["notes", "cvv", "Internal Ref"]))
  .chain(([optional, extra]) =>
    fc.shuffledSubarray([...requiredCsvColumns, ...optional, ...extra], {
      minLength: requiredCsvColumns.length + optional.length + extra.length,
    }),
  )
  .chain((columns) =>
    fc.tuple(
      fc.constant(columns),
      fc.tuple(...columns.map((column) => cellsByColumn[column] ?? unknownCell)),
      // Sometimes one field too many or too few.
      fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 1, -1),
    ),
  );

describe("CSV fast path properties", () => {
  it("accepts exactly the rows the general rules find valid, with the same transaction", () => {
    let accepted = 0;
    let declined = 0;
    fc.assert(
      fc.property(headerAndRow, ([columns, cells, extraFields]) => {
        const header = parseCsvHeader(columns, 1);
        const fields = extraFields > 0 ? [...cells, "x"] : extraFields < 0 ? cells.slice(0, -1) : [...cells];
        const general = checkCsvRow(fields, header, context);
        const fast = acceptCleanCsvRow(fields, header, context);
        if (fast === undefined) {
          declined += 1;
          expect(general.transaction, JSON.stringify(fields)).to.equal(undefined);
        } else {
          accepted += 1;
          expect(fast, JSON.stringify(fields)).to.deep.equal(general);
        }
      }),
      { numRuns: 3000 },
    );
    // Both answers occurred often enough for the comparison to mean something.
    expect(accepted).to.be.greaterThan(100);
    expect(declined).to.be.greaterThan(100);
  });
});
