/**
 * The CSV transaction reader shared by the upload validator and the loader: every fixture in
 * tests/fixtures/csv with exact lines and codes, the CSV corner cases (chunk boundaries, CRLF in
 * quotes, encodings, structural errors), the summary, a streamed 100,000-row file, and properties
 * over random cells and amounts. What these cannot prove: how a real S3 stream paces its chunks
 * (the byte-at-a-time and random splits are the worst cases instead).
 */
import { expect } from "chai";
import fc from "fast-check";
import { formatMinor, currencyMinorDigits } from "../../functions/shared/money";
import {
  CsvFileError,
  CsvFormatError,
  CsvHeaderError,
  CsvReasonCode,
  anonymousCustomerId,
  merchantIdFromName,
  readCsvTransactions,
  summarizeCsv,
  type CsvInvalidRow,
  type CsvRow,
  type CsvValidRow,
} from "../../functions/shared/csvTransactions";
import {
  chunked,
  collectRows,
  csvLine,
  csvOptions,
  fixtureBytes,
  fixtureStream,
  fromStrings,
  generatedCsv,
  minimalHeader,
  minimalRow,
  rejectionOf,
  splitAt,
} from "./support/csvFiles";

const fixtureNames = [
  "valid.csv",
  "bom-crlf.csv",
  "quoted-commas-newlines.csv",
  "unicode-merchants.csv",
  "bad-header.csv",
  "some-bad-rows.csv",
  "duplicate-ids.csv",
  "formula-injection.csv",
  "empty.csv",
  "header-only.csv",
];

function validRows(rows: readonly CsvRow[]): CsvValidRow[] {
  return rows.filter((row): row is CsvValidRow => row.valid);
}

function invalidRows(rows: readonly CsvRow[]): CsvInvalidRow[] {
  return rows.filter((row): row is CsvInvalidRow => !row.valid);
}

/** `[line, code, field]` of every problem, for exact comparison. */
function problems(rows: readonly CsvRow[]): Array<[number, string, string | undefined]> {
  return invalidRows(rows).flatMap((row) =>
    row.errors.map((error): [number, string, string | undefined] => [row.line, error.code, error.field]),
  );
}

/** A rejection as comparable data (chai compares Error objects by identity). */
function describeFileError(error: unknown): unknown {
  if (!(error instanceof CsvFileError)) throw error;
  return { name: error.name, code: error.code, line: error.line, message: error.message };
}

function onlyValid(row: CsvRow | undefined): CsvValidRow {
  if (!row?.valid) throw new Error(`expected a valid row, got ${JSON.stringify(row)}`);
  return row;
}

