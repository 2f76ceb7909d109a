/**
 * The ValidateTransaction handler, cold-started against dynalite with the deployed key schema.
 * What this cannot prove: IAM, the VPC endpoint, or DynamoDB's own ReturnValuesOnConditionCheckFailure
 * (dynalite ignores it, which is why the handler does not rely on it).
 */
import { expect } from "chai";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { localLambdaContext } from "../../local/lambdaInvokeShim";
import { startFunctionRuntime, type FunctionRuntime } from "./support/functionRuntime";
import { receivedDetail } from "./support/transactions";

type ValidationModule = typeof import("../../functions/validation/index");

let sequence = 0;
function uniqueDetail(transactionOverrides: Record<string, unknown> = {}) {
  sequence += 1;
  const id = `tx-validation-${sequence}`;
  return receivedDetail(
    { transactionId: id, occurredAt: new Date(Date.now() - 60_000).toISOString(), ...transactionOverrides },
    { transactionId: `acme#${id}` },
  );
}

describe("ValidateTransaction handler (dynalite)", function () {
  this.timeout(20_000);
  let runtime: FunctionRuntime;
  let handler: ValidationModule["handler"];
  const context = localLambdaContext("validation");

  async function stored(transactionId: string): Promise<Record<string, unknown> | undefined> {
    const answer = await runtime.documentClient.send(
      new GetCommand({ TableName: runtime.tableName, Key: { transactionId }, ConsistentRead: true }),
    );
    return answer.Item;
  }

  before(async () => {
    runtime = await startFunctionRuntime();
    ({ handler } = runtime.load<ValidationModule>("validation/index"));
  });

  after(async () => {
    await runtime?.stop();
  });

  it("persists a valid transaction once, with the canonical fields the index needs and status RECEIVED", async () => {
    // Prepare
    const detail = uniqueDetail();
    // Act
    const outcome = await handler(detail, context);
    // Assess
    expect(outcome.valid).to.equal(true);
    expect(outcome.reasons).to.deep.equal([]);
    expect(outcome.transaction).to.include({
      transactionId: detail.transactionId,
      amountMinor: 4_250,
      amount: "42.50",
    });
    const item = await stored(detail.transactionId);
    expect(item).to.include({
      transactionId: detail.transactionId,
      status: "RECEIVED",
      customerId: "customer-fixture",
      currency: "USD",
      amountMinor: 4_250,
      amountUsdMinor: 4_250,
      occurredAt: outcome.transaction?.occurredAt,
    });
    expect(item?.receivedAt).to.be.a("string");
    expect(unmarshall(outcome.record)).to.deep.equal({ valid: true, reasons: [] });
  });

  it("answers the same and writes nothing new when the same detail is validated again (at-least-once)", async () => {
    // Prepare
    const detail = uniqueDetail();
    const first = await handler(detail, context);
    const itemAfterFirst = await stored(detail.transactionId);
    // Act
    const second = await handler(detail, context);
    // Assess
    expect(second).to.deep.equal(first);
    expect(await stored(detail.transactionId)).to.deep.equal(itemAfterFirst);
  });

  it("treats an item the intake already wrote as success and does not overwrite it", async () => {
    // Prepare
    const detail = uniqueDetail();
    const intakeItem = {
      transactionId: detail.transactionId,
      status: "RECEIVED",
      receivedAt: "2025-01-01T00:00:00.000Z",
    };
    await runtime.documentClient.send(new PutCommand({ TableName: runtime.tableName, Item: intakeItem }));
    // Act
    const outcome = await handler(detail, context);
    // Assess
    expect(outcome.valid).to.equal(true);
    expect(await stored(detail.transactionId)).to.deep.equal(intakeItem);
  });

  it("reuses the stored occurredAt on a retry when the payload had none, so every run answers the same", async () => {
    // Prepare
    const detail = uniqueDetail({ occurredAt: undefined });
    const first = await handler(detail, context);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Act
    const retry = await handler(detail, context);
    // Assess
    expect(retry.transaction?.occurredAt).to.equal(first.transaction?.occurredAt);
    expect(retry).to.deep.equal(first);
  });

  it("does not decide again a transaction already archived: ends with alreadyArchived and removes the re-created item", async () => {
    // Prepare: archived earlier (its hot item deleted), now replayed.
    const detail = uniqueDetail();
    await runtime.documentClient.send(
      new PutCommand({
        TableName: runtime.archivedTableName,
        Item: {
          transactionId: detail.transactionId,
          partition: "dt=2025-11-14",
          objectKey: "k",
          archivedAt: "t",
        },
      }),
    );
    // Act
    const outcome = await handler(detail, context);
    // Assess
    expect(outcome).to.include({ alreadyArchived: true, valid: false, recordKey: detail.transactionId });
    expect(await stored(detail.transactionId)).to.equal(undefined);
  });

  it("answers alreadyArchived false for a transaction never archived", async () => {
    const outcome = await handler(uniqueDetail(), context);
    expect(outcome.alreadyArchived).to.equal(false);
  });

  it("returns an invalid outcome with every field present, persisting nothing", async () => {
    // Prepare
    const detail = uniqueDetail({ amount: "12.345", customerCountry: "USA" });
    // Act
    const outcome = await handler(detail, context);
    // Assess
    expect(outcome.valid).to.equal(false);
    expect(outcome.transaction).to.equal(null);
    expect(outcome.reasons.map((reason) => reason.code)).to.have.members([
      "INVALID_AMOUNT",
      "INVALID_COUNTRY",
    ]);
    expect(unmarshall(outcome.record)).to.deep.equal({ valid: false, reasons: outcome.reasons });
    expect(await stored(detail.transactionId)).to.equal(undefined);
  });

  it("answers plain JSON (no BigInt, no undefined), as the Lambda wire requires", async () => {
    const outcome = await handler(uniqueDetail(), context);
    expect(JSON.parse(JSON.stringify(outcome))).to.deep.equal(outcome);
  });

  it("never stores or returns a card number found in the input", async () => {
    // Prepare
    const detail = uniqueDetail({ metadata: { note: "card 4111 1111 1111 1111" } });
    // Act
    const outcome = await handler(detail, context);
    // Assess
    expect(outcome.reasons.map((reason) => reason.code)).to.deep.equal(["PAN_DETECTED"]);
    expect(JSON.stringify(outcome)).not.to.match(/4111\s?1111\s?1111/);
    expect(await stored(detail.transactionId)).to.equal(undefined);
  });

  it("rejects a malformed event as a business outcome rather than throwing", async () => {
    const outcome = await handler({ transaction: {} }, context);
    expect(outcome.valid).to.equal(false);
    expect(outcome.reasons.map((reason) => `${reason.code}:${reason.field}`)).to.include(
      "MISSING_FIELD:transactionId",
    );
  });
  for (const metadataJson of [
    '{"constructor":{"a":1}}',
    '{"a":{"constructor":"x"}}',
    '{"__proto__":{"polluted":true}}',
    '{"a":[{"__proto__":null}]}',
  ]) {
    it(`decides metadata ${metadataJson} as invalid with a reason, never a store failure`, async () => {
      // Prepare: as the bus delivers it, JSON-parsed (own __proto__ properties included).
      const detail = uniqueDetail({ metadata: JSON.parse(metadataJson) as unknown });
      // Act
      const outcome = await handler(detail, context);
      // Assess
      expect(outcome.valid).to.equal(false);
      expect(outcome.reasons.map((reason) => reason.code)).to.deep.equal(["INVALID_FIELD"]);
      expect(await stored(detail.transactionId)).to.equal(undefined);
    });
  }

  it("stores metadata named like Object.prototype members exactly as sent", async () => {
    const metadata = { toString: "a", valueOf: 2, hasOwnProperty: [true], nested: { isPrototypeOf: null } };
    const detail = uniqueDetail({ metadata });
    const outcome = await handler(detail, context);
    expect(outcome.valid).to.equal(true);
    expect((await stored(detail.transactionId))?.metadata).to.deep.equal(metadata);
  });
});

