/**
 * The TransactionStatus handler (`GET /transactions/{transactionId}`), cold-started against
 * dynalite with both tables created from the deployed definitions, and driven by a real API
 * Gateway REST proxy event. What this cannot prove: how a real API Gateway stage encodes the path
 * parameter (both encoded and decoded forms are accepted), IAM, or the VPC endpoint.
 */
import { expect } from "chai";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { localLambdaContext } from "../../local/lambdaInvokeShim";
import { parseTransactionIdParameter } from "../../functions/transaction-status/transactionIdParameter";
import getTransactionFixture from "./fixtures/api-gateway/get-transaction.json";
import { getTransactionEvent } from "./support/apiGatewayEvents";
import approvedItemFixture from "./fixtures/transaction-status/approved-item.json";
import intakeRecordFixture from "./fixtures/transaction-status/intake-record-accepted.json";
import rejectedItemFixture from "./fixtures/transaction-status/rejected-validation-item.json";
import { startFunctionRuntime, type FunctionRuntime } from "./support/functionRuntime";

type StatusModule = typeof import("../../functions/transaction-status/index");

/** Typed here so a fixture that drifts from the real event shape fails the type-check. */
const fixtureEvent: APIGatewayProxyEvent = getTransactionFixture;

interface WireErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string };
}

function bodyOf(result: APIGatewayProxyResult): unknown {
  return JSON.parse(result.body) as unknown;
}

let sequence = 0;
/** A fresh key per test, so the shared tables never make one test depend on another. */
function uniqueKey(label: string): string {
  sequence += 1;
  return `acme#tx-status-${label}-${sequence}`;
}

