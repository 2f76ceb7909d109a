/**
 * Archived transactions must not be processed again. Once the archival job moved a decided
 * transaction to the audit archive and deleted its hot item, the conditional put that makes
 * validation idempotent has nothing to collide with, so a replay from the event archive, a
 * redrive or a provider retry after the dedupe window would decide it a second time. The
 * archived-transactions table remembers every archived key; the job writes there before it
 * deletes, so checking it after our own put leaves no gap.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { TransactionStoreError } from "../shared/errors";
import { keyedTable, readItem } from "../shared/keyedTable";
import { deleteIf } from "../shared/conditionalDelete";
import { archivedTransactionsTableDefinition, transactionsTableDefinition } from "../shared/tableDefinitions";

export async function isArchived(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: string,
): Promise<boolean> {
  const { partitionKey } = archivedTransactionsTableDefinition;
  const archived = keyedTable(client, tableName, partitionKey, TransactionStoreError);
  return (
    (await readItem(archived, key, "read of the archived-transactions table", [partitionKey])) !== undefined
  );
}

/** Removes the item this run just re-created for an archived transaction (only if still undecided). */
export async function removeRecreatedItem(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: string,
): Promise<void> {
  const transactions = keyedTable(
    client,
    tableName,
    transactionsTableDefinition.partitionKey,
    TransactionStoreError,
  );
  // A lost condition: the transaction was decided meanwhile, and stays.
  await deleteIf(transactions, key, "removal of a re-created archived transaction", {
    ConditionExpression: "#status = :received AND attribute_not_exists(#decision)",
    ExpressionAttributeNames: { "#status": "status", "#decision": "decision" },
    ExpressionAttributeValues: { ":received": "RECEIVED" },
  });
}
