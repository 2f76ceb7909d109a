/**
 * A customer's recent transactions, read from the `byCustomerOccurredAt` index (customerId +
 * occurredAt, projecting amounts and status). Always a key-condition Query, never a Scan: the cost
 * is one customer's window, not the table.
 */
import { QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { TransactionStoreError } from "./errors";
import { customerActivityIndex, transactionsTableDefinition } from "./tableDefinitions";
import type { TransactionStatus } from "./stepContracts";

export interface CustomerActivityItem {
  readonly transactionId: string;
  readonly occurredAt: string;
  readonly amountMinor?: number;
  readonly currency?: string;
  readonly amountUsdMinor?: number;
  readonly status?: TransactionStatus | string;
}

export interface CustomerActivityQuery {
  readonly tableName: string;
  readonly customerId: string;
  /** Window start, inclusive, canonical UTC ISO text. */
  readonly from: string;
  /** Window end, inclusive, canonical UTC ISO text. */
  readonly to: string;
  /** The transaction being screened, left out of its own history. */
  readonly excludeTransactionId?: string;
  /** Safety cap on items read; the newest are kept. */
  readonly maxItems?: number;
  /** Items per Query page (DynamoDB's `Limit`); unset lets DynamoDB fill 1 MB pages. */
  readonly pageSize?: number;
}

export interface CustomerActivity {
  /** Oldest first, ties by transaction id, so the order never depends on the read. */
  readonly items: readonly CustomerActivityItem[];
  /** True when maxItems stopped the read before the window was exhausted. */
  readonly truncated: boolean;
}

export const defaultMaxActivityItems = 10_000;

function safeInteger(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) ? value : undefined;
}

/** Items other writers may have left incomplete keep what they have; keys are always there. */
function toActivityItem(item: Record<string, unknown>): CustomerActivityItem | undefined {
  const transactionId = item[transactionsTableDefinition.partitionKey];
  const occurredAt = item[customerActivityIndex.sortKey];
  if (typeof transactionId !== "string" || typeof occurredAt !== "string") return undefined;
  const amountMinor = safeInteger(item.amountMinor);
  const amountUsdMinor = safeInteger(item.amountUsdMinor);
  return {
    transactionId,
    occurredAt,
    ...(amountMinor === undefined ? {} : { amountMinor }),
    ...(typeof item.currency === "string" ? { currency: item.currency } : {}),
    ...(amountUsdMinor === undefined ? {} : { amountUsdMinor }),
    ...(typeof item.status === "string" ? { status: item.status } : {}),
  };
}

function chronologically(a: CustomerActivityItem, b: CustomerActivityItem): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt < b.occurredAt ? -1 : 1;
  return a.transactionId < b.transactionId ? -1 : a.transactionId > b.transactionId ? 1 : 0;
}

export async function findCustomerActivity(
  client: DynamoDBDocumentClient,
  query: CustomerActivityQuery,
): Promise<CustomerActivity> {
  const maxItems = query.maxItems ?? defaultMaxActivityItems;
  const items: CustomerActivityItem[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new QueryCommand({
          TableName: query.tableName,
          IndexName: customerActivityIndex.name,
          KeyConditionExpression: "#customer = :customerId AND #occurredAt BETWEEN :from AND :to",
          ExpressionAttributeNames: {
            "#customer": customerActivityIndex.partitionKey,
            "#occurredAt": customerActivityIndex.sortKey,
          },
          ExpressionAttributeValues: {
            ":customerId": query.customerId,
            ":from": query.from,
            ":to": query.to,
          },
          // Newest first, so a capped read keeps the recent items every signal needs most.
          ScanIndexForward: false,
          ExclusiveStartKey: exclusiveStartKey,
          Limit: query.pageSize,
        }),
      );
    } catch (error) {
      throw new TransactionStoreError("query of customer activity", { cause: error });
    }
    for (const raw of page.Items ?? []) {
      const item = toActivityItem(raw);
      if (item && item.transactionId !== query.excludeTransactionId) items.push(item);
      if (items.length >= maxItems) return { items: items.sort(chronologically), truncated: true };
    }
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return { items: items.sort(chronologically), truncated: false };
}

/**
 * The items at or after `since` that sort before the transaction `before`: earlier instants, and
 * at the same instant (CSV rows often share one) smaller transaction ids. That total order lets
 * same-second bursts see each other while a re-screen of the same transaction still sees the
 * same history.
 */
export function activityBetween(
  items: readonly CustomerActivityItem[],
  since: Date,
  before: { readonly occurredAt: string; readonly transactionId: string },
): CustomerActivityItem[] {
  const beforeInstant = Date.parse(before.occurredAt);
  return items.filter((item) => {
    const instant = Date.parse(item.occurredAt);
    if (!Number.isFinite(instant) || instant < since.getTime()) return false;
    return (
      instant < beforeInstant || (instant === beforeInstant && item.transactionId < before.transactionId)
    );
  });
}