describe("CSV transactions: fixtures", () => {
  it("valid.csv: every row becomes the canonical transaction, keyed csv#<transaction_id>", async () => {
    const rows = await collectRows(fixtureStream("valid.csv"));

    expect(rows.map((row) => [row.line, row.valid])).to.deep.equal([
      [2, true],
      [3, true],
      [4, true],
      [5, true],
    ]);
    const [first, yen, dinar, anonymous] = validRows(rows);
    expect(first.key).to.equal("csv#tx-1001");
    expect(first.transaction).to.deep.equal({
      transactionId: "tx-1001",
      source: "csv",
      provider: "csv",
      amountMinor: 4250,
      amount: "42.50",
      currency: "USD",
      amountUsdMinor: 4250,
      customerId: "cust-1",
      merchantId: "merch-1",
      merchantCategoryCode: "5411",
      customerCountry: "US",
      merchantCountry: "US",
      merchantName: "Corner Grocery",
      occurredAt: "2025-11-14T09:30:00.000Z",
      metadata: { csvFileId: "file-1", csvLine: 2, settlementStatus: "completed" },
    });
    expect([yen.transaction.amountMinor, yen.transaction.amount, yen.transaction.occurredAt]).to.deep.equal([
      1500,
      "1500",
      "2025-11-14T01:00:00.000Z",
    ]);
    expect(yen.transaction.metadata).to.deep.equal({
      csvFileId: "file-1",
      csvLine: 3,
      settlementStatus: "pending",
    });
    expect([dinar.transaction.amountMinor, dinar.transaction.amount]).to.deep.equal([125, "0.125"]);
    expect(dinar.transaction.customerCountry).to.equal("KW");
    expect(dinar.transaction.merchantId).to.equal(merchantIdFromName("Gulf Traders"));
    expect(dinar.transaction).to.not.have.property("merchantCategoryCode");
    expect(anonymous.transaction.customerId).to.equal("anonymous:tx-1004");
    expect(anonymous.transaction.currency).to.equal("EUR");
    expect(anonymous.transaction.metadata).to.deep.equal({
      csvFileId: "file-1",
      csvLine: 5,
      settlementStatus: "completed",
    });
  });

  it("bom-crlf.csv: the BOM is dropped, CRLF ends lines, header names are trimmed and case-insensitive", async () => {
    const bytes = fixtureBytes("bom-crlf.csv");
    // Guards the fixture itself: an editor or git setting that rewrote it would make this test vacuous.
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    expect(bytes.includes("\r\n")).to.equal(true);

    const rows = await collectRows(fixtureStream("bom-crlf.csv"));

    expect(rows.map((row) => [row.line, row.valid])).to.deep.equal([
      [2, true],
      [3, true],
      [5, true],
    ]);
    const transactions = validRows(rows).map((row) => row.transaction);
    expect(transactions.map((transaction) => transaction.transactionId)).to.deep.equal([
      "crlf-1",
      "crlf-2",
      "crlf-3",
    ]);
    expect(transactions[2].merchantName).to.equal("Bakery, Central");
    expect(transactions[2].customerId).to.equal("cust-3");
  });

  it("quoted-commas-newlines.csv: quoted commas, quotes and newlines, with start lines counted", async () => {
    const rows = await collectRows(fixtureStream("quoted-commas-newlines.csv"));

    expect(rows.map((row) => [row.line, row.valid])).to.deep.equal([
      [2, true],
      [3, true],
      [5, true],
      [8, true],
      [10, false],
    ]);
    // A newline inside a quoted field is valid CSV, and a name may span lines.
    expect(validRows(rows).map((row) => row.transaction.merchantName)).to.deep.equal([
      "Smith, Jones & Co",
      'The "Best" Diner',
      "Joe's Grill",
      "Line\nBreak Cafe",
    ]);
    expect(problems(rows)).to.deep.equal([[10, "MISSING_FIELD", "merchant"]]);
  });

  it("unicode-merchants.csv: names round-trip exactly; one merchant id per name, whatever its case or normal form", async () => {
    const rows = await collectRows(fixtureStream("unicode-merchants.csv"));

    const transactions = validRows(rows).map((row) => row.transaction);
    expect(transactions.map((transaction) => transaction.merchantName)).to.deep.equal([
      "Café Zürich",
      "東京ラーメン 本店",
      "Łódź Sklep Spożywczy",
      "🍕 Pizza Planet",
      "مطعم الشرق",
      "CAFE\u0301 ZÜRICH",
    ]);
    expect(rows.map((row) => row.line)).to.deep.equal([2, 3, 4, 5, 6, 7]);
    expect(transactions[5].merchantId).to.equal(transactions[0].merchantId);
    expect(new Set(transactions.map((transaction) => transaction.merchantId)).size).to.equal(5);
    expect(transactions[0].merchantId).to.match(/^merchant-name:[0-9a-f]{24}$/);
    expect([transactions[4].amountMinor, transactions[4].currency]).to.deep.equal([40000, "KWD"]);
  });

  it("bad-header.csv: rejects the whole file, naming the missing and the repeated columns", async () => {
    const error = await rejectionOf(collectRows(fixtureStream("bad-header.csv")));

    expect(error).to.be.instanceOf(CsvHeaderError);
    expect(error).to.be.instanceOf(CsvFileError);
    const headerError = error as CsvHeaderError;
    expect(headerError.code).to.equal("INVALID_HEADER");
    expect(headerError.line).to.equal(1);
    expect(headerError.missingColumns).to.deep.equal(["status"]);
    expect(headerError.duplicateColumns).to.deep.equal(["amount"]);
    expect(headerError.message).to.include("required columns are missing: status");
    expect(headerError.message).to.include("columns appear more than once: amount");
  });

  it("some-bad-rows.csv: every bad row reported with its exact line and code; good rows still load", async () => {
    const rows = await collectRows(fixtureStream("some-bad-rows.csv"));

    expect(validRows(rows).map((row) => [row.line, row.key])).to.deep.equal([
      [2, "csv#ok-1"],
      [10, "csv#ok-10"],
      [19, "csv#ok-19"],
    ]);
    expect(problems(rows)).to.deep.equal([
      [3, "INVALID_AMOUNT", "amount"],
      [4, "UNKNOWN_CURRENCY", "currency"],
      [5, "WRONG_COLUMN_COUNT", undefined],
      [7, "TIMESTAMP_IN_FUTURE", "timestamp"],
      [8, "INVALID_FIELD", "status"],
      [9, "MISSING_FIELD", "merchant"],
      [12, "INVALID_AMOUNT", "amount"],
      [13, "PAN_DETECTED", "notes"],
      [14, "INVALID_COUNTRY", "customer_country"],
      [15, "INVALID_MCC", "merchant_category_code"],
      [16, "INVALID_AMOUNT", "amount"],
      [17, "INVALID_TIMESTAMP", "timestamp"],
      [18, "AMOUNT_ABOVE_MAXIMUM", "amount"],
    ]);
    const messages = invalidRows(rows).flatMap((row) => row.errors.map((error) => error.message));
    expect(messages).to.include("amount: 10.999 has more decimals than USD allows (2)");
    expect(messages).to.include(
      "the row has 6 fields but the header has 10; quote every field that contains a comma",
    );
    expect(messages).to.include('status: "refunded" must be one of completed, pending, failed');
    expect(messages.join("\n")).to.not.match(/4111/);
  });

  it("duplicate-ids.csv: a repeated transaction_id is DUPLICATE_IN_FILE naming the first line; ids are case-sensitive", async () => {
    const rows = await collectRows(fixtureStream("duplicate-ids.csv"));

    expect(validRows(rows).map((row) => [row.line, row.key])).to.deep.equal([
      [2, "csv#d-1"],
      [3, "csv#d-2"],
      [8, "csv#D-1"],
    ]);
    expect(problems(rows)).to.deep.equal([
      [4, "DUPLICATE_IN_FILE", "transaction_id"],
      [5, "DUPLICATE_IN_FILE", "transaction_id"],
      [6, "INVALID_AMOUNT", "amount"],
      // The first d-3 was invalid, yet it still claimed the id: the file says d-3 twice.
      [7, "DUPLICATE_IN_FILE", "transaction_id"],
    ]);
    const duplicateMessages = invalidRows(rows)
      .flatMap((row) => row.errors)
      .filter((error) => error.code === CsvReasonCode.duplicateInFile)
      .map((error) => error.message);
    expect(duplicateMessages).to.deep.equal([
      'transaction_id: "d-1" already appears on line 2; each transaction may appear once per file',
      'transaction_id: "d-2" already appears on line 3; each transaction may appear once per file',
      'transaction_id: "d-3" already appears on line 6; each transaction may appear once per file',
    ]);
  });

  it("formula injection behind leading spaces or in fullwidth forms is rejected too", async () => {
    const merchants = [
      " =1+1",
      "  @SUM(A1)",
      "\u00a0+cmd",
      "\uff1dHYPERLINK(1)",
      "\uff0b1",
      "\uff0d1",
      "\uff20x",
      " \uff1d1",
    ];
    const text =
      csvLine(minimalHeader) +
      merchants.map((merchant, index) => csvLine(minimalRow(`fx-${index}`, { merchant }))).join("");
    const rows = await collectRows(fromStrings(text));
    expect(problems(rows)).to.deep.equal(
      merchants.map((_, index) => [index + 2, "FORMULA_INJECTION", "merchant"]),
    );
    expect(rows.map((row) => JSON.stringify(row)).join("")).to.not.include("HYPERLINK");
  });

  it("formula-injection.csv: cells starting with = + - @ tab or CR are rejected in any column but amount", async () => {
    const rows = await collectRows(fixtureStream("formula-injection.csv"));

    expect(problems(rows)).to.deep.equal([
      [2, "FORMULA_INJECTION", "merchant"],
      [3, "FORMULA_INJECTION", "merchant"],
      [4, "FORMULA_INJECTION", "merchant"],
      [5, "FORMULA_INJECTION", "customer_id"],
      [6, "FORMULA_INJECTION", "merchant"],
      [7, "FORMULA_INJECTION", "merchant"],
      [8, "FORMULA_INJECTION", "notes"],
      // A minus on the amount is a negative amount, reported as such.
      [9, "INVALID_AMOUNT", "amount"],
    ]);
    expect(validRows(rows).map((row) => [row.line, row.transaction.merchantName])).to.deep.equal([
      [10, "Dash - Store"],
    ]);
    const [hyperlink, , , , tab] = invalidRows(rows);
    expect(hyperlink.errors[0].message).to.equal(
      'merchant: starts with "=", which spreadsheet programs run as a formula; remove the leading character',
    );
    expect(hyperlink.errors[0].message).to.not.include("HYPERLINK");
    expect(tab.errors[0].message).to.include("starts with a tab");
  });

  it("empty.csv: zero bytes is a file without a header, rejected as EMPTY_FILE", async () => {
    expect(fixtureBytes("empty.csv").length).to.equal(0);

    const error = await rejectionOf(collectRows(fixtureStream("empty.csv")));

    expect(error).to.be.instanceOf(CsvHeaderError);
    expect((error as CsvHeaderError).code).to.equal("EMPTY_FILE");
    expect((error as CsvHeaderError).message).to.include(
      "transaction_id, amount, currency, timestamp, merchant, status",
    );
  });

  it("header-only.csv: a valid header and no rows yields nothing and summarises to zero", async () => {
    expect(await collectRows(fixtureStream("header-only.csv"))).to.deep.equal([]);
    expect(await summarizeCsv(fixtureStream("header-only.csv"), csvOptions())).to.deep.equal({
      rows: 0,
      validRows: 0,
      invalidRows: 0,
      errors: [],
      errorCount: 0,
      duplicateIds: 0,
    });
  });

  it("every fixture reads the same one byte at a time as in one piece (lines, rows and errors)", async () => {
    for (const name of fixtureNames) {
      const bytes = fixtureBytes(name);
      const whole = await collectRows(chunked(bytes, bytes.length || 1)).catch(describeFileError);
      const bytewise = await collectRows(chunked(bytes, 1)).catch(describeFileError);
      expect(bytewise, name).to.deep.equal(whole);
    }
  });
});

