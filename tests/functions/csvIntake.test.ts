/**
 * csv-intake end to end inside the function: real API Gateway REST proxy events (fixtures in
 * tests/functions/fixtures/api-gateway/), S3 notifications shaped as S3 sends them, the status
 * table on dynalite and the uploads bucket on fauxqs. The clock is pinned to csvTestNow, the
 * reference every CSV fixture was written against.
 *
 * What this cannot prove: that AWS checks the presigned URL's signature and signed Content-Type
 * (fauxqs checks neither, so the URL's parameters are asserted instead), that CopyObject honours
 * CopySourceIfMatch (fauxqs ignores it; the condition sent is asserted), API Gateway's
 * binary-media-type handling, S3 notification delivery itself, and IAM.
 */
import { expect } from "chai";
import { createHash, randomUUID } from "node:crypto";
import { ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, S3Event } from "aws-lambda";
import type { CsvIntakeHandler, S3IntakeResult } from "../../functions/csv-intake/csvIntake";
import { incomingKey, validatedKey } from "../../functions/shared/fileStatus";
import { localCredentials, localRegion } from "../../local/awsClients";
import { localLambdaContext } from "../../local/lambdaInvokeShim";
import { csvTestNow, fixtureBytes as rawFixtureBytes } from "./support/csvFiles";

const cardNumberCell = "card 4111 1111 1111 1111";

/** A fixture as the intake tests use it: a file holding a card number is refused as a whole, so it is masked. */
function fixtureBytes(name: string): Buffer {
  return Buffer.from(rawFixtureBytes(name).toString("utf8").replace(cardNumberCell, "card ending 1111"));
}
import { startCsvIntakeBench, type CsvIntakeBench } from "./support/csvIntakeBench";
import { uploadEvent, uploadsEvent } from "./support/apiGatewayEvents";
import { objectCreatedEvent } from "./support/s3Events";

