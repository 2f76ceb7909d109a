/**
 * Finds what the pipeline knows about one transaction key. The transactions table is read first
 * (a validated transaction, with its decision once recorded); only when it has nothing is the
 * intake-records table asked, since between intake and validation the delivery exists only there.
 * Both reads are strongly consistent: a client polling right after its 202 must not be told 404
 * by a lagging replica.
 */
import { GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ArchivedTransactionRecord } from "../shared/archiveLayout";
import {
  archivedTransactionsTableDefinition,
  intakeRecordsTableDefinition,
  transactionsTableDefinition,
} from "../shared/tableDefinitions";
import type { TransactionStatusConfig } from "./config";
import {
  acceptedIntake,
  needsIntakeDetails,
  renderReceived,
  renderTransaction,
  type ReceivedView,
  type TransactionView,
} from "./transactionView";

/** A read of the transactions or intake-records table failed; the client may retry later. */
export class StatusStoreError extends Error {
  constructor(
    readonly table: "transactions" | "intake-records" | "archived-transactions",
    options: { cause: unknown },
  ) {
    super(`Reading the ${table} table failed`, options);
    this.name = "StatusStoreError";
  }
}

/** The answer for an archived transaction: its status and where auditors find it. */
export interface ArchivedView {
  readonly transaction_id: string;
  readonly status: "ARCHIVED";
  readonly archive: { readonly partition: string; readonly object_key: string; readonly archived_at: string };
}

function renderArchived(transactionId: string, item: Record<string, unknown>): ArchivedView {
  const record = item as Partial<ArchivedTransactionRecord>;
  return {
    transaction_id: transactionId,
    status: "ARCHIVED",
    archive: {
      partition: String(record.partition ?? ""),
      object_key: String(record.objectKey ?? ""),
      archived_at: String(record.archivedAt ?? ""),
    },
  };
}

export type StatusLookup =
  /** The transactions table holds it (RECEIVED, or decided). */
  | { readonly outcome: "Found"; readonly view: TransactionView }
  /** Moved to the audit archive: where it went. */
  | { readonly outcome: "Archived"; readonly view: ArchivedView }
  /** Only an ACCEPTED intake record: received, not yet validated. */
  | { readonly outcome: "Received"; readonly view: ReceivedView }
  /** Nothing, or only a PENDING intake claim (the delivery was never acknowledged). */
  | { readonly outcome: "NotFound" };

async function getItem(
  client: DynamoDBDocumentClient,
  table: StatusStoreError["table"],
  tableName: string,
  key: Record<string, string>,
): Promise<Record<string, unknown> | undefined> {
  try {
    const answer = await client.send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    return answer.Item;
  } catch (error) {
    throw new StatusStoreError(table, { cause: error });
  }
}

function readIntakeRecord(
  client: DynamoDBDocumentClient,
  config: TransactionStatusConfig,
  transactionId: string,
): Promise<Record<string, unknown> | undefined> {
  return getItem(client, "intake-records", config.intakeTable, {
    [intakeRecordsTableDefinition.partitionKey]: transactionId,
  });
}

export async function lookUpTransaction(
  client: DynamoDBDocumentClient,
  config: TransactionStatusConfig,
  transactionId: string,
): Promise<StatusLookup> {
  const item = await getItem(client, "transactions", config.transactionsTable, {
    [transactionsTableDefinition.partitionKey]: transactionId,
  });
  if (item) {
    // A transaction rejected at validation is recorded with its decision only; the intake record
    // still knows when and from whom it came.
    const intake = needsIntakeDetails(item)
      ? acceptedIntake(await readIntakeRecord(client, config, transactionId))
      : undefined;
    return { outcome: "Found", view: renderTransaction(transactionId, item, intake) };
  }
  if (config.archivedTransactionsTable) {
    const archived = await getItem(client, "archived-transactions", config.archivedTransactionsTable, {
      [archivedTransactionsTableDefinition.partitionKey]: transactionId,
    });
    if (archived) return { outcome: "Archived", view: renderArchived(transactionId, archived) };
  }
  const intake = acceptedIntake(await readIntakeRecord(client, config, transactionId));
  return intake
    ? { outcome: "Received", view: renderReceived(transactionId, intake) }
    : { outcome: "NotFound" };
}