describe("CSV transactions: format details", () => {
  it("a CRLF inside a quoted field counts as one line, and a lone CR as none", async () => {
    const header = csvLine([...minimalHeader, "notes"], "\r\n");
    const text =
      header +
      csvLine([...minimalRow("a"), "one\r\ntwo\r\nthree"], "\r\n") +
      csvLine([...minimalRow("b"), "lone\rcarriage return"], "\r\n") +
      csvLine([...minimalRow("c"), ""], "\r\n");

    const rows = await collectRows(fromStrings(text));

    expect(rows.map((row) => [row.line, row.valid])).to.deep.equal([
      [2, true],
      [5, true],
      [6, true],
    ]);
  });

  it("empty lines before the header move it down; blank rows of empty cells are skipped", async () => {
    const text = `\n\r\n${csvLine(minimalHeader)}${csvLine(minimalRow("a"))}\n,,,,,\n , ,,,,\n${csvLine(minimalRow("b"))}`;

    const rows = await collectRows(fromStrings(text));

    expect(rows.map((row) => [row.line, row.valid])).to.deep.equal([
      [4, true],
      [8, true],
    ]);
  });

  it("a last row without a line ending is read", async () => {
    const rows = await collectRows(fromStrings(csvLine(minimalHeader) + csvLine(minimalRow("a"), "")));

    expect(rows.map((row) => [row.line, row.valid])).to.deep.equal([[2, true]]);
  });

  it("too many fields is WRONG_COLUMN_COUNT for that row only", async () => {
    const text = csvLine(minimalHeader) + csvLine([...minimalRow("a"), "extra"]) + csvLine(minimalRow("b"));

    const rows = await collectRows(fromStrings(text));

    expect(problems(rows)).to.deep.equal([[2, "WRONG_COLUMN_COUNT", undefined]]);
    expect(validRows(rows).map((row) => row.line)).to.deep.equal([3]);
  });

  it("a quote never closed rejects the file with UNCLOSED_QUOTE and the line the record starts on", async () => {
    const text =
      csvLine(minimalHeader) +
      csvLine(minimalRow("a")) +
      'b,10.00,USD,2025-11-14T09:30:00Z,"Corner Shop,completed\n' +
      csvLine(minimalRow("c"));

    const error = await rejectionOf(collectRows(fromStrings(text)));

    expect(error).to.be.instanceOf(CsvFormatError);
    expect(error).to.be.instanceOf(CsvFileError);
    expect([(error as CsvFormatError).code, (error as CsvFormatError).line]).to.deep.equal([
      "UNCLOSED_QUOTE",
      3,
    ]);
  });

  it("a record over 64 KiB rejects the file with RECORD_TOO_LARGE and its start line", async () => {
    const text =
      csvLine(minimalHeader) +
      csvLine(minimalRow("a", { merchant: "multi\nline" })) +
      csvLine(minimalRow("b", { merchant: "x".repeat(70_000) })) +
      csvLine(minimalRow("c"));

    const error = await rejectionOf(collectRows(fromStrings(text)));

    expect(error).to.be.instanceOf(CsvFormatError);
    expect([(error as CsvFormatError).code, (error as CsvFormatError).line]).to.deep.equal([
      "RECORD_TOO_LARGE",
      4,
    ]);
    expect((error as Error).message).to.include("longer than 65536 characters");
  });

  it("bytes that are not UTF-8 (a Latin-1 export) are INVALID_ENCODING in that column", async () => {
    const latin1Row = Buffer.from(csvLine(minimalRow("a", { merchant: "Caf\u00e9 Noir" })), "latin1");

    const rows = await collectRows(
      chunked(Buffer.concat([Buffer.from(csvLine(minimalHeader)), latin1Row]), 7),
    );

    expect(problems(rows)).to.deep.equal([[2, "INVALID_ENCODING", "merchant"]]);
  });

  it("a card number in transaction_id is PAN_DETECTED there only, never echoed, and claims no id", async () => {
    const pan = "4111111111111111";
    const text = csvLine(minimalHeader) + csvLine(minimalRow(pan)) + csvLine(minimalRow(pan));

    const rows = await collectRows(fromStrings(text));

    expect(problems(rows)).to.deep.equal([
      [2, "PAN_DETECTED", "transaction_id"],
      [3, "PAN_DETECTED", "transaction_id"],
    ]);
    expect(JSON.stringify(rows)).to.not.include("411111");
  });

  it("a sensitive-data column (cvv) with a value is SENSITIVE_DATA_PRESENT; left empty it is ignored", async () => {
    const text =
      csvLine([...minimalHeader, "CVV"]) +
      csvLine([...minimalRow("a"), "123"]) +
      csvLine([...minimalRow("b"), ""]);

    const rows = await collectRows(fromStrings(text));

    expect(problems(rows)).to.deep.equal([[2, "SENSITIVE_DATA_PRESENT", "CVV"]]);
    expect(JSON.stringify(invalidRows(rows))).to.not.include("123");
    expect(validRows(rows).map((row) => row.line)).to.deep.equal([3]);
  });

  it("unsafe column names reject the header: a formula as INVALID_HEADER, a card number as PAN_DETECTED", async () => {
    for (const [extra, code] of [
      ["=cmd()", "INVALID_HEADER"],
      ["4111111111111111", "PAN_DETECTED"],
      ["card 4111.1111.1111.1111", "PAN_DETECTED"],
    ]) {
      // A card number is named as such even beside another header problem (no amount column).
      const header = [...minimalHeader.filter((column) => column !== "amount"), extra];
      const error = await rejectionOf(collectRows(fromStrings(csvLine(header))));
      expect(error, extra).to.be.instanceOf(CsvHeaderError);
      expect((error as CsvHeaderError).code, extra).to.equal(code);
      expect((error as CsvHeaderError).line, extra).to.equal(1);
      expect((error as Error).message).to.not.match(/4111/);
    }
  });

  it("several problems in one row are all reported, in column order", async () => {
    const row = minimalRow("a", { amount: "1,5", currency: "", merchant: "@home", status: "done" });

    const rows = await collectRows(fromStrings(csvLine(minimalHeader) + csvLine(row)));

    expect(problems(rows)).to.deep.equal([
      [2, "INVALID_AMOUNT", "amount"],
      [2, "MISSING_FIELD", "currency"],
      [2, "FORMULA_INJECTION", "merchant"],
      [2, "INVALID_FIELD", "status"],
    ]);
  });

  it("without customer_id the customer is anonymous:<transaction_id>, required once that would exceed 128 characters", async () => {
    const longId = "x".repeat(125);
    const text = csvLine(minimalHeader) + csvLine(minimalRow("short")) + csvLine(minimalRow(longId));

    const rows = await collectRows(fromStrings(text));

    expect(onlyValid(rows[0]).transaction.customerId).to.equal(anonymousCustomerId("short"));
    expect(problems(rows)).to.deep.equal([[3, "MISSING_FIELD", "customer_id"]]);
    expect(invalidRows(rows)[0].errors[0].message).to.equal(
      "customer_id: is required when transaction_id is longer than 118 characters",
    );
  });

  it("merchant ids derived from names ignore case, spacing and Unicode normal form, nothing else", () => {
    expect(merchantIdFromName(" ACME   Coffee ")).to.equal(merchantIdFromName("acme coffee"));
    expect(merchantIdFromName("ＡＣＭＥ Coffee")).to.equal(merchantIdFromName("acme coffee"));
    expect(merchantIdFromName("ACME Coffee Ltd")).to.not.equal(merchantIdFromName("ACME Coffee"));
  });

  it("an error of the source stream is rethrown as it is, not as a file problem", async () => {
    const failure = new Error("connection reset");
    async function* failing(): AsyncGenerator<string> {
      yield csvLine(minimalHeader) + csvLine(minimalRow("a"));
      throw failure;
    }

    const error = await rejectionOf(collectRows(failing()));

    expect(error).to.equal(failure);
  });

  it("a consumer that stops early closes the source", async () => {
    let closeSource = (): void => undefined;
    const sourceClosed = new Promise<void>((resolve) => (closeSource = resolve));
    async function* endless(): AsyncGenerator<string> {
      try {
        yield csvLine(minimalHeader);
        for (let index = 0; ; index += 1) yield csvLine(minimalRow(`row-${index}`));
      } finally {
        closeSource();
      }
    }

    for await (const row of readCsvTransactions(endless(), csvOptions())) {
      expect(row.line).to.equal(2);
      break;
    }

    await sourceClosed;
  });
});

