/**
 * Archived transactions must not be processed again. Once the archival job moved a decided
 * transaction to the audit archive and deleted its hot item, the conditional put that makes
 * validation idempotent has nothing to collide with, so a replay from the event archive, a
 * redrive or a provider retry after the dedupe window would decide it a second time. The
 * archived-transactions table remembers every archived key; the job writes there before it
 * deletes, so checking it after our own put leaves no gap.
 */
import { DeleteCommand, GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "../shared/dynamoDbErrors";
import { TransactionStoreError } from "../shared/errors";
import { archivedTransactionsTableDefinition, transactionsTableDefinition } from "../shared/tableDefinitions";

export async function isArchived(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: string,
): Promise<boolean> {
  try {
    const answer = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { [archivedTransactionsTableDefinition.partitionKey]: key },
        ProjectionExpression: "#key",
        ExpressionAttributeNames: { "#key": archivedTransactionsTableDefinition.partitionKey },
        ConsistentRead: true,
      }),
    );
    return answer.Item !== undefined;
  } catch (error) {
    throw new TransactionStoreError("read of the archived-transactions table", { cause: error });
  }
}

/** Removes the item this run just re-created for an archived transaction (only if still undecided). */
export async function removeRecreatedItem(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: string,
): Promise<void> {
  try {
    await client.send(
      new DeleteCommand({
        TableName: tableName,
        Key: { [transactionsTableDefinition.partitionKey]: key },
        ConditionExpression: "#status = :received AND attribute_not_exists(#decision)",
        ExpressionAttributeNames: { "#status": "status", "#decision": "decision" },
        ExpressionAttributeValues: { ":received": "RECEIVED" },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return;
    throw new TransactionStoreError("removal of a re-created archived transaction", { cause: error });
  }
}