describe("ValidateTransaction handler cold start", function () {
  this.timeout(20_000);

  it("fails naming TRANSACTIONS_TABLE_NAME when it is not set", async () => {
    // Prepare
    const runtime = await startFunctionRuntime({ unset: ["TRANSACTIONS_TABLE_NAME"] });
    try {
      // Act
      let failure: unknown;
      try {
        runtime.load<ValidationModule>("validation/index");
      } catch (error) {
        failure = error;
      }
      // Assess
      expect(failure).to.have.property("name", "MissingEnvironmentError");
      expect(String(failure)).to.contain("TRANSACTIONS_TABLE_NAME");
    } finally {
      await runtime.stop();
    }
  });

  it("throws TransactionStoreError (for Step Functions to retry) when the table cannot be written", async () => {
    // Prepare
    const runtime = await startFunctionRuntime({ set: { TRANSACTIONS_TABLE_NAME: "no-such-table" } });
    try {
      const { handler } = runtime.load<ValidationModule>("validation/index");
      // Act
      const failure = await handler(uniqueDetail(), localLambdaContext("validation")).catch(
        (error: unknown) => error,
      );
      // Assess
      expect(failure).to.have.property("name", "TransactionStoreError");
      expect(failure).to.have.nested.property("cause.name", "ResourceNotFoundException");
    } finally {
      await runtime.stop();
    }
  });

  it("publishes EMF metrics under the default namespace when none is configured", async () => {
    // Prepare
    const runtime = await startFunctionRuntime({
      set: { POWERTOOLS_METRICS_DISABLED: "false" },
      unset: ["POWERTOOLS_METRICS_NAMESPACE"],
    });
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    try {
      const { handler } = runtime.load<ValidationModule>("validation/index");
      process.stdout.write = ((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      }) as typeof process.stdout.write;
      // Act
      await handler(uniqueDetail(), localLambdaContext("validation"));
    } finally {
      process.stdout.write = write;
      await runtime.stop();
    }
    // Assess
    const emf = lines.flatMap((line) => line.split("\n")).filter((line) => line.includes('"_aws"'));
    expect(emf).to.have.length(1);
    const document = JSON.parse(emf[0]) as {
      _aws: { CloudWatchMetrics: { Namespace: string }[] };
      TransactionsValidated: number;
    };
    expect(document._aws.CloudWatchMetrics[0].Namespace).to.equal("TransactionPipeline");
    expect(document.TransactionsValidated).to.equal(1);
  });
});
