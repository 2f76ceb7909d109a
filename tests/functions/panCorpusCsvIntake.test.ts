/**
 * The card-number corpus against the CSV intake, as a back office could send it: every brand and
 * length, in every rendering, in every column of the upload format, in an extra column and as a
 * column name, one file each, through both paths that receive a file's bytes: the body of
 * POST /upload, and a presigned PUT to the uploads bucket followed by its S3 notification. The
 * README's choice: POST /upload refuses such a file before anything is stored, and a presigned
 * upload (which S3 holds before the intake sees it) is deleted with every version. So each file
 * must be refused whole with PAN_DETECTED naming the line, POST /upload must make no call to the
 * bucket, and no answer, status record, object left in the bucket or log line (handlers at DEBUG,
 * captured) may hold the number. The false-positive corpus goes into the same places and must
 * never be refused as a card number.
 *
 * What this cannot prove: fauxqs keeps no object versions, so here the removal is the calls the
 * intake starts with (a delete, then the key's versions listed); deleting what a versioned bucket
 * lists is in uploadStorageRemoval.test.ts.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { S3Event } from "aws-lambda";
import type { CsvIntakeHandler } from "../../functions/csv-intake/csvIntake";
import { incomingKey, validatedKey } from "../../functions/shared/fileStatus";
import { optionalCsvColumns, requiredCsvColumns } from "../../functions/shared/csvRows";
import { containsPan, findPans } from "../../functions/shared/pan";
import { localLambdaContext } from "../../local/lambdaInvokeShim";
import { captureOutput, type CapturedOutput } from "./support/capturedOutput";
import { csvLine } from "./support/csvFiles";
import { startCsvIntakeBench, type CsvIntakeBench } from "./support/csvIntakeBench";
import { uploadEvent, uploadsEvent } from "./support/apiGatewayEvents";
import { objectCreatedEvent } from "./support/s3Events";
import { cardNumbersByBrand, notCardNumbers, renderings } from "./support/panCorpus";

interface WireAnswer {
  readonly file_id: string;
  readonly status: string;
  readonly upload_url?: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly errors?: ReadonlyArray<{ readonly code: string }>;
  readonly error?: { readonly code: string; readonly message: string; readonly line?: number };
}

/** Every column the upload format knows (README "CSV file uploads"), then one it does not know. */
const columns = [...requiredCsvColumns, ...optionalCsvColumns, "notes"] as const;

function validRow(transactionId: string): Record<(typeof columns)[number], string> {
  return {
    transaction_id: transactionId,
    amount: "10.00",
    currency: "USD",
    timestamp: "2025-11-14T09:30:00Z",
    merchant: "Corner Shop",
    status: "completed",
    customer_id: "cust-1",
    merchant_id: "merchant-1",
    customer_country: "GB",
    merchant_country: "GB",
    merchant_category_code: "5411",
    notes: "fine",
  };
}

/** Where a file can carry text: a cell of each column (on line 3) or the extra column's name (line 1). */
const placements: ReadonlyArray<readonly [where: string, line: number]> = [
  ...columns.map((column) => [column, 3] as const),
  ["a column name", 1],
];

/**
 * A file otherwise accepted (line 2 is a valid row, and so is line 3 but for `text`) with `text`
 * placed at `where`.
 */
function csvWith(where: string, text: string, sequence: number): Buffer {
  const header: string[] = [...columns];
  const row = validRow(`row-${sequence}-b`);
  if (where === "a column name") header[header.length - 1] = text;
  else row[where as (typeof columns)[number]] = text;
  const first = validRow(`row-${sequence}-a`);
  return Buffer.from(
    csvLine(header) + csvLine(columns.map((column) => first[column])) + csvLine(columns.map((c) => row[c])),
  );
}

function leaks(text: string): boolean {
  if (containsPan(text)) return true;
  try {
    return findPans(JSON.parse(text)).length > 0;
  } catch {
    return false;
  }
}

function answerOf(body: string): WireAnswer {
  return JSON.parse(body) as WireAnswer;
}

