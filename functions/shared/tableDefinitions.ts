/**
 * Key schemas of the pipeline's tables. The DataStores component deploys them and the local
 * runtime and tests create them from these same objects, so the two can never drift apart.
 */
import type { ArchivedTransactionRecord } from "./archiveLayout";

export type KeyAttributeType = "S" | "N";

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Attributes copied into the index besides the keys (projection INCLUDE). */
  readonly nonKeyAttributes: readonly string[];
}

export interface TableDefinition {
  readonly partitionKey: string;
  readonly attributes: Readonly<Record<string, KeyAttributeType>>;
  readonly indexes: readonly IndexDefinition[];
  /** Attribute holding the epoch-seconds expiry by which DynamoDB's TTL deletes items. */
  readonly ttlAttribute: string;
}

/** Index the fraud and compliance steps query for a customer's recent transactions. */
export const customerActivityIndex: IndexDefinition = {
  name: "byCustomerOccurredAt",
  partitionKey: "customerId",
  sortKey: "occurredAt",
  nonKeyAttributes: ["amountMinor", "currency", "amountUsdMinor", "status"],
};

/**
 * Index the archival job pages through, one partition per day a decision was recorded
 * (`decidedDay`, YYYY-MM-DD UTC), oldest first by `archiveSortKey` (`<decidedAt>#<key>`, unique,
 * so pages are deterministic). Keys only: the job reads each item itself before archiving it.
 * Items without a decision are not in it, so an undecided transaction is never archived.
 */
export const decidedDayIndex: IndexDefinition = {
  name: "byDecidedDay",
  partitionKey: "decidedDay",
  sortKey: "archiveSortKey",
  nonKeyAttributes: [],
};

/**
 * One item per transaction, keyed by the namespaced transaction id alone
 * (`<provider>#<id>`), so a conditional put on the key makes intake idempotent.
 */
export const transactionsTableDefinition: TableDefinition = {
  partitionKey: "transactionId",
  attributes: { transactionId: "S", customerId: "S", occurredAt: "S", decidedDay: "S", archiveSortKey: "S" },
  indexes: [customerActivityIndex, decidedDayIndex],
  ttlAttribute: "expiresAt",
};

/**
 * Index of intake records still awaiting a decision (sparse: only records carrying
 * `awaitingShard`), ordered by `awaitingSince` within each shard: when the record was accepted,
 * moved to the last re-drive by each re-drive, so a query up to "now minus the threshold" finds
 * exactly the records due. The reconciler queries it for transactions accepted but undecided for
 * too long (functions/shared/awaitingDecision.ts).
 */
export const awaitingDecisionIndex: IndexDefinition = {
  name: "byAwaitingDecision",
  partitionKey: "awaitingShard",
  sortKey: "awaitingSince",
  nonKeyAttributes: [],
};

/**
 * One item per accepted delivery, keyed like the transactions table (`<provider>#<id>`): the
 * payload hash, the delivery id and the answer given, kept for the dedupe window (TTL on
 * `expiresAt`). Separate from the transactions table so archiving transactions never forgets a
 * delivery a provider may still retry.
 */
export const intakeRecordsTableDefinition: TableDefinition = {
  partitionKey: "transactionId",
  attributes: { transactionId: "S", awaitingShard: "S", awaitingSince: "S" },
  indexes: [awaitingDecisionIndex],
  ttlAttribute: "expiresAt",
};

/**
 * Where each archived transaction went, kept after its hot item is deleted so
 * `GET /transactions/{id}` can answer ARCHIVED with the partition instead of 404.
 */
export const archivedTransactionsTableDefinition: TableDefinition = {
  partitionKey: "transactionId",
  attributes: { transactionId: "S" },
  indexes: [],
  ttlAttribute: "expiresAt" satisfies keyof ArchivedTransactionRecord,
};

/** Index of the processing-status table by status and time ("which files are still loading?"). */
export const fileStatusIndex: IndexDefinition = {
  name: "byStatusUpdatedAt",
  partitionKey: "status",
  sortKey: "updatedAt",
  nonKeyAttributes: [],
};

/** One item per uploaded CSV file: its status, counts, first row errors and load progress. */
export const fileStatusTableDefinition: TableDefinition = {
  partitionKey: "fileId",
  attributes: { fileId: "S", status: "S", updatedAt: "S" },
  indexes: [fileStatusIndex],
  ttlAttribute: "expiresAt",
};