describe("CSV transactions: summary", () => {
  it("counts rows and keeps the first maxRowErrors problems with their lines", async () => {
    const summary = await summarizeCsv(fixtureStream("some-bad-rows.csv"), csvOptions({ maxRowErrors: 3 }));

    expect(summary).to.deep.equal({
      rows: 16,
      validRows: 3,
      invalidRows: 13,
      errors: [
        { line: 3, code: "INVALID_AMOUNT", message: "amount: 10.999 has more decimals than USD allows (2)" },
        { line: 4, code: "UNKNOWN_CURRENCY", message: 'currency: "XYZ" is not an ISO 4217 currency code' },
        {
          line: 5,
          code: "WRONG_COLUMN_COUNT",
          message: "the row has 6 fields but the header has 10; quote every field that contains a comma",
        },
      ],
      errorCount: 13,
      duplicateIds: 0,
      firstCardNumberLine: 13,
    });
  });

  it("counts rows rejected as duplicates", async () => {
    const summary = await summarizeCsv(fixtureStream("duplicate-ids.csv"), csvOptions());

    expect([summary.rows, summary.validRows, summary.invalidRows, summary.duplicateIds]).to.deep.equal([
      7, 3, 4, 3,
    ]);
  });

  it("rejects what the reader rejects", async () => {
    const error = await rejectionOf(summarizeCsv(fixtureStream("bad-header.csv"), csvOptions()));

    expect(error).to.be.instanceOf(CsvHeaderError);
  });

  it("streams a generated 100,000-row file and counts every row, the last one on line 100,001", async function () {
    this.timeout(120_000);

    // Every 1,000th row is invalid, the last row included, so its error carries the last line.
    const summary = await summarizeCsv(generatedCsv(100_000, 1_000), csvOptions({ maxRowErrors: 100 }));

    expect([summary.rows, summary.validRows, summary.invalidRows]).to.deep.equal([100_000, 99_900, 100]);
    expect([summary.errorCount, summary.duplicateIds]).to.deep.equal([100, 0]);
    expect(summary.errors.map((error) => error.line)).to.deep.equal(
      Array.from({ length: 100 }, (_, index) => (index + 1) * 1_000 + 1),
    );
    expect(summary.errors[99]).to.deep.equal({
      line: 100_001,
      code: "INVALID_AMOUNT",
      message: "amount: 1.001 has more decimals than USD allows (2)",
    });
  });
});