describe("card-number corpus through the CSV intake (dynalite and fauxqs, logs at DEBUG)", function () {
  this.timeout(900_000);
  let bench: CsvIntakeBench;
  let intake: CsvIntakeHandler;
  const context = localLambdaContext("csv-intake");
  let sequence = 0;

  before(async () => {
    bench = await startCsvIntakeBench({ set: { POWERTOOLS_LOG_LEVEL: "DEBUG" } });
    intake = bench.csvIntakeHandler();
  });

  after(async () => {
    await bench?.stop();
  });

  /** Problems with a refused file's status record: REJECTED with PAN_DETECTED at `line`, no number. */
  async function statusProblems(fileId: string, line: number): Promise<string[]> {
    const item = await bench.statusItem(fileId);
    const rejection = item?.rejection as { code?: string; message?: string } | undefined;
    const problems: string[] = [];
    if (item?.status !== "REJECTED" || rejection?.code !== "PAN_DETECTED")
      problems.push(`status ${String(item?.status)} ${String(rejection?.code)}`);
    else if (!rejection.message?.startsWith(`Line ${line} `)) problems.push(`message "${rejection.message}"`);
    if (item !== undefined && findPans(item).length > 0) problems.push("status record holds the number");
    return problems;
  }

  /** Every object left in the uploads bucket that holds a card number, by key. */
  async function objectsHoldingNumbers(): Promise<string[]> {
    const holding: string[] = [];
    let token: string | undefined;
    do {
      const page = await bench.s3.send(
        new ListObjectsV2Command({ Bucket: bench.bucket, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const answer = await bench.s3.send(new GetObjectCommand({ Bucket: bench.bucket, Key: object.Key }));
        const text = (await answer.Body?.transformToString("utf8")) ?? "";
        if (containsPan(text)) holding.push(String(object.Key));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return holding;
  }

  /** Card numbers left in the file status table, by file id. */
  async function statusRecordsHoldingNumbers(): Promise<string[]> {
    const holding: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await bench.documentClient.send(
        new ScanCommand({ TableName: bench.statusTable, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? []) if (findPans(item).length > 0) holding.push(String(item.fileId));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return holding;
  }

  /**
   * What every refused file must leave behind: no problem found per file, no number in the bucket
   * or the status table, a log line per file at least, and no number in any output line.
   */
  async function expectRefusedWithoutTrace(
    captured: CapturedOutput<void>,
    problems: readonly string[],
    refusedFiles: number,
  ): Promise<void> {
    if (captured.outcome.status === "rejected") throw captured.outcome.reason;
    expect(
      problems.length,
      `${problems.length} problems, the first:\n${problems.slice(0, 8).join("\n")}`,
    ).to.equal(0);
    expect(await objectsHoldingNumbers()).to.deep.equal([]);
    expect(await statusRecordsHoldingNumbers()).to.deep.equal([]);
    expect(captured.logs.length, "a log line per refused file at least").to.be.at.least(refusedFiles);
    expect(captured.lines.filter(leaks)).to.deep.equal([]);
  }

  const files = cardNumbersByBrand.length * renderings.length * placements.length;
  const corpus = `${cardNumbersByBrand.length} brands × ${renderings.length} renderings × ${placements.length} places (${columns.length - 1} columns, an extra column and a column name)`;

  it(`POST /upload, ${files} files (${corpus}): 422 PAN_DETECTED naming the line, nothing written to the bucket, nothing answered or logged`, async () => {
    const problems: string[] = [];
    const captured = await captureOutput(async () => {
      for (const [brand, pan] of cardNumbersByBrand) {
        for (const [rendering, render] of renderings) {
          for (const [where, line] of placements) {
            const label = `${brand} / ${rendering} / ${where}`;
            const callsBefore = bench.s3Calls.length;
            const result = await intake(
              uploadEvent(csvWith(where, render(pan), (sequence += 1)), { base64: true }),
              context,
            );
            const answer = answerOf(result.body);
            if (
              result.statusCode !== 422 ||
              answer.error?.code !== "PAN_DETECTED" ||
              answer.error.line !== line
            )
              problems.push(
                `${label}: ${result.statusCode} ${answer.error?.code} line ${answer.error?.line}`,
              );
            if (leaks(result.body)) problems.push(`${label}: answer holds the number`);
            if (bench.s3Calls.length !== callsBefore) problems.push(`${label}: the bucket was called`);
            for (const problem of await statusProblems(answer.file_id, line))
              problems.push(`${label}: ${problem}`);
          }
        }
      }
    });
    await expectRefusedWithoutTrace(captured, problems, files);
  });

  // The presigned path judges a file with the same validateCsvFile as POST /upload (proved above
  // in every place); what it adds is an object that is already in the bucket and must go. So each
  // brand and rendering is sent once, the place moving on with each file: every brand reaches all
  // 13 places, every place 19 times. Each presigned file costs about ten emulator calls.
  const presignedFiles = cardNumbersByBrand.length * renderings.length;
  it(`presigned PUT and its S3 event, ${presignedFiles} files (${cardNumbersByBrand.length} brands × ${renderings.length} renderings, the place moving through all ${placements.length}): REJECTED PAN_DETECTED naming the line, the upload deleted with every version, nothing logged`, async () => {
    const problems: string[] = [];
    const captured = await captureOutput(async () => {
      for (const [brandIndex, [brand, pan]] of cardNumbersByBrand.entries()) {
        for (const [renderingIndex, [rendering, render]] of renderings.entries()) {
          const [where, line] = placements[(brandIndex + renderingIndex) % placements.length];
          const label = `${brand} / ${rendering} / ${where}`;
          const issued = await intake(uploadsEvent(), context);
          const { file_id: fileId, upload_url: url, method, headers } = answerOf(issued.body);
          const bytes = csvWith(where, render(pan), (sequence += 1));
          const put = await fetch(url ?? "", { method, headers, body: new Uint8Array(bytes) });
          await put.arrayBuffer();
          if (put.status !== 200) problems.push(`${label}: PUT answered ${put.status}`);
          // S3's ETag of a single-part upload is the MD5 of its bytes.
          const event: S3Event = objectCreatedEvent(bench.bucket, incomingKey(fileId), {
            size: bytes.length,
            eTag: createHash("md5").update(bytes).digest("hex"),
          });
          const callsBefore = bench.s3Calls.length;
          const result = await intake(event, context);
          const calls = bench.s3Calls.slice(callsBefore);
          if (result.records[0]?.outcome !== "REJECTED")
            problems.push(`${label}: ${String(result.records[0]?.outcome)}`);
          for (const problem of await statusProblems(fileId, line)) problems.push(`${label}: ${problem}`);
          if (calls.some((call) => call.commandName === "CopyObjectCommand"))
            problems.push(`${label}: copied to validated/`);
          const removal = calls.map((call) => call.commandName).slice(1, 3);
          if (removal.join() !== "DeleteObjectCommand,ListObjectVersionsCommand")
            problems.push(`${label}: removed by ${calls.map((call) => call.commandName).join()}`);
          if ((await bench.objectBytes(incomingKey(fileId))) !== undefined)
            problems.push(`${label}: the upload is still in the bucket`);
          if ((await bench.objectBytes(validatedKey(fileId))) !== undefined)
            problems.push(`${label}: stored under validated/`);
        }
      }
    });
    await expectRefusedWithoutTrace(captured, problems, presignedFiles);
  });

  const lookAlikeFiles = notCardNumbers.length * placements.length;
  it(`false positives: ${notCardNumbers.length} look-alike values in every column and a column name (${lookAlikeFiles} files): 0 refused as card numbers (0 %)`, async () => {
    const refused: string[] = [];
    // Captured only to keep the DEBUG lines out of the test report.
    const captured = await captureOutput(async () => {
      for (const [kind, value] of notCardNumbers) {
        for (const [where] of placements) {
          const result = await intake(
            uploadEvent(csvWith(where, value, (sequence += 1)), { base64: true }),
            context,
          );
          const answer = answerOf(result.body);
          const codes = [answer.error?.code, ...(answer.errors ?? []).map((error) => error.code)];
          if (codes.includes("PAN_DETECTED") || /card number/i.test(answer.error?.message ?? ""))
            refused.push(`${kind} "${value}" in ${where}: ${result.statusCode} ${answer.error?.code}`);
        }
      }
    });
    if (captured.outcome.status === "rejected") throw captured.outcome.reason;
    expect(refused.length, `refused as card numbers:\n${refused.join("\n")}`).to.equal(0);
  });
});
