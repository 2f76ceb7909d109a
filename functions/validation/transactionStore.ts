/**
 * Writes a validated transaction once. The conditional put makes a repeated delivery (Express
 * state machines run at least once) or an item the intake already wrote a success, not a
 * duplicate and not an overwrite of a decision already recorded.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { TransactionStoreError } from "../shared/errors";
import type { CanonicalTransaction, TransactionStatus } from "../shared/stepContracts";
import { transactionsTableDefinition } from "../shared/tableDefinitions";
import { isConditionFailure } from "../shared/dynamoDbErrors";

export interface StoredTransactionItem extends CanonicalTransaction {
  readonly status: TransactionStatus;
  readonly receivedAt: string;
}

export interface SaveResult {
  /** False when the item was already there (retry, or written by the intake). */
  readonly created: boolean;
  /** The transaction as the pipeline should carry on with it (see occurredAt below). */
  readonly transaction: CanonicalTransaction;
}

export interface SaveOptions {
  readonly tableName: string;
  readonly receivedAt: Date;
  /**
   * occurredAt was defaulted to "now", so a retry would invent a different time: when the item
   * already exists, its stored occurredAt wins, and every run answers the same.
   */
  readonly occurredAtDefaulted: boolean;
}

async function storedOccurredAt(
  client: DynamoDBDocumentClient,
  tableName: string,
  transactionId: string,
): Promise<string | undefined> {
  try {
    const answer = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { [transactionsTableDefinition.partitionKey]: transactionId },
        ProjectionExpression: "occurredAt",
        ConsistentRead: true,
      }),
    );
    const occurredAt = answer.Item?.occurredAt;
    return typeof occurredAt === "string" ? occurredAt : undefined;
  } catch (error) {
    throw new TransactionStoreError("read of an existing transaction", { cause: error });
  }
}

export async function saveReceivedTransaction(
  client: DynamoDBDocumentClient,
  transaction: CanonicalTransaction,
  options: SaveOptions,
): Promise<SaveResult> {
  const item: StoredTransactionItem = {
    ...transaction,
    status: "RECEIVED",
    receivedAt: options.receivedAt.toISOString(),
  };
  try {
    await client.send(
      new PutCommand({
        TableName: options.tableName,
        Item: item,
        ConditionExpression: "attribute_not_exists(#key)",
        ExpressionAttributeNames: { "#key": transactionsTableDefinition.partitionKey },
      }),
    );
    return { created: true, transaction };
  } catch (error) {
    if (!isConditionFailure(error)) throw new TransactionStoreError("conditional put", { cause: error });
  }
  if (!options.occurredAtDefaulted) return { created: false, transaction };
  const occurredAt = await storedOccurredAt(client, options.tableName, transaction.transactionId);
  return { created: false, transaction: occurredAt ? { ...transaction, occurredAt } : transaction };
}