/** Cell text that stresses the tokenizer: delimiters, quotes, line breaks, formula starts, any code point. */
const cellText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({
    unit: fc.constantFrom(
      '"',
      ",",
      "\n",
      "\r",
      "\r\n",
      " ",
      "=",
      "-",
      "@",
      "\t",
      "\uFEFF",
      "a",
      "1",
      "é",
      "😀",
    ),
    maxLength: 20,
  }),
  fc.constantFrom("", "10.00", "USD", "2025-11-14T09:30:00Z", "completed", "4111 1111 1111 1111", "1e3"),
);

/** The header below has 9 columns: rows of that width, of other widths, and blank ones. */
const randomRow = fc.oneof(
  fc.array(cellText, { minLength: 9, maxLength: 9 }),
  fc.array(cellText, { minLength: 1, maxLength: 12 }),
  fc.array(fc.constantFrom("", " ", "\t", "\uFEFF"), { minLength: 1, maxLength: 9 }),
);

const randomFile = fc.record({
  rows: fc.array(randomRow, { maxLength: 12 }),
  forceQuotes: fc.boolean(),
  crlf: fc.boolean(),
  splits: fc.array(fc.nat(), { maxLength: 8 }),
});

/** Currencies with 0, 2 and 3 minor digits, all with reference rates. */
const currencies = ["JPY", "USD", "EUR", "GBP", "KWD", "CHF"];

