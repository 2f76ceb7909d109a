/**
 * GET /files/{file_id} on real API Gateway REST proxy events, against status records written by the
 * real csv-intake (dynalite and fauxqs), and records of later stages written as the loader and the
 * notifier will write them. What this cannot prove: API Gateway's path-parameter mapping and IAM.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyResult } from "aws-lambda";
import type { CsvIntakeHandler } from "../../functions/csv-intake/csvIntake";
import type { FileStatusHandler } from "../../functions/file-status/fileStatus";
import { localLambdaContext } from "../../local/lambdaInvokeShim";
import { fixtureBytes } from "./support/csvFiles";
import { startCsvIntakeBench, type CsvIntakeBench } from "./support/csvIntakeBench";
import { getFileEvent, uploadEvent, uploadsEvent } from "./support/apiGatewayEvents";

type FileStatusModule = typeof import("../../functions/file-status/fileStatus");

describe("file-status handler", function () {
  this.timeout(30_000);
  let bench: CsvIntakeBench;
  let intake: CsvIntakeHandler;
  let fileStatus: FileStatusHandler;
  let createFileStatusHandler: FileStatusModule["createFileStatusHandler"];
  const context = localLambdaContext("file-status");

  function lookUp(fileId: string | null): Promise<APIGatewayProxyResult> {
    return fileStatus(getFileEvent(fileId), context);
  }

  async function uploaded(fixture: string, statusCode = 202): Promise<string> {
    const result = await intake(uploadEvent(fixtureBytes(fixture)), context);
    expect(result.statusCode, result.body).to.equal(statusCode);
    return (JSON.parse(result.body) as { file_id: string }).file_id;
  }

  before(async () => {
    bench = await startCsvIntakeBench();
    intake = bench.csvIntakeHandler();
    createFileStatusHandler = bench.load<FileStatusModule>("file-status/fileStatus").createFileStatusHandler;
    fileStatus = createFileStatusHandler({
      config: { fileStatusTable: bench.statusTable },
      documentClient: bench.documentClient,
    });
  });

  after(async () => {
    await bench?.stop();
  });

  it("answers 200 with a VALIDATED file's counts and row errors, in snake_case", async () => {
    // Prepare
    const fileId = await uploaded("duplicate-ids.csv");
    // Act
    const result = await lookUp(fileId);
    // Assess
    expect(result.statusCode).to.equal(200);
    expect(result.headers).to.include({ "Content-Type": "application/json", "Cache-Control": "no-store" });
    expect(JSON.parse(result.body)).to.deep.equal({
      file_id: fileId,
      status: "VALIDATED",
      received_at: "2025-11-15T00:00:00.000Z",
      updated_at: "2025-11-15T00:00:00.000Z",
      rows: 7,
      valid_rows: 3,
      invalid_rows: 4,
      error_count: 4,
      errors: [
        {
          line: 4,
          code: "DUPLICATE_IN_FILE",
          message:
            'transaction_id: "d-1" already appears on line 2; each transaction may appear once per file',
        },
        {
          line: 5,
          code: "DUPLICATE_IN_FILE",
          message:
            'transaction_id: "d-2" already appears on line 3; each transaction may appear once per file',
        },
        {
          line: 6,
          code: "INVALID_AMOUNT",
          message:
            'amount: "abc" is not a plain positive decimal (digits and at most one ".", no sign, exponent, separators or spaces)',
        },
        {
          line: 7,
          code: "DUPLICATE_IN_FILE",
          message:
            'transaction_id: "d-3" already appears on line 6; each transaction may appear once per file',
        },
      ],
    });
  });

  it("answers 200 with a REJECTED file's rejection and no counts", async () => {
    const fileId = await uploaded("bad-header.csv", 422);

    const result = await lookUp(fileId);

    expect(result.statusCode).to.equal(200);
    expect(JSON.parse(result.body)).to.deep.equal({
      file_id: fileId,
      status: "REJECTED",
      received_at: "2025-11-15T00:00:00.000Z",
      updated_at: "2025-11-15T00:00:00.000Z",
      rejection: {
        code: "INVALID_HEADER",
        message:
          "The header on line 1 cannot be used: required columns are missing: status; columns appear more than once: amount. The header must name the columns transaction_id, amount, currency, timestamp, merchant, status (any order, any case; other columns are ignored).",
      },
    });
  });

  it("answers 200 RECEIVED for a presigned upload not yet sent", async () => {
    const issued = await intake(uploadsEvent(), context);
    const fileId = (JSON.parse(issued.body) as { file_id: string }).file_id;

    const result = await lookUp(fileId);

    expect(JSON.parse(result.body)).to.deep.equal({
      file_id: fileId,
      status: "RECEIVED",
      received_at: "2025-11-15T00:00:00.000Z",
      updated_at: "2025-11-15T00:00:00.000Z",
    });
  });

  it("renders every field of a COMPLETED file, leaving out internal ones", async () => {
    const fileId = randomUUID();
    await bench.documentClient.send(
      new PutCommand({
        TableName: bench.statusTable,
        Item: {
          fileId,
          status: "COMPLETED",
          via: "presigned",
          receivedAt: "2025-11-14T10:00:00.000Z",
          updatedAt: "2025-11-14T10:05:00.000Z",
          expiresAt: 1770000000,
          rows: 10,
          validRows: 9,
          invalidRows: 1,
          errorCount: 1,
          errors: [
            {
              line: 3,
              code: "INVALID_AMOUNT",
              message: "amount: 10.999 has more decimals than USD allows (2)",
            },
          ],
          checkpointLine: 11,
          publishedRows: 7,
          alreadyReceivedRows: 2,
          decidedRows: 7,
          approved: 5,
          review: 1,
          rejected: 1,
          completedAt: "2025-11-14T10:05:00.000Z",
        },
      }),
    );

    const result = await lookUp(fileId);

    expect(JSON.parse(result.body)).to.deep.equal({
      file_id: fileId,
      status: "COMPLETED",
      received_at: "2025-11-14T10:00:00.000Z",
      updated_at: "2025-11-14T10:05:00.000Z",
      rows: 10,
      valid_rows: 9,
      invalid_rows: 1,
      error_count: 1,
      errors: [
        { line: 3, code: "INVALID_AMOUNT", message: "amount: 10.999 has more decimals than USD allows (2)" },
      ],
      published_rows: 7,
      already_received_rows: 2,
      decided_rows: 7,
      approved: 5,
      review: 1,
      rejected: 1,
      completed_at: "2025-11-14T10:05:00.000Z",
    });
  });

  it("leaves out fields of the wrong type and masks a card number in a stored message", async () => {
    const fileId = randomUUID();
    await bench.documentClient.send(
      new PutCommand({
        TableName: bench.statusTable,
        Item: {
          fileId,
          status: "LOADING",
          receivedAt: 42,
          updatedAt: "2025-11-14T10:05:00.000Z",
          rows: "ten",
          validRows: -1,
          errors: [
            { line: 2, code: "PAN_DETECTED", message: "notes: 4111111111111111 is a card number" },
            { line: "3", code: "INVALID_AMOUNT", message: "not kept: the line is not a number" },
          ],
          publishedRows: 1.5,
        },
      }),
    );

    const result = await lookUp(fileId);

    expect(JSON.parse(result.body)).to.deep.equal({
      file_id: fileId,
      status: "LOADING",
      updated_at: "2025-11-14T10:05:00.000Z",
      errors: [{ line: 2, code: "PAN_DETECTED", message: "notes: ************1111 is a card number" }],
    });
  });

  it("answers 403 to the status key: it does not open the upload routes", async () => {
    const event = getFileEvent(randomUUID());
    event.requestContext.identity.apiKeyId = "t8k2m4n6p0";
    const result = await fileStatus(event, context);
    expect(result.statusCode).to.equal(403);
    const uploadAttempt = uploadEvent(fixtureBytes("valid.csv"));
    uploadAttempt.requestContext.identity.apiKeyId = "t8k2m4n6p0";
    expect((await intake(uploadAttempt, context)).statusCode).to.equal(403);
  });

  it("answers 404 for an unknown file id", async () => {
    const result = await lookUp(randomUUID());

    expect(result.statusCode).to.equal(404);
    expect(JSON.parse(result.body)).to.deep.equal({
      error: { code: "NOT_FOUND", message: "No file with this file_id" },
    });
  });

  for (const [label, fileId] of [
    ["too short", "abc"],
    ["a path separator", "../files/3f2b8c1e-5d4a"],
    ["percent-encoding", "3f2b8c1e%2F5d4a"],
    ["a card number with spaces", "4111 1111 1111 1111"],
    ["65 characters", "a".repeat(65)],
  ] as const) {
    it(`answers 400 INVALID_FILE_ID for an id with ${label}, never echoing it`, async () => {
      const result = await lookUp(fileId);

      expect(result.statusCode).to.equal(400);
      const body = JSON.parse(result.body) as { error: { code: string; message: string; field: string } };
      expect(body.error).to.deep.equal({
        code: "INVALID_FILE_ID",
        message: "file_id must be 8-64 letters, digits or '-' (the file_id an upload answered)",
        field: "file_id",
      });
      expect(result.body).to.not.include(fileId);
    });
  }

  it("answers 400 when the path parameter is missing", async () => {
    const result = await lookUp(null);

    expect(result.statusCode).to.equal(400);
    expect(JSON.parse(result.body)).to.deep.equal({
      error: {
        code: "INVALID_FILE_ID",
        message: "file_id is required in the path: /files/{file_id}",
        field: "file_id",
      },
    });
  });

  it("answers 503 with Retry-After when the table cannot be read", async () => {
    const broken = createFileStatusHandler({
      config: { fileStatusTable: "no-such-status-table" },
      documentClient: bench.documentClient,
    });

    const result = await broken(getFileEvent(randomUUID()), context);

    expect(result.statusCode).to.equal(503);
    expect(result.headers).to.include({ "Retry-After": "1" });
    expect(JSON.parse(result.body)).to.deep.equal({
      error: { code: "SERVICE_UNAVAILABLE", message: "The file status store is unavailable; retry later" },
    });
  });

  it("cold-starts from index.ts with the environment's table", async () => {
    const fileId = await uploaded("valid.csv");
    const { handler } = bench.load<typeof import("../../functions/file-status/index")>("file-status/index");

    const result = await handler(getFileEvent(fileId), context);

    expect(result.statusCode).to.equal(200);
    expect(JSON.parse(result.body)).to.include({
      file_id: fileId,
      status: "VALIDATED",
      rows: 4,
      valid_rows: 4,
    });
  });
});