interface WireBody {
  file_id: string;
  status: string;
  rows?: number;
  valid_rows?: number;
  invalid_rows?: number;
  error_count?: number;
  errors?: Array<{ line: number; code: string; message: string }>;
  error?: { code: string; message: string; line?: number; field?: string };
  upload_url?: string;
  method?: string;
  expires_at?: string;
  headers?: Record<string, string>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Fixtures accepted as a whole: exact counts and every row problem as [line, code]. */
const acceptedFixtures: ReadonlyArray<{
  name: string;
  rows: number;
  validRows: number;
  problems: Array<[number, string]>;
}> = [
  { name: "valid.csv", rows: 4, validRows: 4, problems: [] },
  { name: "bom-crlf.csv", rows: 3, validRows: 3, problems: [] },
  {
    name: "quoted-commas-newlines.csv",
    rows: 5,
    // A merchant name over two lines (line 8) is valid CSV and accepted.
    validRows: 4,
    problems: [[10, "MISSING_FIELD"]],
  },
  { name: "unicode-merchants.csv", rows: 6, validRows: 6, problems: [] },
  {
    name: "some-bad-rows.csv",
    rows: 16,
    // Line 13's card number is masked by fixtureBytes: a file holding one is refused as a whole.
    validRows: 4,
    problems: [
      [3, "INVALID_AMOUNT"],
      [4, "UNKNOWN_CURRENCY"],
      [5, "WRONG_COLUMN_COUNT"],
      [7, "TIMESTAMP_IN_FUTURE"],
      [8, "INVALID_FIELD"],
      [9, "MISSING_FIELD"],
      [12, "INVALID_AMOUNT"],
      [14, "INVALID_COUNTRY"],
      [15, "INVALID_MCC"],
      [16, "INVALID_AMOUNT"],
      [17, "INVALID_TIMESTAMP"],
      [18, "AMOUNT_ABOVE_MAXIMUM"],
    ],
  },
  {
    name: "duplicate-ids.csv",
    rows: 7,
    validRows: 3,
    problems: [
      [4, "DUPLICATE_IN_FILE"],
      [5, "DUPLICATE_IN_FILE"],
      [6, "INVALID_AMOUNT"],
      [7, "DUPLICATE_IN_FILE"],
    ],
  },
  {
    name: "formula-injection.csv",
    rows: 9,
    validRows: 1,
    problems: [
      [2, "FORMULA_INJECTION"],
      [3, "FORMULA_INJECTION"],
      [4, "FORMULA_INJECTION"],
      [5, "FORMULA_INJECTION"],
      [6, "FORMULA_INJECTION"],
      [7, "FORMULA_INJECTION"],
      [8, "FORMULA_INJECTION"],
      [9, "INVALID_AMOUNT"],
    ],
  },
];

function bodyOf(result: APIGatewayProxyResult): WireBody {
  return JSON.parse(result.body) as WireBody;
}

describe("csv-intake handler", function () {
  this.timeout(30_000);
  let bench: CsvIntakeBench;
  let intake: CsvIntakeHandler;
  const context = localLambdaContext("csv-intake");

  function upload(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    return intake(event, context);
  }

  function deliver(event: S3Event, handler: CsvIntakeHandler = intake): Promise<S3IntakeResult> {
    return handler(event, context);
  }

  async function statusCount(): Promise<number> {
    const answer = await bench.documentClient.send(
      new ScanCommand({ TableName: bench.statusTable, Select: "COUNT", ConsistentRead: true }),
    );
    return answer.Count ?? 0;
  }

  function s3CallNames(): string[] {
    return bench.s3Calls.map((call) => call.commandName);
  }

  before(async () => {
    bench = await startCsvIntakeBench();
    intake = bench.csvIntakeHandler();
  });

  beforeEach(() => {
    bench.s3Calls.length = 0;
  });

  after(async () => {
    await bench?.stop();
  });

  describe("POST /upload", () => {
    for (const fixture of acceptedFixtures) {
      it(`${fixture.name}: 202 VALIDATED with ${fixture.rows} rows, ${fixture.validRows} valid, exact lines and codes`, async () => {
        // Prepare
        const bytes = fixtureBytes(fixture.name);
        // Act
        const result = await upload(uploadEvent(bytes, { base64: true }));
        // Assess
        expect(result.statusCode).to.equal(202);
        expect(result.headers).to.include({
          "Content-Type": "application/json",
          "Cache-Control": "no-store",
        });
        const body = bodyOf(result);
        expect(body.file_id).to.match(uuidPattern);
        expect(body).to.deep.include({
          status: "VALIDATED",
          rows: fixture.rows,
          valid_rows: fixture.validRows,
          invalid_rows: fixture.rows - fixture.validRows,
          error_count: fixture.problems.length,
        });
        expect(Object.keys(body).sort()).to.deep.equal(
          ["error_count", "errors", "file_id", "invalid_rows", "rows", "status", "valid_rows"].sort(),
        );
        expect(body.errors?.map((error) => [error.line, error.code])).to.deep.equal(fixture.problems);
        expect(await bench.objectBytes(validatedKey(body.file_id))).to.deep.equal(bytes);
        const item = await bench.statusItem(body.file_id);
        expect(item).to.deep.include({
          fileId: body.file_id,
          status: "VALIDATED",
          via: "upload",
          receivedAt: csvTestNow.toISOString(),
          updatedAt: csvTestNow.toISOString(),
          rows: fixture.rows,
          validRows: fixture.validRows,
          invalidRows: fixture.rows - fixture.validRows,
          errorCount: fixture.problems.length,
          errors: body.errors,
        });
        expect(item?.expiresAt).to.equal(csvTestNow.getTime() / 1000 + 90 * 86_400);
      });
    }

    it("some-bad-rows.csv: messages are the shared reasons' own", async () => {
      const result = await upload(uploadEvent(fixtureBytes("some-bad-rows.csv")));

      const errors = bodyOf(result).errors ?? [];
      expect(errors.slice(0, 3)).to.deep.equal([
        { line: 3, code: "INVALID_AMOUNT", message: "amount: 10.999 has more decimals than USD allows (2)" },
        { line: 4, code: "UNKNOWN_CURRENCY", message: 'currency: "XYZ" is not an ISO 4217 currency code' },
        {
          line: 5,
          code: "WRONG_COLUMN_COUNT",
          message: "the row has 6 fields but the header has 10; quote every field that contains a comma",
        },
      ]);
    });

    it("a file with a card number in any cell: 422 PAN_DETECTED naming the line, never stored, never echoed", async () => {
      const result = await upload(uploadEvent(rawFixtureBytes("some-bad-rows.csv")));

      expect(result.statusCode).to.equal(422);
      const body = bodyOf(result);
      expect(body.error).to.deep.equal({
        code: "PAN_DETECTED",
        message:
          "Line 13 contains a full card number (PAN), so the file was refused and not stored; remove it (a file may carry at most the first 6-8 and last 4 digits) and upload the file again.",
        line: 13,
      });
      expect(result.body).to.not.match(/4111 1111|1111 1111/);
      expect(await bench.statusItem(body.file_id)).to.deep.include({ status: "REJECTED" });
      expect(s3CallNames()).to.deep.equal([]);
    });

    it("formula-injection.csv: the formula cells are named, never repeated", async () => {
      const result = await upload(uploadEvent(fixtureBytes("formula-injection.csv")));

      expect(bodyOf(result).errors?.[0]).to.deep.equal({
        line: 2,
        code: "FORMULA_INJECTION",
        message:
          'merchant: starts with "=", which spreadsheet programs run as a formula; remove the leading character',
      });
      expect(result.body).to.not.match(/HYPERLINK|evil\.example|calc/);
    });

    it("bad-header.csv: 422 INVALID_HEADER naming the columns, status REJECTED, nothing stored", async () => {
      const result = await upload(uploadEvent(fixtureBytes("bad-header.csv")));

      expect(result.statusCode).to.equal(422);
      const body = bodyOf(result);
      expect(body.file_id).to.match(uuidPattern);
      expect(body).to.deep.equal({
        error: {
          code: "INVALID_HEADER",
          message:
            "The header on line 1 cannot be used: required columns are missing: status; columns appear more than once: amount. The header must name the columns transaction_id, amount, currency, timestamp, merchant, status (any order, any case; other columns are ignored).",
          line: 1,
        },
        file_id: body.file_id,
        status: "REJECTED",
      });
      expect(await bench.statusItem(body.file_id)).to.deep.include({
        status: "REJECTED",
        via: "upload",
        rejection: { code: "INVALID_HEADER", message: body.error?.message },
      });
      expect(await bench.objectBytes(validatedKey(body.file_id))).to.equal(undefined);
      expect(s3CallNames()).to.deep.equal([]);
    });

    it("empty.csv: 422 EMPTY_FILE, status REJECTED", async () => {
      const result = await upload(uploadEvent(fixtureBytes("empty.csv")));

      expect(result.statusCode).to.equal(422);
      const body = bodyOf(result);
      expect(body.error).to.deep.equal({
        code: "EMPTY_FILE",
        message:
          "The file is empty: its first line must be a header naming the columns transaction_id, amount, currency, timestamp, merchant, status.",
      });
      expect(await bench.statusItem(body.file_id)).to.deep.include({
        status: "REJECTED",
        rejection: body.error,
      });
      expect(s3CallNames()).to.deep.equal([]);
    });

    it("an event without a body is an empty file", async () => {
      const event = uploadEvent("");
      event.body = null;

      const result = await upload(event);

      expect(result.statusCode).to.equal(422);
      expect(bodyOf(result).error?.code).to.equal("EMPTY_FILE");
    });

    it("header-only.csv: 422 NO_VALID_ROWS with zero counts, status REJECTED with them", async () => {
      const result = await upload(uploadEvent(fixtureBytes("header-only.csv")));

      expect(result.statusCode).to.equal(422);
      const body = bodyOf(result);
      expect(body).to.deep.equal({
        error: {
          code: "NO_VALID_ROWS",
          message: "The file has a header but no data rows; nothing would be loaded.",
        },
        file_id: body.file_id,
        status: "REJECTED",
        rows: 0,
        valid_rows: 0,
        invalid_rows: 0,
        error_count: 0,
        errors: [],
      });
      expect(await bench.statusItem(body.file_id)).to.deep.include({
        status: "REJECTED",
        rows: 0,
        validRows: 0,
        rejection: body.error,
      });
    });

    it("a file whose every row is invalid: 422 NO_VALID_ROWS with every row's errors", async () => {
      const csv =
        "transaction_id,amount,currency,timestamp,merchant,status\n" +
        "x-1,1.001,USD,2025-11-14T09:30:00Z,Shop,completed\n" +
        "x-2,5.00,USD,2025-11-14T09:30:00Z,Shop,refunded\n";

      const result = await upload(uploadEvent(csv));

      expect(result.statusCode).to.equal(422);
      const body = bodyOf(result);
      expect(body.error).to.deep.equal({
        code: "NO_VALID_ROWS",
        message: "None of the file's 2 rows is valid; see errors for each row's problems.",
      });
      expect([body.rows, body.valid_rows, body.invalid_rows, body.error_count]).to.deep.equal([2, 0, 2, 2]);
      expect(body.errors?.map((error) => [error.line, error.code])).to.deep.equal([
        [2, "INVALID_AMOUNT"],
        [3, "INVALID_FIELD"],
      ]);
      expect(await bench.objectBytes(validatedKey(body.file_id))).to.equal(undefined);
    });

    it("an unclosed quote: 422 UNCLOSED_QUOTE with the line it starts on", async () => {
      const csv =
        "transaction_id,amount,currency,timestamp,merchant,status\n" +
        "q-1,1.00,USD,2025-11-14T09:30:00Z,Shop,completed\n" +
        'q-2,1.00,USD,2025-11-14T09:30:00Z,"Shop,completed\n';

      const result = await upload(uploadEvent(csv));

      expect(result.statusCode).to.equal(422);
      const body = bodyOf(result);
      expect(body.error).to.include({ code: "UNCLOSED_QUOTE", line: 3 });
      expect(body).to.not.have.property("rows");
      expect(await bench.statusItem(body.file_id)).to.deep.include({
        status: "REJECTED",
        rejection: { code: "UNCLOSED_QUOTE", message: body.error?.message },
      });
    });

    it("a base64 body is stored byte for byte, bytes that are not UTF-8 included", async () => {
      // Prepare: a Latin-1 "é" (0xE9) on line 3, which only a binary media type carries unchanged.
      const bytes = Buffer.concat([
        Buffer.from("transaction_id,amount,currency,timestamp,merchant,status\n", "latin1"),
        Buffer.from("b-1,1.00,EUR,2025-11-14T09:30:00Z,Cafe,completed\n", "latin1"),
        Buffer.from("b-2,1.00,EUR,2025-11-14T09:30:00Z,Caf\xe9,completed\n", "latin1"),
      ]);
      // Act
      const result = await upload(uploadEvent(bytes, { base64: true }));
      // Assess
      expect(result.statusCode).to.equal(202);
      const body = bodyOf(result);
      expect(body.errors).to.deep.equal([
        {
          line: 3,
          code: "INVALID_ENCODING",
          message: "merchant: is not valid UTF-8; save the file as UTF-8",
        },
      ]);
      expect(await bench.objectBytes(validatedKey(body.file_id))).to.deep.equal(bytes);
      expect(await bench.objectContentType(validatedKey(body.file_id))).to.equal("text/csv");
    });

    it("a text body (no binary media type) is stored as its UTF-8 bytes", async () => {
      const bytes = fixtureBytes("unicode-merchants.csv");

      const result = await upload(uploadEvent(bytes.toString("utf8")));

      expect(result.statusCode).to.equal(202);
      expect(await bench.objectBytes(validatedKey(bodyOf(result).file_id))).to.deep.equal(bytes);
    });

    it("accepts text/csv in any case with a UTF-8 charset", async () => {
      for (const contentType of [
        "text/csv; charset=utf-8",
        'Text/CSV;charset="UTF-8"',
        "text/csv;charset=us-ascii",
      ]) {
        const result = await upload(uploadEvent(fixtureBytes("valid.csv"), { contentType }));
        expect(result.statusCode, contentType).to.equal(202);
      }
    });

    for (const [label, contentType] of [
      ["application/json", "application/json"],
      ["no Content-Type", null],
      ["text/plain", "text/plain"],
      ["a charset other than UTF-8", "text/csv; charset=iso-8859-1"],
    ] as const) {
      it(`answers 415 UNSUPPORTED_MEDIA_TYPE for ${label}, recording and storing nothing`, async () => {
        const before = await statusCount();

        const result = await upload(uploadEvent(fixtureBytes("valid.csv"), { contentType }));

        expect(result.statusCode).to.equal(415);
        const body = JSON.parse(result.body) as { error: { code: string; message: string } };
        expect(Object.keys(body)).to.deep.equal(["error"]);
        expect(body.error.code).to.equal("UNSUPPORTED_MEDIA_TYPE");
        expect(body.error.message).to.include("Content-Type: text/csv");
        expect(await statusCount()).to.equal(before);
        expect(s3CallNames()).to.deep.equal([]);
      });
    }

    it("keeps only FILE_ERROR_LIMIT row errors, counting them all", async () => {
      const limited = bench.csvIntakeHandler({ config: { fileErrorLimit: 3 } });

      const result = await limited(uploadEvent(fixtureBytes("some-bad-rows.csv")), context);

      const body = bodyOf(result);
      expect(body.errors?.map((error) => error.line)).to.deep.equal([3, 4, 5]);
      expect(body.error_count).to.equal(12);
      const item = await bench.statusItem(body.file_id);
      expect(item?.errors).to.have.length(3);
      expect(item?.errorCount).to.equal(12);
    });

    it("answers 503 with Retry-After when the status table is unavailable, storing nothing", async () => {
      const broken = bench.csvIntakeHandler({ config: { fileStatusTable: "no-such-status-table" } });

      const result = await broken(uploadEvent(fixtureBytes("valid.csv")), context);

      expect(result.statusCode).to.equal(503);
      expect(result.headers).to.include({ "Retry-After": "5" });
      expect(JSON.parse(result.body)).to.deep.equal({
        error: {
          code: "SERVICE_UNAVAILABLE",
          message: "The file status could not be recorded; retry later.",
        },
      });
      expect(s3CallNames()).to.deep.equal([]);
    });

    it("answers 503 when the file cannot be stored, and marks the file id REJECTED NOT_STORED", async () => {
      const fileId = randomUUID();
      const broken = bench.csvIntakeHandler({
        config: { uploadsBucket: "no-such-uploads-bucket" },
        newFileId: () => fileId,
      });

      const result = await broken(uploadEvent(fixtureBytes("valid.csv")), context);

      expect(result.statusCode).to.equal(503);
      expect(JSON.parse(result.body)).to.deep.equal({
        error: { code: "SERVICE_UNAVAILABLE", message: "The file could not be stored; retry later." },
      });
      expect(await bench.statusItem(fileId)).to.deep.include({
        status: "REJECTED",
        rejection: { code: "NOT_STORED", message: "The file could not be stored; upload it again." },
      });
    });

    it("answers 405 with Allow for another method, and 404 for an unknown resource", async () => {
      const get = { ...uploadEvent(""), httpMethod: "GET" };
      const other = { ...uploadEvent(""), resource: "/files/{file_id}" };

      const wrongMethod = await upload(get);
      const unknown = await upload(other);

      expect(wrongMethod.statusCode).to.equal(405);
      expect(wrongMethod.headers).to.include({ Allow: "POST" });
      expect(unknown.statusCode).to.equal(404);
      expect(JSON.parse(unknown.body)).to.deep.equal({
        error: { code: "NOT_FOUND", message: "No such resource." },
      });
    });

    it("a file id whose digit groups pass for a card number is handed out whole and read back", async () => {
      // Prepare: 49843841-3653-4492 is a Luhn-valid Visa number across the UUID's dashes.
      const fileId = "49843841-3653-4492-877e-c15e16f16d7f";
      const handler = bench.csvIntakeHandler({ newFileId: () => fileId });
      // Act
      const result = await handler(uploadEvent(fixtureBytes("valid.csv")), context);
      // Assess
      expect(result.statusCode).to.equal(202);
      expect(bodyOf(result).file_id).to.equal(fileId);
      expect(await bench.statusItem(fileId)).to.deep.include({ status: "VALIDATED" });
    });
  });

  describe("POST /uploads and the S3 notification", () => {
    async function issueUrl(handler: CsvIntakeHandler = intake): Promise<WireBody> {
      const result = await handler(uploadsEvent(), context);
      expect(result.statusCode).to.equal(201);
      return bodyOf(result);
    }

    /** PUTs `bytes` to a presigned URL the way a client would, with the headers the answer names. */
    async function putTo(answer: WireBody, bytes: Buffer): Promise<Response> {
      return fetch(answer.upload_url ?? "", {
        method: answer.method,
        headers: answer.headers,
        body: new Uint8Array(bytes),
      });
    }

    /** The notification S3 sends for the object now under uploads/<id>.csv. */
    async function createdEventFor(fileId: string): Promise<S3Event> {
      const bytes = (await bench.objectBytes(incomingKey(fileId))) ?? Buffer.alloc(0);
      // S3's ETag of a single-part upload is the MD5 of its bytes.
      const etag = createHash("md5").update(bytes).digest("hex");
      return objectCreatedEvent(bench.bucket, incomingKey(fileId), { size: bytes.length, eTag: etag });
    }

    it("answers 201 with a presigned PUT URL for uploads/<file_id>.csv and records RECEIVED", async () => {
      // Act
      const result = await intake(uploadsEvent(), context);
      // Assess
      expect(result.statusCode).to.equal(201);
      const body = bodyOf(result);
      expect(body.file_id).to.match(uuidPattern);
      expect(body).to.deep.equal({
        file_id: body.file_id,
        status: "RECEIVED",
        upload_url: body.upload_url,
        method: "PUT",
        expires_at: "2025-11-15T00:15:00.000Z",
        headers: { "Content-Type": "text/csv" },
      });
      const url = new URL(body.upload_url ?? "");
      expect(`${url.origin}${url.pathname}`).to.equal(
        `${bench.emulators.messagingEndpoint}/${bench.bucket}/uploads/${body.file_id}.csv`,
      );
      expect(url.searchParams.get("X-Amz-Expires")).to.equal("900");
      expect(url.searchParams.get("X-Amz-Date")).to.equal("20251115T000000Z");
      // AWS enforces what is signed: the Content-Type the answer tells the client to send.
      expect(url.searchParams.get("X-Amz-SignedHeaders")).to.equal("content-type;host");
      // fauxqs ignores checksums; AWS would refuse every upload through a URL carrying one.
      const checksumParameters = [...url.searchParams.keys()].filter((name) => /checksum/i.test(name));
      expect(checksumParameters).to.deep.equal([]);
      expect(await bench.statusItem(body.file_id)).to.deep.include({
        fileId: body.file_id,
        status: "RECEIVED",
        via: "presigned",
        receivedAt: csvTestNow.toISOString(),
        updatedAt: csvTestNow.toISOString(),
      });
    });

    it("the URL accepts a PUT; the S3 event then validates the upload and copies it to validated/", async () => {
      // Prepare
      const answer = await issueUrl();
      const fileId = answer.file_id;
      const bytes = fixtureBytes("some-bad-rows.csv");
      const put = await putTo(answer, bytes);
      expect(put.status).to.equal(200);
      expect(await bench.objectBytes(incomingKey(fileId))).to.deep.equal(bytes);
      const event = await createdEventFor(fileId);
      bench.s3Calls.length = 0;
      // Act
      const result = await deliver(event);
      // Assess
      expect(result).to.deep.equal({
        records: [{ key: incomingKey(fileId), fileId, outcome: "VALIDATED" }],
      });
      expect(await bench.objectBytes(validatedKey(fileId))).to.deep.equal(bytes);
      const item = await bench.statusItem(fileId);
      expect(item).to.deep.include({
        status: "VALIDATED",
        via: "presigned",
        rows: 16,
        validRows: 4,
        invalidRows: 12,
        errorCount: 12,
      });
      expect((item?.errors as Array<{ line: number }>).map((error) => error.line)).to.deep.equal([
        3, 4, 5, 7, 8, 9, 12, 14, 15, 16, 17, 18,
      ]);
      expect(item).to.not.have.property("validationAttemptId");
      expect(item).to.not.have.property("validationLeaseUntil");
      expect(s3CallNames()).to.deep.equal(["GetObjectCommand", "CopyObjectCommand"]);
      const copy = bench.s3Calls[1].input;
      expect(copy).to.include({
        Bucket: bench.bucket,
        Key: validatedKey(fileId),
        CopySource: `${bench.bucket}/${incomingKey(fileId)}`,
        CopySourceIfMatch: `"${event.Records[0].s3.object.eTag}"`,
        ContentType: "text/csv",
      });
    });

    it("a redelivered event changes nothing: no read, no copy, the same status record", async () => {
      const answer = await issueUrl();
      await putTo(answer, fixtureBytes("valid.csv"));
      const event = await createdEventFor(answer.file_id);
      await deliver(event);
      const first = await bench.statusItem(answer.file_id);
      bench.s3Calls.length = 0;

      const again = await deliver(event);

      expect(again.records).to.deep.equal([
        { key: incomingKey(answer.file_id), fileId: answer.file_id, outcome: "AlreadyProcessed" },
      ]);
      expect(await bench.statusItem(answer.file_id)).to.deep.equal(first);
      expect(s3CallNames()).to.deep.equal([]);
    });

    it("two deliveries at once: one validates and copies, the other finds it in progress", async () => {
      const answer = await issueUrl();
      await putTo(answer, fixtureBytes("duplicate-ids.csv"));
      const event = await createdEventFor(answer.file_id);
      bench.s3Calls.length = 0;

      // The claim holder's read of the object waits until the other delivery has answered, so
      // the two overlap however fast or busy the machine is.
      let otherAnswered!: () => void;
      const otherDelivery = new Promise<void>((resolve) => (otherAnswered = resolve));
      let heldRead = false;
      bench.s3.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "GetObjectCommand" && !heldRead) {
            heldRead = true;
            await otherDelivery;
          }
          return next(args);
        },
        { step: "initialize", name: "holdClaimHoldersRead" },
      );
      let results: Awaited<ReturnType<typeof deliver>>[];
      try {
        const both = [deliver(event), deliver(event)];
        await Promise.race(both);
        otherAnswered();
        results = await Promise.all(both);
      } finally {
        otherAnswered();
        bench.s3.middlewareStack.remove("holdClaimHoldersRead");
      }

      const outcomes = results.map((result) => result.records[0].outcome).sort();
      expect(outcomes).to.deep.equal(["InProgress", "VALIDATED"]);
      expect(heldRead).to.equal(true);
      expect(s3CallNames().filter((name) => name === "CopyObjectCommand")).to.have.length(1);
      expect(await bench.statusItem(answer.file_id)).to.deep.include({ status: "VALIDATED", validRows: 3 });
    });

    it("a rejected upload is marked REJECTED and never copied; its redelivery is a no-op", async () => {
      const answer = await issueUrl();
      await putTo(answer, fixtureBytes("bad-header.csv"));
      const event = await createdEventFor(answer.file_id);

      const first = await deliver(event);
      const again = await deliver(event);

      expect(first.records[0].outcome).to.equal("REJECTED");
      expect(again.records[0].outcome).to.equal("AlreadyProcessed");
      const item = await bench.statusItem(answer.file_id);
      expect(item?.status).to.equal("REJECTED");
      expect(item?.rejection).to.include({ code: "INVALID_HEADER" });
      expect(await bench.objectBytes(validatedKey(answer.file_id))).to.equal(undefined);
      expect(s3CallNames()).to.not.include("CopyObjectCommand");
    });

    it("an upload with a card number is refused and removed from the bucket, every version", async () => {
      const answer = await issueUrl();
      await putTo(answer, rawFixtureBytes("some-bad-rows.csv"));
      expect(await bench.objectBytes(incomingKey(answer.file_id))).to.not.equal(undefined);
      const event = await createdEventFor(answer.file_id);

      const result = await deliver(event);

      expect(result.records[0].outcome).to.equal("REJECTED");
      const rejection = (await bench.statusItem(answer.file_id))?.rejection as {
        code: string;
        message: string;
      };
      expect(rejection.code).to.equal("PAN_DETECTED");
      expect(rejection.message).to.match(/^Line 13 contains a full card number/);
      expect(await bench.objectBytes(incomingKey(answer.file_id))).to.equal(undefined);
      expect(await bench.objectBytes(validatedKey(answer.file_id))).to.equal(undefined);
    });

    it("takes over a claim whose lease expired (its holder died), but not a live one", async () => {
      const answer = await issueUrl();
      await putTo(answer, fixtureBytes("valid.csv"));
      const event = await createdEventFor(answer.file_id);
      const setLease = (leaseUntil: number) =>
        bench.documentClient.send(
          new UpdateCommand({
            TableName: bench.statusTable,
            Key: { fileId: answer.file_id },
            UpdateExpression: "SET validationAttemptId = :attempt, validationLeaseUntil = :lease",
            ExpressionAttributeValues: { ":attempt": "crashed-attempt", ":lease": leaseUntil },
          }),
        );

      await setLease(csvTestNow.getTime() + 1_000);
      const live = await deliver(event);
      await setLease(csvTestNow.getTime() - 1);
      const expired = await deliver(event);

      expect(live.records[0].outcome).to.equal("InProgress");
      expect(expired.records[0].outcome).to.equal("VALIDATED");
      expect(await bench.statusItem(answer.file_id)).to.deep.include({ status: "VALIDATED", rows: 4 });
    });

    it("a transient S3 failure releases the claim and throws, so Lambda's retry validates the file", async () => {
      const answer = await issueUrl();
      await putTo(answer, fixtureBytes("valid.csv"));
      const event = await createdEventFor(answer.file_id);
      const unreachable = new S3Client({
        region: localRegion,
        credentials: localCredentials,
        endpoint: "http://127.0.0.1:9",
        forcePathStyle: true,
        maxAttempts: 1,
      });
      const failing = bench.csvIntakeHandler({ s3: unreachable });

      const error = await deliver(event, failing).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      unreachable.destroy();

      expect(error).to.be.instanceOf(Error);
      expect((error as Error).name).to.equal("UploadStorageError");
      const released = await bench.statusItem(answer.file_id);
      expect(released).to.include({ status: "RECEIVED" });
      expect(released).to.not.have.property("validationAttemptId");
      expect((await deliver(event)).records[0].outcome).to.equal("VALIDATED");
    });

    it("an event for an upload that is no longer there marks the file REJECTED UPLOAD_NOT_FOUND", async () => {
      const answer = await issueUrl();
      const event = objectCreatedEvent(bench.bucket, incomingKey(answer.file_id), { size: 1, eTag: "abc" });

      const result = await deliver(event);

      expect(result.records[0].outcome).to.equal("REJECTED");
      expect(await bench.statusItem(answer.file_id)).to.deep.include({
        status: "REJECTED",
        rejection: {
          code: "UPLOAD_NOT_FOUND",
          message: "The uploaded object is no longer in the bucket; request a new upload URL.",
        },
      });
    });

    it("ignores objects it did not hand out a URL for, leaving them alone", async () => {
      const strangerId = randomUUID();
      await bench.s3.send(
        new PutObjectCommand({
          Bucket: bench.bucket,
          Key: incomingKey(strangerId),
          Body: fixtureBytes("valid.csv"),
        }),
      );
      const uploaded = bodyOf(await upload(uploadEvent(fixtureBytes("valid.csv"))));
      bench.s3Calls.length = 0;

      const stranger = await deliver(
        objectCreatedEvent(bench.bucket, incomingKey(strangerId), { size: 1, eTag: "x" }),
      );
      const notPresigned = await deliver(
        objectCreatedEvent(bench.bucket, incomingKey(uploaded.file_id), { size: 1, eTag: "x" }),
      );

      expect(stranger.records[0].outcome).to.equal("UnknownFile");
      expect(await bench.statusItem(strangerId)).to.equal(undefined);
      expect(notPresigned.records[0].outcome).to.equal("NotPresigned");
      expect(s3CallNames()).to.deep.equal([]);
    });

    it("ignores other buckets, other prefixes, odd keys and removals", async () => {
      const fileId = randomUUID();
      const events = [
        objectCreatedEvent("another-bucket", incomingKey(fileId), { size: 1, eTag: "x" }),
        objectCreatedEvent(bench.bucket, validatedKey(fileId), { size: 1, eTag: "x" }),
        objectCreatedEvent(bench.bucket, "uploads/not a file id.csv", { size: 1, eTag: "x" }),
        objectCreatedEvent(bench.bucket, incomingKey(fileId), { size: 1, eTag: "x" }, "ObjectRemoved:Delete"),
      ];

      const outcomes = [];
      for (const event of events) outcomes.push((await deliver(event)).records[0]);

      expect(outcomes.map((record) => record.outcome)).to.deep.equal([
        "Ignored",
        "Ignored",
        "Ignored",
        "Ignored",
      ]);
      expect(outcomes[2].key).to.equal("uploads/not a file id.csv");
      expect(s3CallNames()).to.deep.equal([]);
    });

    it("a malformed S3 notification is dropped without a retry; an unknown event kind throws", async () => {
      const malformed = { Records: [{ s3: { bucket: {} } }] } as unknown as S3Event;

      const dropped = await deliver(malformed);
      const thrown = await intake({ hello: "world" } as unknown as S3Event, context).then(
        () => undefined,
        (reason: unknown) => reason,
      );

      expect(dropped).to.deep.equal({ records: [] });
      expect((thrown as Error).name).to.equal("UnsupportedEventError");
    });
  });

  describe("configuration", () => {
    type ConfigModule = typeof import("../../functions/csv-intake/config");
    const required = { UPLOADS_BUCKET_NAME: "uploads", FILE_STATUS_TABLE_NAME: "file-status" };

    function nameOfFailure(load: () => unknown): string {
      try {
        load();
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
      return "no failure";
    }

    it("defaults to 100 row errors, 900-second URLs and the 1,000,000 USD maximum", () => {
      const { loadCsvIntakeConfig } = bench.load<ConfigModule>("csv-intake/config");

      expect(loadCsvIntakeConfig(required)).to.deep.equal({
        uploadsBucket: "uploads",
        fileStatusTable: "file-status",
        fileErrorLimit: 100,
        uploadUrlExpirySeconds: 900,
        maxAmountUsdMinor: 100_000_000n,
      });
    });

    it("fails the cold start naming a missing or out-of-range variable", () => {
      const { loadCsvIntakeConfig } = bench.load<ConfigModule>("csv-intake/config");

      expect(nameOfFailure(() => loadCsvIntakeConfig({ FILE_STATUS_TABLE_NAME: "t" }))).to.equal(
        "MissingEnvironmentError: Missing required environment variable UPLOADS_BUCKET_NAME",
      );
      expect(nameOfFailure(() => loadCsvIntakeConfig({ ...required, FILE_ERROR_LIMIT: "501" }))).to.equal(
        "InvalidEnvironmentError: Environment variable FILE_ERROR_LIMIT is invalid: expected 1 to 500, got 501",
      );
      expect(
        nameOfFailure(() => loadCsvIntakeConfig({ ...required, UPLOAD_URL_EXPIRY_SECONDS: "7200" })),
      ).to.equal(
        "InvalidEnvironmentError: Environment variable UPLOAD_URL_EXPIRY_SECONDS is invalid: expected 60 to 3600, got 7200",
      );
    });
  });

  describe("cold start from index.ts (shared clients, environment)", () => {
    it("answers POST /upload and POST /uploads with the environment's bucket and table", async () => {
      const { handler } = bench.load<typeof import("../../functions/csv-intake/index")>("csv-intake/index");

      const uploaded = await handler(uploadEvent(fixtureBytes("valid.csv")), context);
      const issued = await handler(uploadsEvent(), context);

      expect(uploaded.statusCode).to.equal(202);
      expect(await bench.objectBytes(validatedKey(bodyOf(uploaded).file_id))).to.deep.equal(
        fixtureBytes("valid.csv"),
      );
      const url = new URL(bodyOf(issued).upload_url ?? "");
      expect(url.pathname).to.equal(`/${bench.bucket}/uploads/${bodyOf(issued).file_id}.csv`);
      expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).to.deep.equal([]);
      expect(await bench.statusItem(bodyOf(issued).file_id)).to.include({
        status: "RECEIVED",
        via: "presigned",
      });
    });
  });
});
