/** Put-if-absent on a KeyedTable (keyedTable.ts). */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { unmarshall, type NativeAttributeValue } from "@aws-sdk/util-dynamodb";
import { isConditionFailure } from "./dynamoDbErrors";
import { storeFailure, type KeyedTable } from "./keyedTable";

/** What a put-if-absent found: the key free (and now written), or taken. */
export type PutIfAbsent =
  | { readonly created: true }
  | {
      readonly created: false;
      /** The item holding the key, when DynamoDB answered it (`returnExisting`; dynalite never does). */
      readonly existing?: Record<string, unknown>;
      /** DynamoDB's answer that the key was taken, for a caller to whom that is a fault. */
      readonly conditionFailure: unknown;
    };

/** Puts `item` unless its key is taken. */
export async function putIfAbsent(
  table: KeyedTable,
  item: Record<string, NativeAttributeValue>,
  operation: string,
  options: { readonly returnExisting?: boolean } = {},
): Promise<PutIfAbsent> {
  try {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: item,
        ConditionExpression: "attribute_not_exists(#key)",
        ExpressionAttributeNames: { "#key": table.keyName },
        ...(options.returnExisting ? { ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const } : {}),
      }),
    );
    return { created: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw storeFailure(table, operation, error);
    const existing = (error as { Item?: Record<string, AttributeValue> }).Item;
    return {
      created: false,
      ...(existing ? { existing: unmarshall(existing) } : {}),
      conditionFailure: error,
    };
  }
}
