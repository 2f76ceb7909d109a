/**
 * Local DynamoDB for tests: a dynalite server on a free loopback port, and tables created from the
 * same definitions the DataStores component deploys (through local/tableSpecs.ts), so the tests
 * query exactly the deployed keys and indexes.
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import type { TableDefinition } from "../../functions/shared/tableDefinitions";
import { localCredentials, localRegion } from "../../local/awsClients";
import { startDynalite } from "../../local/dynalite";
import { createTableInput } from "../../local/tableSpecs";

export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

/** An in-memory dynalite on 127.0.0.1 and an SDK client pointed at it. */
export async function startLocalDynamoDb(): Promise<LocalDynamoDb> {
  // Tests run on Node 20; the SDK's "Node 22 from 2027" notice is noise here, not news.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const dynalite = await startDynalite();
  const endpoint = dynalite.endpoint;
  const client = new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials });
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      await dynalite.stop();
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