describe("TransactionStatus handler (dynalite)", function () {
  this.timeout(20_000);
  let runtime: FunctionRuntime;
  let handler: StatusModule["handler"];
  const context = localLambdaContext("transaction-status");

  async function putTransaction(item: Record<string, unknown>): Promise<void> {
    await runtime.documentClient.send(new PutCommand({ TableName: runtime.tableName, Item: item }));
  }

  async function putIntakeRecord(item: Record<string, unknown>): Promise<void> {
    await runtime.documentClient.send(new PutCommand({ TableName: runtime.intakeTableName, Item: item }));
  }

  before(async () => {
    runtime = await startFunctionRuntime();
    ({ handler } = runtime.load<StatusModule>("transaction-status/index"));
  });

  after(async () => {
    await runtime?.stop();
  });

  it("answers 200 with the whole rendered transaction and its APPROVED decision", async () => {
    // Prepare
    const key = uniqueKey("approved");
    await putTransaction({ ...structuredClone(approvedItemFixture), transactionId: key });
    // Act
    const result = await handler(getTransactionEvent(encodeURIComponent(key)), context);
    // Assess
    expect(result.statusCode).to.equal(200);
    expect(result.headers).to.include({ "Content-Type": "application/json", "Cache-Control": "no-store" });
    expect(bodyOf(result)).to.deep.equal({
      transaction_id: key,
      status: "APPROVED",
      source: "webhook",
      provider: "acme",
      amount: "12500.00",
      currency: "USD",
      customer_id: "customer-42",
      merchant_id: "merchant-7",
      merchant_category_code: "5732",
      customer_country: "US",
      merchant_country: "GB",
      customer_name: "Ada Lovelace",
      merchant_name: "Analytical Engines Ltd",
      occurred_at: "2025-11-14T11:58:00.000Z",
      received_at: "2025-11-14T11:58:01.250Z",
      card: { bin: "411111", last4: "1111" },
      metadata: { orderReference: "order-123", channel: "web" },
      decision: {
        status: "APPROVED",
        stage: "SCREENING",
        lane: "high",
        decided_at: "2025-11-14T11:58:02.000Z",
        reasons: [
          { code: "COUNTRY_MISMATCH", message: "customer country US differs from merchant country GB" },
          {
            code: "CTR_THRESHOLD",
            message: "amount of 12500.00 USD equivalent is above the 10000.00 USD reporting threshold",
          },
        ],
        fraud: {
          score: 20,
          level: "LOW",
          signals: [
            {
              code: "COUNTRY_MISMATCH",
              points: 20,
              message: "customer country US differs from merchant country GB",
            },
          ],
          rules_version: "2025-11-14.1",
        },
        compliance: {
          decision: "CLEAR",
          rules: [
            {
              rule_id: "CTR_THRESHOLD",
              outcome: "REPORT",
              message: "amount of 12500.00 USD equivalent is above the 10000.00 USD reporting threshold",
            },
          ],
          report_required: true,
          list_version: "2025-11-01",
        },
      },
    });
  });

  it("answers a transaction REJECTED at validation with its reasons only", async () => {
    // Prepare
    const key = uniqueKey("rejected");
    await putTransaction({ ...structuredClone(rejectedItemFixture), transactionId: key });
    // Act
    const result = await handler(getTransactionEvent(encodeURIComponent(key)), context);
    // Assess
    expect(result.statusCode).to.equal(200);
    expect(bodyOf(result)).to.deep.equal({
      transaction_id: key,
      status: "REJECTED",
      decision: {
        status: "REJECTED",
        stage: "VALIDATION",
        lane: "low",
        decided_at: "2025-11-14T11:58:02.000Z",
        reasons: [
          {
            code: "INVALID_AMOUNT",
            message: "amount: 12.345 has more decimals than USD allows (2)",
            field: "amount",
          },
          {
            code: "INVALID_COUNTRY",
            message: "customerCountry: must be an ISO 3166-1 alpha-2 code",
            field: "customerCountry",
          },
        ],
      },
    });
  });

  it("adds source, provider and received_at from the intake record to a transaction rejected at validation", async () => {
    // Prepare
    const key = uniqueKey("rejected-with-intake");
    await putTransaction({ ...structuredClone(rejectedItemFixture), transactionId: key });
    await putIntakeRecord({ ...structuredClone(intakeRecordFixture), transactionId: key });
    // Act
    const result = await handler(getTransactionEvent(encodeURIComponent(key)), context);
    // Assess
    expect(result.statusCode).to.equal(200);
    expect(bodyOf(result)).to.deep.include({
      transaction_id: key,
      status: "REJECTED",
      source: "webhook",
      provider: "acme",
      received_at: "2025-11-14T11:58:01.250Z",
    });
  });

  it("answers RECEIVED from an ACCEPTED intake record before the pipeline stored the transaction", async () => {
    // Prepare
    const key = uniqueKey("received");
    await putIntakeRecord({ ...structuredClone(intakeRecordFixture), transactionId: key });
    // Act
    const result = await handler(getTransactionEvent(encodeURIComponent(key)), context);
    // Assess
    expect(result.statusCode).to.equal(200);
    expect(bodyOf(result)).to.deep.equal({
      transaction_id: key,
      status: "RECEIVED",
      received_at: "2025-11-14T11:58:01.250Z",
      provider: "acme",
      source: "webhook",
    });
  });

  it("answers ARCHIVED with the partition and object once the transaction moved to the audit archive", async () => {
    // Prepare: the hot item is gone; the intake record may still be there (it outlives archival).
    const key = uniqueKey("archived");
    await putIntakeRecord({ ...structuredClone(intakeRecordFixture), transactionId: key });
    await runtime.documentClient.send(
      new PutCommand({
        TableName: runtime.archivedTableName,
        Item: {
          transactionId: key,
          day: "2025-11-14",
          partition: "dt=2025-11-14",
          objectKey: "transactions/dt=2025-11-14/part-00003.json.gz",
          archivedAt: "2025-11-15T02:16:40.000Z",
          expiresAt: 1_797_000_000,
        },
      }),
    );
    // Act
    const result = await handler(getTransactionEvent(encodeURIComponent(key)), context);
    // Assess
    expect(result.statusCode).to.equal(200);
    expect(bodyOf(result)).to.deep.equal({
      transaction_id: key,
      status: "ARCHIVED",
      archive: {
        partition: "dt=2025-11-14",
        object_key: "transactions/dt=2025-11-14/part-00003.json.gz",
        archived_at: "2025-11-15T02:16:40.000Z",
      },
    });
  });

  it("answers 404 for a PENDING intake record (the delivery was never acknowledged)", async () => {
    // Prepare
    const key = uniqueKey("pending");
    const { response: _response, ...pending } = structuredClone(intakeRecordFixture);
    await putIntakeRecord({ ...pending, transactionId: key, state: "PENDING" });
    // Act
    const result = await handler(getTransactionEvent(encodeURIComponent(key)), context);
    // Assess
    expect(result.statusCode).to.equal(404);
    expect((bodyOf(result) as WireErrorBody).error.code).to.equal("NOT_FOUND");
  });

  it("answers 403 to the upload key: it does not open the status route", async () => {
    const event = getTransactionEvent("acme%23tx-any");
    event.requestContext.identity.apiKeyId = "u3j5h7g9f1";
    const result = await handler(event, context);
    expect(result.statusCode).to.equal(403);
    expect(bodyOf(result)).to.have.nested.property("error.code", "FORBIDDEN");
  });

  it("answers 404 NOT_FOUND for a key neither table knows", async () => {
    // Act
    const result = await handler(getTransactionEvent(encodeURIComponent(uniqueKey("unknown"))), context);
    // Assess
    expect(result.statusCode).to.equal(404);
    expect(result.headers).to.include({ "Content-Type": "application/json" });
    expect(bodyOf(result)).to.deep.equal({
      error: { code: "NOT_FOUND", message: "No transaction with this transaction_id" },
    });
  });

  it("decodes a percent-encoded key (acme%23tx-1) and accepts one API Gateway already decoded", async () => {
    // Prepare
    const key = uniqueKey("encoded");
    await putTransaction({ ...structuredClone(approvedItemFixture), transactionId: key });
    const encoded = key.replace("#", "%23");
    // Act
    const fromEncoded = await handler(getTransactionEvent(encoded), context);
    const fromDecoded = await handler(getTransactionEvent(key), context);
    // Assess
    expect(encoded).to.match(/^acme%23tx-status-encoded-\d+$/);
    expect(fromEncoded.statusCode).to.equal(200);
    expect(bodyOf(fromEncoded)).to.have.property("transaction_id", key);
    expect(bodyOf(fromDecoded)).to.deep.equal(bodyOf(fromEncoded));
  });

  it("serves the fixture event exactly as API Gateway sends it", async () => {
    // Prepare
    await putTransaction({ ...structuredClone(approvedItemFixture), transactionId: "acme#tx-status-1" });
    // Act
    const result = await handler(fixtureEvent, context);
    // Assess
    expect(result.statusCode).to.equal(200);
    expect(bodyOf(result)).to.have.property("transaction_id", "acme#tx-status-1");
  });

  const badParameters: ReadonlyArray<readonly [string, string | null]> = [
    ["a missing path parameter", null],
    ["an empty key", ""],
    ["a malformed escape", "acme%23tx-%E0%A4%A"],
    ["a lone percent sign", "acme%23tx-50%"],
    ["a space", "acme%23tx%201"],
    ["a non-ASCII character", "acme%23tx-%C3%A9"],
    ["a control character", "acme%23tx-%00"],
    ["257 characters", `acme%23${"x".repeat(252)}`],
  ];
  for (const [problem, raw] of badParameters) {
    it(`answers 400 INVALID_TRANSACTION_ID for ${problem}`, async () => {
      // Act
      const result = await handler(getTransactionEvent(raw), context);
      // Assess
      expect(result.statusCode).to.equal(400);
      const { error } = bodyOf(result) as WireErrorBody;
      expect(error).to.include({ code: "INVALID_TRANSACTION_ID", field: "transaction_id" });
      expect(error.message).to.be.a("string").and.not.equal("");
    });
  }

  it("accepts a key of exactly 256 characters", async () => {
    const result = await handler(getTransactionEvent(`acme%23${"x".repeat(251)}`), context);
    expect(result.statusCode).to.equal(404);
  });

  const panParameters: ReadonlyArray<readonly [string, string]> = [
    ["after the namespace", "acme%234111111111111111"],
    ["in dash-separated groups", "acme%234111-1111-1111-1111"],
    ["as the whole key", "4111111111111111"],
  ];
  for (const [where, raw] of panParameters) {
    it(`answers 400 PAN_DETECTED without echoing it for a card number ${where} in the key`, async () => {
      // Act
      const result = await handler(getTransactionEvent(raw), context);
      // Assess
      expect(result.statusCode).to.equal(400);
      expect(bodyOf(result)).to.deep.equal({
        error: {
          code: "PAN_DETECTED",
          message: "transaction_id must not contain a full card number",
          field: "transaction_id",
        },
      });
      expect(JSON.stringify(result)).not.to.match(/4111|1111-1111/);
    });
  }

  it("never echoes the rejected value in any 400", async () => {
    for (const raw of ["acme%23tx%20secret-value", "acme%23%ZZsecret-value"]) {
      const result = await handler(getTransactionEvent(raw), context);
      expect(result.statusCode).to.equal(400);
      expect(result.body).not.to.contain("secret-value");
    }
  });
});

