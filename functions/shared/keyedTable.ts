/**
 * One table as a function's store reads and writes it: items by partition key, read consistently,
 * and conditional writes whose lost condition is an answer (false: the item changed, or another
 * invocation got there first), not a fault. Any other failure becomes the store's own error,
 * named after the operation, with the AWS error kept as its cause. Plain functions, each command's
 * in its own module (conditionalPut.ts, tableUpdates.ts, conditionalDelete.ts), so a function's
 * bundle, and the declared calls checked against it, hold only the commands it sends.
 */
import { GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./dynamoDbErrors";

/** A store's error class: `new XStoreError("checkpoint update", { cause })`. */
export type StoreErrorClass = new (operation: string, options: { cause: unknown }) => Error;

/** A table by its partition key, and the error its store's failures become. */
export interface KeyedTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly keyName: string;
  /** Unset: other failures are thrown as the SDK threw them. */
  readonly StoreError?: StoreErrorClass;
}

export function keyedTable(
  client: DynamoDBDocumentClient,
  tableName: string,
  keyName: string,
  StoreError?: StoreErrorClass,
): KeyedTable {
  return { client, tableName, keyName, ...(StoreError ? { StoreError } : {}) };
}

export function storeFailure(table: KeyedTable, operation: string, error: unknown): unknown {
  return table.StoreError ? new table.StoreError(operation, { cause: error }) : error;
}

/** The item (only `attributes` of it, when named), read consistently; undefined when absent. */
export async function readItem(
  table: KeyedTable,
  key: string,
  operation: string,
  attributes?: readonly string[],
): Promise<Record<string, unknown> | undefined> {
  const projection = attributes && {
    ProjectionExpression: attributes.map((name) => `#${name}`).join(", "),
    ExpressionAttributeNames: Object.fromEntries(attributes.map((name) => [`#${name}`, name])),
  };
  try {
    const answer = await table.client.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { [table.keyName]: key },
        ConsistentRead: true,
        ...projection,
      }),
    );
    return answer.Item;
  } catch (error) {
    throw storeFailure(table, operation, error);
  }
}

/** Sends `write`: true when made, false when its condition did not hold. */
export async function conditionally(
  table: KeyedTable,
  operation: string,
  write: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw storeFailure(table, operation, error);
  }
}
