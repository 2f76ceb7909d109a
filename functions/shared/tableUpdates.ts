/** Updates of an item of a KeyedTable (keyedTable.ts), unconditional or under a condition. */
import { UpdateCommand, type UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import { conditionally, storeFailure, type KeyedTable } from "./keyedTable";

/** What an update changes, and the condition it holds under. */
export type ConditionalUpdate = Pick<
  UpdateCommandInput,
  "UpdateExpression" | "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
>;

/** An update that holds whatever the item's state (any failure is the store's error). */
export async function updateItem(
  table: KeyedTable,
  key: string,
  operation: string,
  update: Omit<ConditionalUpdate, "ConditionExpression">,
): Promise<void> {
  try {
    await table.client.send(
      new UpdateCommand({ TableName: table.tableName, Key: { [table.keyName]: key }, ...update }),
    );
  } catch (error) {
    throw storeFailure(table, operation, error);
  }
}

/** The update when its condition holds: true when made, false when the condition did not hold. */
export function updateIf(
  table: KeyedTable,
  key: string,
  operation: string,
  update: ConditionalUpdate,
): Promise<boolean> {
  return conditionally(table, operation, () =>
    table.client.send(
      new UpdateCommand({ TableName: table.tableName, Key: { [table.keyName]: key }, ...update }),
    ),
  );
}