describe("TransactionStatus handler cold start and failures", function () {
  this.timeout(20_000);

  for (const variable of ["TRANSACTIONS_TABLE_NAME", "INTAKE_TABLE_NAME"]) {
    it(`fails the cold start naming ${variable} when it is not set`, async () => {
      // Prepare
      const runtime = await startFunctionRuntime({ unset: [variable] });
      try {
        // Act
        let failure: unknown;
        try {
          runtime.load<StatusModule>("transaction-status/index");
        } catch (error) {
          failure = error;
        }
        // Assess
        expect(failure).to.have.property("name", "MissingEnvironmentError");
        expect(String(failure)).to.contain(variable);
      } finally {
        await runtime.stop();
      }
    });
  }

  const storeFailures: ReadonlyArray<readonly [string, Record<string, string>]> = [
    ["the transactions table", { TRANSACTIONS_TABLE_NAME: "no-such-transactions-table" }],
    ["the intake-records table", { INTAKE_TABLE_NAME: "no-such-intake-table" }],
  ];
  for (const [table, set] of storeFailures) {
    it(`answers 503 with a generic error, no cause and no stack, when ${table} cannot be read`, async () => {
      // Prepare
      const runtime = await startFunctionRuntime({ set });
      try {
        const { handler } = runtime.load<StatusModule>("transaction-status/index");
        // Act
        const result = await handler(
          getTransactionEvent("acme%23tx-store-failure"),
          localLambdaContext("transaction-status"),
        );
        // Assess
        expect(result.statusCode).to.equal(503);
        expect(result.headers).to.include({ "Retry-After": "1", "Content-Type": "application/json" });
        expect(bodyOf(result)).to.deep.equal({
          error: {
            code: "SERVICE_UNAVAILABLE",
            message: "The transaction store is unavailable; retry later",
          },
        });
        expect(result.body).not.to.match(/ResourceNotFound|no-such|at .*\.ts|Error/);
      } finally {
        await runtime.stop();
      }
    });
  }

  it("logs the key as correlation id and the store failure's cause, and counts lookups by outcome", async () => {
    // Prepare
    const runtime = await startFunctionRuntime({
      set: {
        TRANSACTIONS_TABLE_NAME: "no-such-transactions-table",
        POWERTOOLS_LOG_LEVEL: "INFO",
        POWERTOOLS_METRICS_DISABLED: "false",
      },
    });
    const lines: string[] = [];
    const capture = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    const writeOut = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    const rejectedContext = localLambdaContext("transaction-status");
    try {
      const { handler } = runtime.load<StatusModule>("transaction-status/index");
      process.stdout.write = capture;
      process.stderr.write = capture;
      // Act
      await handler(getTransactionEvent("acme%23tx-logged"), localLambdaContext("transaction-status"));
      await handler(getTransactionEvent("acme%234111111111111111"), rejectedContext);
    } finally {
      process.stdout.write = writeOut;
      process.stderr.write = writeErr;
      await runtime.stop();
    }
    // Assess
    const documents = lines
      .flatMap((line) => line.split("\n"))
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const failureLog = documents.find((document) => document.message === "Transaction store unavailable");
    expect(failureLog).to.include({
      correlationId: "acme#tx-logged",
      transactionId: "acme#tx-logged",
      level: "ERROR",
    });
    expect(JSON.stringify(failureLog)).to.contain("ResourceNotFoundException");
    const rejectedLog = documents.find((document) => document.message === "Transaction id rejected");
    // A refused id is not one to correlate by: the line carries the invocation's request id.
    expect(rejectedLog).to.include({ code: "PAN_DETECTED", correlationId: rejectedContext.awsRequestId });
    expect(rejectedLog).not.to.have.property("transactionId");
    const emf = documents.filter((document) => "_aws" in document);
    expect(emf.map((document) => [document.outcome, document.StatusLookups])).to.deep.equal([
      ["StoreError", 1],
      ["InvalidRequest", 1],
    ]);
    expect(lines.join("")).not.to.contain("4111111111111111");
  });
});

describe("transaction id path parameter", () => {
  it("decodes once: a key holding an encoded percent sign keeps it", () => {
    expect(parseTransactionIdParameter("acme%23tx%2525")).to.deep.equal({
      valid: true,
      transactionId: "acme#tx%25",
    });
  });

  it("refuses an over-long raw value before decoding it", () => {
    const result = parseTransactionIdParameter("%41".repeat(300));
    expect(result.valid).to.equal(false);
  });
});