const decimalAmount = fc
  .record({
    currency: fc.constantFrom(...currencies),
    integerDigits: fc.stringMatching(/^[0-9]{1,9}$/),
    fraction: fc.stringMatching(/^[0-9]{0,3}$/),
  })
  .map(({ currency, integerDigits, fraction }) => {
    const digits = currencyMinorDigits(currency) ?? 0;
    const fractionDigits = fraction.slice(0, digits);
    const text = fractionDigits ? `${integerDigits}.${fractionDigits}` : integerDigits;
    return { currency, text, minor: BigInt(integerDigits + fractionDigits.padEnd(digits, "0")) };
  })
  .filter(({ minor }) => minor > 0n);

describe("CSV transactions: properties", () => {
  it("random cells never throw out of the reader: one result per non-blank row, at the line it starts on", async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(randomFile, async ({ rows, forceQuotes, crlf, splits }) => {
        const eol = crlf ? "\r\n" : "\n";
        const header = [...minimalHeader, "notes", "extra", "more"];
        let text = csvLine(header, eol);
        const expectedLines: number[] = [];
        for (const row of rows) {
          const startLine = 1 + (text.match(/\n/g) ?? []).length;
          if (!row.every((cell) => cell.trim() === "")) expectedLines.push(startLine);
          text += csvLine(row, eol, forceQuotes);
        }
        const bytes = Buffer.from(text, "utf8");

        const results = await collectRows(splitAt(bytes, splits));

        expect(results.map((result) => result.line)).to.deep.equal(expectedLines);
        for (const result of invalidRows(results)) {
          expect(result.errors.length).to.be.greaterThan(0);
          for (const error of result.errors) expect(error.code).to.match(/^[A-Z_]+$/);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a decimal amount with at most the currency's digits comes back as exactly the same minor units", async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(fc.array(decimalAmount, { minLength: 1, maxLength: 10 }), async (amounts) => {
        const text =
          csvLine(minimalHeader) +
          amounts
            .map((amount, index) =>
              csvLine(minimalRow(`amt-${index}`, { amount: amount.text, currency: amount.currency })),
            )
            .join("");

        const rows = await collectRows(fromStrings(text), csvOptions({ maxAmountUsdMinor: 10n ** 18n }));

        expect(rows).to.have.length(amounts.length);
        rows.forEach((row, index) => {
          const { transaction } = onlyValid(row);
          expect(BigInt(transaction.amountMinor)).to.equal(amounts[index].minor);
          expect(transaction.amount).to.equal(formatMinor(amounts[index].minor, amounts[index].currency));
          expect(transaction.currency).to.equal(amounts[index].currency);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe("CSV transactions: values the system sets are not scanned as card numbers", () => {
  it("keeps a row valid when the file id's hex reads as a Luhn-valid digit run across a dash", async () => {
    // "…-bd47-150763964382": 47150763964382 is 14 digits that pass Luhn.
    const fileId = "402c0112-b06f-4fd4-bd47-150763964382";
    const csv =
      "transaction_id,amount,currency,timestamp,merchant,status\nid-1,10.00,USD,2025-11-14T09:30:00Z,Shop,completed\n";
    const [row] = await collectRows(fromStrings(csv), csvOptions({ fileId }));
    expect(onlyValid(row).transaction.metadata).to.deep.equal({
      csvFileId: fileId,
      csvLine: 2,
      settlementStatus: "completed",
    });
  });

  it("keeps a row valid when the merchant id derived from its name holds a card-number-like run", async () => {
    const merchant = 'D&,""';
    expect(merchantIdFromName(merchant)).to.equal("merchant-name:9521e5936012693560e40078");
    const csv = `transaction_id,amount,currency,timestamp,merchant,status\nid-2,10.00,USD,2025-11-14T09:30:00Z,"D&,""""",completed\n`;
    const [row] = await collectRows(fromStrings(csv));
    expect(onlyValid(row).transaction).to.include({
      merchantId: "merchant-name:9521e5936012693560e40078",
      merchantName: merchant,
    });
  });
});
