/**
 * The physical layer of CSV uploads: a byte stream in, records (arrays of field strings) out, each
 * with the 1-based line it starts on. csv-parse does the tokenising (BOM, CRLF and LF, quoted
 * fields with commas, quotes and newlines); this module owns the line numbers, because csv-parse's
 * own counter is not the line a person sees in an editor: it counts a CRLF inside a quoted field
 * as two lines and a lone carriage return as one.
 *
 * A line here ends at LF (CRLF counts once, a lone CR is an ordinary character), so a record's
 * start line is 1 + every LF before it: the LFs inside earlier records' quoted fields, one per
 * earlier record's delimiter, and one per skipped empty line. The accounting runs as the parser
 * hands each record on (LineNumberingParser), in parse order, so it stays right however the
 * consumer pulls records. (csv-parse's on_record hook would do the same but copies its whole info
 * object for every record, a tenth of the reader's time.)
 *
 * Structural problems that leave the rest of the file unreadable (a quote never closed, a record
 * longer than the limit) end the stream with a CsvFormatError naming the start line. Everything
 * else (stray quotes inside unquoted fields, a wrong number of fields) yields a record for the
 * row-level rules to judge.
 */
import { Readable, pipeline } from "node:stream";
import { CsvError, Parser, type Options } from "csv-parse";

/**
 * Longest record accepted, in characters of field content (csv-parse's `max_record_size`): about
 * 64 KiB, over a hundred times a real transaction row. A longer record almost always means an
 * unclosed quote swallowing the file or a file that is not comma-separated.
 */
export const maxCsvRecordChars = 65_536;

/** What a CSV file can be read from: a Node stream (S3 object, HTTP body) or any async iterable. */
export type CsvSource = AsyncIterable<Buffer | string> | NodeJS.ReadableStream;

export interface CsvRecord {
  /** 1-based physical line where the record starts (LF-terminated lines; the header is line 1). */
  readonly line: number;
  readonly fields: readonly string[];
}

export type CsvFileErrorCode =
  /** The file has no header row (zero bytes, or only empty lines). */
  | "EMPTY_FILE"
  /** The header misses required columns, repeats one, or has an unsafe column name. */
  | "INVALID_HEADER"
  /** A column name holds a full card number: refused as a card number, like one in a cell. */
  | "PAN_DETECTED"
  /** A quoted field is opened and never closed before the end of the file. */
  | "UNCLOSED_QUOTE"
  /** A record is longer than maxCsvRecordChars. */
  | "RECORD_TOO_LARGE"
  /** Any other tokenising failure. */
  | "MALFORMED_CSV";

/**
 * The file as a whole cannot be accepted; no row of it should be loaded. `line` is where the
 * problem starts, when there is one.
 */
export class CsvFileError extends Error {
  constructor(
    readonly code: CsvFileErrorCode,
    message: string,
    readonly line: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CsvFileError";
  }
}

/** The file is not well-formed CSV from `line` on (see CsvFileErrorCode). */
export class CsvFormatError extends CsvFileError {
  constructor(code: CsvFileErrorCode, message: string, line: number, options?: { cause?: unknown }) {
    super(code, message, line, options);
    this.name = "CsvFormatError";
  }
}

function countLineFeeds(fields: readonly string[]): number {
  let count = 0;
  for (const field of fields) {
    // Nearly every field has none; indexOf keeps the common case to one native scan.
    for (let at = field.indexOf("\n"); at !== -1; at = field.indexOf("\n", at + 1)) count += 1;
  }
  return count;
}

function formatErrorOf(error: CsvError, line: number, maxRecordChars: number): CsvFormatError {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return new CsvFormatError(
        "UNCLOSED_QUOTE",
        `The record starting on line ${line} opens a quoted field that is never closed; every field that starts with " must end with " (write a quote inside a quoted field as "").`,
        line,
        { cause: error },
      );
    case "CSV_MAX_RECORD_SIZE":
      return new CsvFormatError(
        "RECORD_TOO_LARGE",
        `The record starting on line ${line} is longer than ${maxRecordChars} characters; check that fields are separated by commas and that every quoted field is closed.`,
        line,
        { cause: error },
      );
    default:
      return new CsvFormatError(
        "MALFORMED_CSV",
        `The record starting on line ${line} is not valid CSV (${error.code}).`,
        line,
        { cause: error },
      );
  }
}

/**
 * csv-parse's stream parser, handing on each record as a CsvRecord with its start line. csv-parse
 * pushes every record the moment it is complete, with `info.empty_lines` counting the empty lines
 * skipped so far, so the count here is taken in parse order.
 */
class LineNumberingParser extends Parser {
  /** LFs of every record handed on so far, delimiters included. */
  lineFeedsBefore = 0;

  constructor(options: Options) {
    super(options);
  }

  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) return super.push(null, encoding);
    const fields = record as string[];
    const line = 1 + this.lineFeedsBefore + this.info.empty_lines;
    this.lineFeedsBefore += countLineFeeds(fields) + 1;
    const numbered: CsvRecord = { line, fields };
    return super.push(numbered, encoding);
  }
}

/**
 * Streams the records of a CSV file, header included, skipping empty lines, in batches: every
 * record the parser holds when the reader asks, in file order, so the rules above judge them
 * without waiting once per record. Memory is bounded by the stream buffers and one record (at most
 * maxRecordChars). On a CsvFormatError the records parsed but not yet consumed are dropped: the
 * file is rejected as a whole anyway.
 */
export async function* readCsvRecordBatches(
  source: CsvSource,
  maxRecordChars: number = maxCsvRecordChars,
): AsyncGenerator<readonly CsvRecord[], void, undefined> {
  const parser = new LineNumberingParser({
    bom: true,
    // Explicit, so a file mixing CRLF and LF lines parses the same everywhere; a lone CR is data.
    record_delimiter: ["\r\n", "\n"],
    skip_empty_lines: true,
    // The field count is judged per row (a row error, not the end of the file).
    relax_column_count: true,
    // A quote inside an unquoted field (Joe's "Diner") is kept as text for the row rules to judge.
    relax_quotes: true,
    max_record_size: maxRecordChars,
  });
  const input = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
  // Errors surface through the parser's iterator below (pipeline destroys it with the error).
  pipeline(input, parser, () => undefined);
  try {
    for await (const first of parser as AsyncIterable<CsvRecord>) {
      // The stream's own iterator reads with read() too, so taking what else is buffered here
      // leaves it exactly where the next record starts.
      const batch: CsvRecord[] = [first];
      for (let next: CsvRecord | null = parser.read(); next !== null; next = parser.read()) batch.push(next);
      yield batch;
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const emptyLines = typeof error.empty_lines === "number" ? error.empty_lines : 0;
    throw formatErrorOf(error, 1 + parser.lineFeedsBefore + emptyLines, maxRecordChars);
  }
}
