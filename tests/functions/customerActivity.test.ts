/**
 * customerActivity against dynalite with the deployed key schema: a real GSI query, paginated,
 * and never a Scan.
 */
import { expect } from "chai";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { findCustomerActivity } from "../../functions/shared/customerActivity";
import { transactionsTableDefinition } from "../../functions/shared/tableDefinitions";
import { createTable, startLocalDynamoDb, type LocalDynamoDb } from "../support/dynamoTable";

const tableName = "customer-activity-test";

describe("customer activity from the byCustomerOccurredAt index", () => {
  let dynamoDb: LocalDynamoDb;
  let client: DynamoDBDocumentClient;
  const commands: string[] = [];

  async function put(item: Record<string, unknown>): Promise<void> {
    await client.send(new PutCommand({ TableName: tableName, Item: item }));
  }

  before(async () => {
    dynamoDb = await startLocalDynamoDb();
    await createTable(dynamoDb.client, tableName, transactionsTableDefinition);
    client = DynamoDBDocumentClient.from(dynamoDb.client);
    const base = { currency: "USD", status: "APPROVED", merchantId: "m" };
    for (let minute = 0; minute < 7; minute += 1) {
      const occurredAt = `2025-11-14T10:0${minute}:00.000Z`;
      await put({
        ...base,
        transactionId: `acme#a-${minute}`,
        customerId: "alice",
        occurredAt,
        amountMinor: 100 * (minute + 1),
        amountUsdMinor: 100 * (minute + 1),
      });
    }
    await put({
      ...base,
      transactionId: "acme#b-1",
      customerId: "bob",
      occurredAt: "2025-11-14T10:03:00.000Z",
      amountMinor: 1,
      amountUsdMinor: 1,
    });
    // Written by another writer without amounts: keys are enough to count as activity.
    await put({ transactionId: "acme#a-bare", customerId: "alice", occurredAt: "2025-11-14T09:59:00.000Z" });
    // Only now start recording, so the seeding above is not counted.
    dynamoDb.client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: "initialize", name: "recordCommands" },
    );
  });

  after(async () => {
    await dynamoDb?.stop();
  });

  it("reads one customer's window across pages, oldest first, leaving out the screened transaction", async () => {
    // Act
    const activity = await findCustomerActivity(client, {
      tableName,
      customerId: "alice",
      from: "2025-11-14T10:01:00.000Z",
      to: "2025-11-14T10:05:00.000Z",
      excludeTransactionId: "acme#a-5",
      pageSize: 2,
    });
    // Assess
    expect(activity.truncated).to.equal(false);
    expect(activity.items.map((item) => item.transactionId)).to.deep.equal([
      "acme#a-1",
      "acme#a-2",
      "acme#a-3",
      "acme#a-4",
    ]);
    expect(activity.items[0]).to.deep.equal({
      transactionId: "acme#a-1",
      occurredAt: "2025-11-14T10:01:00.000Z",
      amountMinor: 200,
      currency: "USD",
      amountUsdMinor: 200,
      status: "APPROVED",
    });
    expect(new Set(commands)).to.deep.equal(new Set(["QueryCommand"]));
  });

  it("keeps items without amounts, with the fields they have", async () => {
    const activity = await findCustomerActivity(client, {
      tableName,
      customerId: "alice",
      from: "2025-11-14T09:00:00.000Z",
      to: "2025-11-14T10:00:00.000Z",
    });
    expect(activity.items).to.deep.equal([
      { transactionId: "acme#a-bare", occurredAt: "2025-11-14T09:59:00.000Z" },
      {
        transactionId: "acme#a-0",
        occurredAt: "2025-11-14T10:00:00.000Z",
        amountMinor: 100,
        currency: "USD",
        amountUsdMinor: 100,
        status: "APPROVED",
      },
    ]);
  });

  it("caps the read at maxItems, keeping the newest, and says so", async () => {
    // Act
    const activity = await findCustomerActivity(client, {
      tableName,
      customerId: "alice",
      from: "2025-11-14T00:00:00.000Z",
      to: "2025-11-14T23:59:59.999Z",
      maxItems: 3,
      pageSize: 2,
    });
    // Assess
    expect(activity.truncated).to.equal(true);
    expect(activity.items.map((item) => item.transactionId)).to.deep.equal([
      "acme#a-4",
      "acme#a-5",
      "acme#a-6",
    ]);
  });

  it("wraps a failed query in TransactionStoreError, keeping the cause", async () => {
    // Act
    const failure = await findCustomerActivity(client, {
      tableName: "no-such-table",
      customerId: "alice",
      from: "2025-11-14T00:00:00.000Z",
      to: "2025-11-14T23:59:59.999Z",
    }).catch((error: unknown) => error);
    // Assess
    expect(failure).to.have.property("name", "TransactionStoreError");
    expect(failure).to.have.nested.property("cause.name", "ResourceNotFoundException");
  });
});
