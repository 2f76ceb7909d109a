/**
 * A write DynamoDB refuses because of what the transaction holds is a validation outcome (the
 * transaction is REJECTED with a reason), never a store failure that Step Functions retries into the
 * dead-letter queue. Availability failures still throw.
 */
import { expect } from "chai";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { saveReceivedTransaction } from "../../functions/validation/transactionStore";
import { canonicalTransaction } from "./support/transactions";

function clientFailingWith(error: Error): DynamoDBDocumentClient {
  return { send: () => Promise.reject(error) } as unknown as DynamoDBDocumentClient;
}

const options = {
  tableName: "transactions",
  receivedAt: new Date("2025-11-14T12:00:00Z"),
  occurredAtDefaulted: false,
};

describe("transaction store refusals", () => {
  it("answers a ValidationException as a refusal with a reason, not a retry", async () => {
    const error = Object.assign(new Error("Item size has exceeded the maximum allowed size"), {
      name: "ValidationException",
    });
    const result = await saveReceivedTransaction(clientFailingWith(error), canonicalTransaction(), options);
    expect(result).to.deep.equal({
      stored: false,
      reason: {
        code: "NOT_STORABLE",
        field: "transaction",
        message: "transaction: the transaction store refused it as sent (ValidationException)",
      },
    });
  });

  it("answers what the marshaller cannot represent as a refusal, before any request is sent", async () => {
    let sent = 0;
    const client = {
      send: () => {
        sent += 1;
        return Promise.resolve({});
      },
    } as unknown as DynamoDBDocumentClient;
    const transaction = { ...canonicalTransaction(), metadata: { constructor: "x" } };
    const result = await saveReceivedTransaction(client, transaction, options);
    expect(result).to.have.property("stored", false);
    expect(sent).to.equal(0);
  });

  it("still throws when the store is unavailable, so the step is retried", async () => {
    const error = Object.assign(new Error("throttled"), { name: "ProvisionedThroughputExceededException" });
    let thrown: unknown;
    await saveReceivedTransaction(clientFailingWith(error), canonicalTransaction(), options).catch(
      (caught: unknown) => {
        thrown = caught;
      },
    );
    expect(thrown).to.have.property("name", "TransactionStoreError");
  });
});
