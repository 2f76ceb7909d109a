/**
 * The intake records of CSV rows, in the table the webhook intake dedupes with and under the same
 * keys as the transactions table (`csv#<transaction_id>`): looked up in batches to skip rows
 * received before (a re-uploaded file), and written ACCEPTED in batches once their events are on
 * the bus. The record's `deliveryId` (`<fileId>:<line>`) is how the notifier finds a decided row's
 * file.
 */
import { createHash } from "node:crypto";
import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchGetCommandOutput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import type { CsvValidRow } from "../shared/csvTransactions";
import { csvDeliveryId } from "../shared/fileCompletion";
import type { IntakeRecord } from "../shared/intakeRecord";
import type { CanonicalTransaction } from "../shared/stepContracts";
import { intakeRecordsTableDefinition } from "../shared/tableDefinitions";
import { LoadStoreError } from "./errors";
import { awaitingDecision } from "../shared/awaitingDecision";
import { transactionReceivedDetail } from "../shared/transactionReceivedEvent";
import { mapWithConcurrency } from "../shared/concurrency";
import { sendInRounds, slices, type RetryPolicy } from "../shared/retry";

const keyName = intakeRecordsTableDefinition.partitionKey;

/** BatchGetItem's and BatchWriteItem's own limits. */
export const batchGetLimit = 100;
export const batchWriteLimit = 25;

/** What a lookup needs of an existing record. */
export interface ExistingIntakeRecord {
  readonly deliveryId?: string;
  readonly payloadHash?: string;
}

export interface IntakeTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly retry: RetryPolicy;
  /** Batch calls in flight at once. */
  readonly concurrency: number;
}

/** JSON with keys sorted at every level, so the hash does not depend on property order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * SHA-256 of the canonical transaction without where it came from (`metadata.csvFileId`,
 * `metadata.csvLine`) and without the rate-derived `amountUsdMinor`: the same row in a re-uploaded
 * file hashes the same, a changed amount or party does not.
 */
export function csvPayloadHash(transaction: CanonicalTransaction): string {
  const { amountUsdMinor: _derived, metadata, ...rest } = transaction;
  const { csvFileId: _file, csvLine: _line, ...ownMetadata } = metadata ?? {};
  const content = Object.keys(ownMetadata).length > 0 ? { ...rest, metadata: ownMetadata } : rest;
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}

export interface RecordContext {
  readonly fileId: string;
  readonly receivedAt: Date;
  readonly retentionHours: number;
  /** This invocation's id: which run wrote the record. */
  readonly attemptId: string;
}

/** The ACCEPTED record of a published row: what the webhook intake would have stored for it. */
export function csvIntakeRecord(row: CsvValidRow, context: RecordContext): IntakeRecord {
  const nowMs = context.receivedAt.getTime();
  return {
    transactionId: row.key,
    state: "ACCEPTED",
    source: "csv",
    provider: "csv",
    deliveryId: csvDeliveryId(context.fileId, row.line),
    payloadHash: csvPayloadHash(row.transaction),
    receivedAt: context.receivedAt.toISOString(),
    // Never PENDING, so no claim to lease.
    leaseUntil: 0,
    attemptId: context.attemptId,
    expiresAt: Math.ceil(nowMs / 1000) + context.retentionHours * 3600,
    response: { statusCode: 202, body: JSON.stringify({ transaction_id: row.key, status: "RECEIVED" }) },
    ...awaitingDecision(
      transactionReceivedDetail(row.key, row.transaction),
      context.receivedAt.toISOString(),
    ),
  };
}

type KeyMap = Record<string, unknown>;

async function batchGet(table: IntakeTable, keys: readonly string[]): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await sendInRounds<KeyMap>(
    keys.map((key) => ({ [keyName]: key })),
    {
      policy: table.retry,
      send: async (pending) => {
        let answer: BatchGetCommandOutput;
        try {
          answer = await table.client.send(
            new BatchGetCommand({
              RequestItems: {
                [table.tableName]: {
                  Keys: [...pending],
                  // Consistent, so a record written by an earlier run a moment ago is seen.
                  ConsistentRead: true,
                  ProjectionExpression: "#key, #deliveryId, #payloadHash",
                  ExpressionAttributeNames: {
                    "#key": keyName,
                    "#deliveryId": "deliveryId",
                    "#payloadHash": "payloadHash",
                  },
                },
              },
            }),
          );
        } catch (error) {
          throw new LoadStoreError("intake-record lookup", { cause: error });
        }
        found.push(...(answer.Responses?.[table.tableName] ?? []));
        return answer.UnprocessedKeys?.[table.tableName]?.Keys ?? [];
      },
      giveUp: (left, attempts) =>
        new LoadStoreError("intake-record lookup", {
          cause: new Error(`${left.length} keys left unprocessed after ${attempts} attempts`),
        }),
    },
  );
  return found;
}

/** The existing intake records among `keys`, by key; BatchGetItem of at most 100 keys per call. */
export async function findIntakeRecords(
  table: IntakeTable,
  keys: readonly string[],
): Promise<Map<string, ExistingIntakeRecord>> {
  const pages = await mapWithConcurrency(slices(keys, batchGetLimit), table.concurrency, (batch) =>
    batchGet(table, batch),
  );
  const records = new Map<string, ExistingIntakeRecord>();
  for (const item of pages.flat()) {
    const key = item[keyName];
    if (typeof key !== "string") continue;
    records.set(key, {
      ...(typeof item.deliveryId === "string" ? { deliveryId: item.deliveryId } : {}),
      ...(typeof item.payloadHash === "string" ? { payloadHash: item.payloadHash } : {}),
    });
  }
  return records;
}

async function batchWrite(table: IntakeTable, records: readonly IntakeRecord[]): Promise<void> {
  type WriteRequest = NonNullable<BatchWriteCommandOutput["UnprocessedItems"]>[string][number];
  await sendInRounds<WriteRequest>(
    records.map((record) => ({ PutRequest: { Item: { ...record } } })),
    {
      policy: table.retry,
      send: async (pending) => {
        let answer: BatchWriteCommandOutput;
        try {
          answer = await table.client.send(
            new BatchWriteCommand({ RequestItems: { [table.tableName]: [...pending] } }),
          );
        } catch (error) {
          throw new LoadStoreError("intake-record write", { cause: error });
        }
        return answer.UnprocessedItems?.[table.tableName] ?? [];
      },
      giveUp: (left, attempts) =>
        new LoadStoreError("intake-record write", {
          cause: new Error(`${left.length} items left unprocessed after ${attempts} attempts`),
        }),
    },
  );
}

/**
 * Writes the records, BatchWriteItem of at most 25 per call. A plain put: only a load of this key
 * writes `csv#` records, and it looked the key up first; a second writer of the same key (two files
 * with the same transaction loading at the same moment) leaves one of the two records.
 */
export async function writeIntakeRecords(
  table: IntakeTable,
  records: readonly IntakeRecord[],
): Promise<void> {
  await mapWithConcurrency(slices(records, batchWriteLimit), table.concurrency, (batch) =>
    batchWrite(table, batch),
  );
}
