/**
 * Local DynamoDB for tests: a dynalite server on a free loopback port, and tables created from the
 * same definitions the DataStores component deploys (through local/tableSpecs.ts), so the tests
 * query exactly the deployed keys and indexes.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import type { TableDefinition } from "../../functions/shared/tableDefinitions";
import { localCredentials, localRegion } from "../../local/awsClients";
import { createTableInput } from "../../local/tableSpecs";

type DynaliteFactory = (options: {
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}) => Server;

// dynalite ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require("dynalite") as DynaliteFactory;

export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

/** An in-memory dynalite on 127.0.0.1 and an SDK client pointed at it. */
export async function startLocalDynamoDb(): Promise<LocalDynamoDb> {
  // Tests run on Node 20; the SDK's "Node 22 from 2027" notice is noise here, not news.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials });
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Creates `tableName` from `definition` and waits until it is ACTIVE; an existing table is reused. */
export async function createTable(
  client: DynamoDBClient,
  tableName: string,
  definition: TableDefinition,
): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName, definition)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists(
    { client, maxWaitTime: 10, minDelay: 0.1, maxDelay: 0.5 },
    { TableName: tableName },
  );
}
