/**
 * Writes a validated transaction once. The conditional put makes a repeated delivery (Express
 * state machines run at least once) or an item the intake already wrote a success, not a
 * duplicate and not an overwrite of a decision already recorded. A write refused because of the
 * transaction's content is answered as a refusal with a reason, not thrown: retrying it would only
 * carry it to the dead-letter queue.
 */
import { PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { TransactionStoreError } from "../shared/errors";
import { marshall } from "@aws-sdk/util-dynamodb";
import { documentMarshallOptions } from "../shared/dynamoDb";
import { ValidationReasonCode } from "../shared/reasonCodes";
import type { CanonicalTransaction, Reason, TransactionStatus } from "../shared/stepContracts";
import { transactionsTableDefinition } from "../shared/tableDefinitions";
import { isConditionFailure } from "../shared/dynamoDbErrors";
import { keyedTable, readItem } from "../shared/keyedTable";

export interface StoredTransactionItem extends CanonicalTransaction {
  readonly status: TransactionStatus;
  readonly receivedAt: string;
}

export type SaveResult =
  | {
      readonly stored: true;
      /** False when the item was already there (retry, or written by the intake). */
      readonly created: boolean;
      /** The transaction as the pipeline should carry on with it (see occurredAt below). */
      readonly transaction: CanonicalTransaction;
    }
  | {
      /** The store cannot hold the transaction as sent: a retry would fail the same way. */
      readonly stored: false;
      readonly reason: Reason;
    };

/** Refused because of the item's content; retrying the same item can only fail again. */
const contentRefusals = new Set(["ValidationException", "ItemCollectionSizeLimitExceededException"]);

function refusal(cause: string): SaveResult {
  return {
    stored: false,
    reason: {
      code: ValidationReasonCode.notStorable,
      field: "transaction",
      message: `transaction: the transaction store refused it as sent (${cause})`,
    },
  };
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
  const transactions = keyedTable(
    client,
    tableName,
    transactionsTableDefinition.partitionKey,
    TransactionStoreError,
  );
  const stored = await readItem(transactions, transactionId, "read of an existing transaction", [
    "occurredAt",
  ]);
  return typeof stored?.occurredAt === "string" ? stored.occurredAt : undefined;
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
    // The document client would throw the same error while sending; judged here, it is about the
    // content and never reaches the retry path.
    marshall(item, documentMarshallOptions);
  } catch {
    return refusal("not representable as a DynamoDB item");
  }
  try {
    await client.send(
      new PutCommand({
        TableName: options.tableName,
        Item: item,
        ConditionExpression: "attribute_not_exists(#key)",
        ExpressionAttributeNames: { "#key": transactionsTableDefinition.partitionKey },
      }),
    );
    return { stored: true, created: true, transaction };
  } catch (error) {
    if (error instanceof Error && contentRefusals.has(error.name)) return refusal(error.name);
    if (!isConditionFailure(error)) throw new TransactionStoreError("conditional put", { cause: error });
  }
  if (!options.occurredAtDefaulted) return { stored: true, created: false, transaction };
  const occurredAt = await storedOccurredAt(client, options.tableName, transaction.transactionId);
  return {
    stored: true,
    created: false,
    transaction: occurredAt ? { ...transaction, occurredAt } : transaction,
  };
}
