/**
 * Key schemas of the pipeline's tables. The DataStores component deploys them and the local
 * runtime and tests create them from these same objects, so the two can never drift apart.
 */
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
}

/** Index the fraud and compliance steps query for a customer's recent transactions. */
export const customerActivityIndex: IndexDefinition = {
  name: "byCustomerOccurredAt",
  partitionKey: "customerId",
  sortKey: "occurredAt",
  nonKeyAttributes: ["amountMinor", "currency", "amountUsdMinor", "status"],
};

/**
 * One item per transaction, keyed by the namespaced transaction id alone
 * (`<provider>#<id>`), so a conditional put on the key makes intake idempotent.
 */
export const transactionsTableDefinition: TableDefinition = {
  partitionKey: "transactionId",
  attributes: { transactionId: "S", customerId: "S", occurredAt: "S" },
  indexes: [customerActivityIndex],
};

/**
 * One item per accepted delivery, keyed like the transactions table (`<provider>#<id>`): the
 * payload hash, the delivery id and the answer given, kept for the dedupe window (TTL on
 * `expiresAt`). Separate from the transactions table so archiving transactions never forgets a
 * delivery a provider may still retry.
 */
export const intakeRecordsTableDefinition: TableDefinition = {
  partitionKey: "transactionId",
  attributes: { transactionId: "S" },
  indexes: [],
};

/** Attribute holding the epoch-seconds expiry of intake records (the table's TTL attribute). */
export const intakeRecordTtlAttribute = "expiresAt";
