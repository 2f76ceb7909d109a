/** A delete of an item of a KeyedTable (keyedTable.ts) under a condition. */
import { DeleteCommand, type DeleteCommandInput } from "@aws-sdk/lib-dynamodb";
import { conditionally, type KeyedTable } from "./keyedTable";

/** The condition a delete holds under. */
export type ConditionalDelete = Pick<
  DeleteCommandInput,
  "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
>;

/** The delete when its condition holds: true when made, false when the condition did not hold. */
export function deleteIf(
  table: KeyedTable,
  key: string,
  operation: string,
  condition: ConditionalDelete,
): Promise<boolean> {
  return conditionally(table, operation, () =>
    table.client.send(
      new DeleteCommand({ TableName: table.tableName, Key: { [table.keyName]: key }, ...condition }),
    ),
  );
}
