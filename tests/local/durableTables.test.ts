/**
 * dynalite on disk (`npm start -- --data-dir`): what a kill can leave between an item's write and
 * its index entries' writes is repaired at the next start. The kill is played on the LevelDB
 * files themselves, between two runs of the emulator: an index entry deleted whose replacement
 * and item were never written, and index entries written for an item write that never happened.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { Level } from "level";
import { fileStatusIndex, fileStatusTableDefinition } from "../../functions/shared/tableDefinitions";
import { localCredentials, localRegion } from "../../local/awsClients";
import { startDynalite, type DynaliteServer } from "../../local/dynalite";
import { createTable } from "../support/dynamoTable";

const table = "file-status-durable";
const indexPrefix = `index-global~${table}~${fileStatusIndex.name}~`;
const itemPrefix = `item-${table}~`;

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

describe("dynalite on disk: indexes after a kill", function () {
  this.timeout(30_000);
  let folder: string;
  let dynamo: DynaliteServer | undefined;
  let client: DynamoDBClient | undefined;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "durable-tables-"));
  });

  afterEach(async () => {
    client?.destroy();
    await dynamo?.stop();
    client = undefined;
    dynamo = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  async function start(): Promise<DynamoDBDocumentClient> {
    client?.destroy();
    await dynamo?.stop();
    dynamo = await startDynalite(0, folder);
    client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: localRegion,
      credentials: localCredentials,
    });
    return DynamoDBDocumentClient.from(client);
  }

  async function stop(): Promise<void> {
    client?.destroy();
    await dynamo?.stop();
    client = undefined;
    dynamo = undefined;
  }

  /** The emulator's LevelDB, opened while the emulator is stopped, for `change`. */
  async function onDisk(change: (db: Level<string, unknown>) => Promise<void>): Promise<void> {
    const db = new Level<string, unknown>(folder, { valueEncoding: "json" });
    await db.open();
    try {
      await change(db);
    } finally {
      await db.close();
    }
  }

  async function keysUnder(db: Level<string, unknown>, prefix: string): Promise<string[]> {
    return db.keys({ gte: prefix, lt: `${prefix}\uffff` }).all();
  }

  async function filesWithStatus(documents: DynamoDBDocumentClient, status: string): Promise<unknown[]> {
    const answer = await documents.send(
      new QueryCommand({
        TableName: table,
        IndexName: fileStatusIndex.name,
        KeyConditionExpression: "#status = :status",
        ExpressionAttributeNames: { "#status": fileStatusIndex.partitionKey },
        ExpressionAttributeValues: { ":status": status },
      }),
    );
    return (answer.Items ?? []).map((item) => item.fileId);
  }

  it("finds an item again whose index entry was deleted before the kill, the new one never written", async () => {
    // Prepare: a LOADING file, then its status-index entry gone, as a kill right after dynalite
    // deleted the old entry of an update leaves it.
    const first = await start();
    await createTable(client!, table, fileStatusTableDefinition);
    await first.send(
      new PutCommand({
        TableName: table,
        Item: { fileId: "file-1", status: "LOADING", updatedAt: "2025-11-15T00:00:00.000Z" },
      }),
    );
    await stop();
    await onDisk(async (db) => {
      const entries = await keysUnder(db, indexPrefix);
      expect(entries).to.have.length(1);
      await db.batch(entries.map((key) => ({ type: "del" as const, key })));
    });

    // Act
    const second = await start();

    // Assess
    expect(await filesWithStatus(second, "LOADING")).to.deep.equal(["file-1"]);
  });

  it("drops an index entry written for an item write the kill stopped, keeping the item's own", async () => {
    // Prepare: a LOADING file updated to LOADED, then the item put back as it was before the
    // update, as a kill after the index writes and before the item's write leaves it.
    const first = await start();
    await createTable(client!, table, fileStatusTableDefinition);
    await first.send(
      new PutCommand({
        TableName: table,
        Item: { fileId: "file-2", status: "LOADING", updatedAt: "2025-11-15T00:00:00.000Z" },
      }),
    );
    await stop();
    let before: [string, unknown][] = [];
    await onDisk(async (db) => {
      before = await db.iterator({ gte: itemPrefix, lt: `${itemPrefix}\uffff` }).all();
    });
    const second = await start();
    await second.send(
      new UpdateCommand({
        TableName: table,
        Key: { fileId: "file-2" },
        UpdateExpression: "SET #status = :loaded, #updatedAt = :now",
        ExpressionAttributeNames: { "#status": "status", "#updatedAt": "updatedAt" },
        ExpressionAttributeValues: { ":loaded": "LOADED", ":now": "2025-11-15T00:05:00.000Z" },
      }),
    );
    await stop();
    await onDisk(async (db) => {
      expect(before).to.have.length(1);
      await db.batch(before.map(([key, value]) => ({ type: "put" as const, key, value })));
    });

    // Act
    const third = await start();

    // Assess
    expect(await filesWithStatus(third, "LOADED")).to.deep.equal([]);
    expect(await filesWithStatus(third, "LOADING")).to.deep.equal(["file-2"]);
  });
});
