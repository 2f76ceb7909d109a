/**
 * The DynamoDB side of the job: decided keys of a day from the byDecidedDay index (never a Scan),
 * the full items read consistently from the table, the archived-transaction records, and the
 * conditional deletes.
 */
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { ArchivedTransactionRecord } from "../shared/archiveLayout";
import { decidedDayIndex, transactionsTableDefinition } from "../shared/tableDefinitions";
import { mapWithConcurrency } from "../shared/concurrency";
import { defaultRetryPolicy, sendInRounds } from "../shared/retry";
import { ArchivalStoreError } from "./errors";
import type { StoredItem } from "./itemCodec";
import { unchangedCondition } from "./unchangedCondition";
import { isConditionFailure } from "../shared/dynamoDbErrors";

const partitionKey = transactionsTableDefinition.partitionKey;

/** BatchGetItem's own limit. */
const batchGetLimit = 100;
/** Concurrent BatchGetItem calls per chunk (each up to 100 items). */
const batchGetConcurrency = 4;
const unprocessedRetry = defaultRetryPolicy;

export type IndexKey = Record<string, AttributeValue>;

export interface DecidedKeys {
  /** Transaction ids in index order (oldest decision first). */
  readonly transactionIds: readonly string[];
  /** Where the next chunk starts; undefined when the day has no more eligible keys. */
  readonly next: IndexKey | undefined;
}

export interface TransactionTables {
  readonly client: DynamoDBClient;
  readonly transactionsTable: string;
  readonly archivedTransactionsTable: string;
}

/** The item's transaction id; an item without one cannot have come from the table. */
export function transactionIdOf(item: StoredItem): string {
  const id = item[partitionKey]?.S;
  if (id === undefined) throw new TypeError(`item without a string ${partitionKey}`);
  return id;
}

function stringAttribute(item: Record<string, AttributeValue>, name: string): string | undefined {
  return item[name]?.S;
}

/**
 * Up to `limit` keys of `day` decided before `cutoffIso`, after `startKey`, paging through
 * LastEvaluatedKey when a page stops short (1 MB) of the limit.
 */
export async function queryDecidedKeys(
  tables: TransactionTables,
  day: string,
  cutoffIso: string,
  limit: number,
  startKey: IndexKey | undefined,
): Promise<DecidedKeys> {
  const transactionIds: string[] = [];
  let exclusiveStartKey = startKey;
  do {
    let page;
    try {
      page = await tables.client.send(
        new QueryCommand({
          TableName: tables.transactionsTable,
          IndexName: decidedDayIndex.name,
          // archiveSortKey is `<decidedAt ISO>#<key>`: below the cutoff instant means decided before it.
          KeyConditionExpression: "#day = :day AND #sortKey < :cutoff",
          ExpressionAttributeNames: {
            "#day": decidedDayIndex.partitionKey,
            "#sortKey": decidedDayIndex.sortKey,
          },
          ExpressionAttributeValues: { ":day": { S: day }, ":cutoff": { S: cutoffIso } },
          ScanIndexForward: true,
          Limit: limit - transactionIds.length,
          ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
        }),
      );
    } catch (error) {
      throw new ArchivalStoreError(`query of ${decidedDayIndex.name} for ${day}`, { cause: error });
    }
    for (const key of page.Items ?? []) {
      const id = stringAttribute(key, partitionKey);
      if (id !== undefined) transactionIds.push(id);
    }
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined && transactionIds.length < limit);
  return { transactionIds, next: exclusiveStartKey };
}

async function batchGet(tables: TransactionTables, ids: readonly string[]): Promise<StoredItem[]> {
  const found: StoredItem[] = [];
  await sendInRounds<Record<string, AttributeValue>>(
    ids.map((id) => ({ [partitionKey]: { S: id } })),
    {
      policy: unprocessedRetry,
      send: async (keys) => {
        let answer;
        try {
          answer = await tables.client.send(
            new BatchGetItemCommand({
              RequestItems: { [tables.transactionsTable]: { Keys: [...keys], ConsistentRead: true } },
            }),
          );
        } catch (error) {
          throw new ArchivalStoreError("batch read", { cause: error });
        }
        found.push(...(answer.Responses?.[tables.transactionsTable] ?? []));
        return answer.UnprocessedKeys?.[tables.transactionsTable]?.Keys ?? [];
      },
      giveUp: (left) =>
        new ArchivalStoreError("batch read (keys left unprocessed after retries)", {
          cause: new Error(`${left.length} keys unprocessed`),
        }),
    },
  );
  return found;
}

/**
 * The current items of `ids`, read strongly consistent, keyed by transaction id. An id whose item
 * no longer exists is absent from the map.
 */
export async function readItems(
  tables: TransactionTables,
  ids: readonly string[],
): Promise<Map<string, StoredItem>> {
  const batches: string[][] = [];
  for (let start = 0; start < ids.length; start += batchGetLimit) {
    batches.push(ids.slice(start, start + batchGetLimit));
  }
  const results = await mapWithConcurrency(batches, batchGetConcurrency, (batch) => batchGet(tables, batch));
  const items = new Map<string, StoredItem>();
  for (const item of results.flat()) {
    const id = stringAttribute(item, partitionKey);
    if (id !== undefined) items.set(id, item);
  }
  return items;
}

/** Records where a transaction went; a re-run simply replaces the same record. */
export async function putArchivedRecord(
  tables: TransactionTables,
  record: ArchivedTransactionRecord,
): Promise<void> {
  try {
    await tables.client.send(
      new PutItemCommand({ TableName: tables.archivedTransactionsTable, Item: marshall(record) }),
    );
  } catch (error) {
    throw new ArchivalStoreError("archived-transaction record write", { cause: error });
  }
}

/** deleted: gone now; changed: still there, different from `item`; missing: someone else removed it. */
export type DeleteOutcome = "deleted" | "changed" | "missing";

/** Deletes the item only if it is still exactly `item`; a changed item is kept. */
export async function deleteIfUnchanged(tables: TransactionTables, item: StoredItem): Promise<DeleteOutcome> {
  const id = transactionIdOf(item);
  try {
    await tables.client.send(
      new DeleteItemCommand({
        TableName: tables.transactionsTable,
        Key: { [partitionKey]: { S: id } },
        ...unchangedCondition(item),
      }),
    );
    return "deleted";
  } catch (error) {
    if (!isConditionFailure(error)) throw new ArchivalStoreError("conditional delete", { cause: error });
  }
  // The failed condition does not say why (and dynalite never returns the item): look, with the
  // same consistent BatchGetItem the job reads with (the role has no GetItem).
  const current = await batchGet(tables, [id]);
  return current.length > 0 ? "changed" : "missing";
}
