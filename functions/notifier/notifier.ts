/**
 * notifier: target of the rule matching every "Transaction Processed" event
 * (transactionProcessedPattern). Every decision is counted as the TransactionsDecided business
 * metric, in a write that also takes the transaction out of the reconciler's awaiting-decision
 * index (see claimMetric). A CSV row's decision (key `csv#…`) is also counted on its file: the
 * notifier finds the row's file, counts the decision once on the file's status item, and then
 * runs the shared "complete if done", which completes the file and sends its summary exactly
 * once, whichever caller gets there first. Any other decision never touches the file tables.
 *
 * Counting once, with at-least-once delivery and no transactions (writes are conditional and
 * single-item). Two items are written per row, the row's intake record and its file's status item,
 * so the file item itself remembers the rows it has counted but whose intake record does not yet
 * say so: `countingLines`, a number set of their CSV lines. It holds only rows in flight, never
 * the whole file, so it stays small however many rows the file has.
 *   1. claim: SET countedAt, countedBy (the request id) on the row's intake record if it has no
 *      countedAt. A duplicate delivery of the event is a new invocation, with a new request id,
 *      and loses, so only one invocation ever counts a row: Lambda's retries of it (same request
 *      id, one after the other) take the claim again until step 3 has happened;
 *   2. on the file's status item: ADD decidedRows, approved | review | rejected and the row's line
 *      to countingLines, on condition that the line is not in countingLines;
 *   3. SET countedInFileAt on the intake record: from now on no claim is won for the row;
 *   4. DELETE the line from countingLines. Safe only after 3: no invocation reaches 2 again.
 * Where an attempt can stop, and what its retry does:
 *   - before 2 took effect: nothing is counted yet; the retry claims again and counts.
 *   - after 2, before 3: the retry claims again, its step 2 fails on the line being in
 *     countingLines, a read shows the line there, and it goes on with 3 and 4: counted once.
 *   - after 3, before 4: the claim is lost for good; the retry sees its own request id and
 *     countedInFileAt on the record, runs 4 (idempotent) and reports a duplicate.
 *   - after 4 (completion failed): as above, then completes the file.
 * The count is never applied twice, so a file never completes before its last row is decided. The
 * one leftover: if every retry of an invocation stops between 2 and 4, the line stays in
 * countingLines (the counts are still right); a line left there on a COMPLETED file says so.
 *
 * The intake record is written just after the row's event is published, so a fast decision can
 * arrive before it. A missing record is looked up a few times; for a recent event the invocation
 * then fails so that Lambda's retry (about 1 and 3 minutes later) looks again; an older event's
 * key is unknown for good and the event is ignored with a warning.
 */
import pRetry from "p-retry";
import { GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { SNSClient } from "@aws-sdk/client-sns";
import { csvKeyPrefix } from "../shared/csvTransactions";
import { completeFileIfDone, parseCsvDeliveryId } from "../shared/fileCompletion";
import type { CorrelationIds } from "../shared/correlation";
import { redactPanText } from "../shared/pan";
import {
  awaitingDecisionIndex,
  fileStatusTableDefinition,
  intakeRecordsTableDefinition,
} from "../shared/tableDefinitions";
import type { NotifierConfig } from "./config";
import { parseProcessedEvent, type DecisionStatus, type ProcessedDecision } from "./processedEvent";
import { keyedTable, readItem } from "../shared/keyedTable";
import { updateIf, updateItem } from "../shared/tableUpdates";
import type { JobLog, JobMetrics } from "../shared/powertools";

const intakeKey = intakeRecordsTableDefinition.partitionKey;
const fileKey = fileStatusTableDefinition.partitionKey;

/** The decided row's intake record is not there (yet): the retry of this event looks again. */
export class IntakeRecordNotFoundError extends Error {
  constructor(readonly transactionId: string) {
    super(`No intake record for ${transactionId} yet; the decision is counted when it appears`);
    this.name = "IntakeRecordNotFoundError";
  }
}

/** A DynamoDB call failed for a reason other than a lost condition. */
export class NotifierStoreError extends Error {
  constructor(operation: string, options: { cause: unknown }) {
    super(`Notifier ${operation} failed`, options);
    this.name = "NotifierStoreError";
  }
}

export type NotifierMetricName =
  "DecisionsCounted" | "DecisionsDuplicate" | "DecisionsIgnored" | "CsvFilesCompleted";

/** Where progress goes (Powertools Logger in the function). */
export type NotifierLog = JobLog;

export interface NotifierMetrics extends JobMetrics<NotifierMetricName> {
  /** One decided transaction, by its decision (TransactionsDecided, dimension `decision`). */
  countDecision(decision: DecisionStatus): void;
}

export interface NotifierContext {
  readonly awsRequestId: string;
}

export interface NotifierDependencies {
  readonly config: NotifierConfig;
  readonly documentClient: DynamoDBDocumentClient;
  readonly sns: SNSClient;
  readonly log: NotifierLog;
  readonly metrics: NotifierMetrics;
  readonly now?: () => Date;
  /** Age of an event below which a missing intake record is "not written yet" (default 10 min). */
  readonly recordGraceMs?: number;
  /** Lookups of a missing intake record within one invocation, and the pause between them. */
  readonly recordLookups?: { readonly attempts: number; readonly delayMs: number };
  /** Labels what follows (logs, trace) with the transaction and its file; unset in tests. */
  readonly correlate?: (ids: CorrelationIds) => void;
}

export type IgnoredReason = "INVALID_EVENT" | "UNKNOWN_TRANSACTION" | "NOT_A_CSV_ROW" | "UNKNOWN_FILE";

export type NotifierResult =
  | { readonly outcome: "counted" | "duplicate"; readonly fileId: string; readonly completed: boolean }
  | { readonly outcome: "ignored"; readonly reason: IgnoredReason }
  /** Not a CSV row's decision: only the decision metric. */
  | { readonly outcome: "notFromFile" };

/** Longer than Lambda's two retries of an asynchronous event (about 1 and 3 minutes after the first). */
export const defaultRecordGraceMs = 10 * 60_000;
const defaultRecordLookups = { attempts: 3, delayMs: 250 };

const counterOf: Readonly<Record<DecisionStatus, "approved" | "review" | "rejected">> = {
  APPROVED: "approved",
  REVIEW: "review",
  REJECTED: "rejected",
};

/** No intake record (yet) for the transaction: read again, up to the lookups' attempts. */
class RecordMissingError extends Error {
  constructor() {
    super("intake record not found");
    this.name = "RecordMissingError";
  }
}

interface RowRecord {
  readonly source?: unknown;
  readonly deliveryId?: unknown;
  readonly countedBy?: unknown;
  readonly countedInFileAt?: unknown;
}

/** Step 2's answer: counted now, counted before by an earlier attempt (a retry), or no file. */
type FileCount = "added" | "alreadyAdded" | "noFile";

/** The file-item attribute holding the lines counted but not yet marked on their intake record. */
const countingLines = "countingLines";

export type Notifier = (event: unknown, context: NotifierContext) => Promise<NotifierResult>;

export function createNotifier(deps: NotifierDependencies): Notifier {
  const clock = deps.now ?? (() => new Date());
  const lookups = deps.recordLookups ?? defaultRecordLookups;
  const graceMs = deps.recordGraceMs ?? defaultRecordGraceMs;
  const { config, documentClient, log, metrics } = deps;
  const intakeRecords = keyedTable(documentClient, config.intakeTable, intakeKey, NotifierStoreError);
  const fileRecords = keyedTable(documentClient, config.fileStatusTable, fileKey, NotifierStoreError);

  /** The intake record; one still missing is read again after a pause (it may not be written yet). */
  async function readRecord(transactionId: string): Promise<RowRecord | undefined> {
    const read = async (): Promise<RowRecord> => {
      const item: RowRecord | undefined = await readItem(intakeRecords, transactionId, "intake-record read", [
        "source",
        "deliveryId",
        "countedBy",
        "countedInFileAt",
      ]);
      if (item === undefined) throw new RecordMissingError();
      return item;
    };
    try {
      return await pRetry(read, {
        retries: lookups.attempts - 1,
        minTimeout: lookups.delayMs,
        factor: 1,
        shouldRetry: ({ error }) => error instanceof RecordMissingError,
      });
    } catch (error) {
      if (error instanceof RecordMissingError) return undefined;
      throw error;
    }
  }

  /** Step 1: true when this invocation may count the decision. */
  async function claim(decision: ProcessedDecision, requestId: string, now: Date): Promise<boolean> {
    return updateIf(intakeRecords, decision.transactionId, "count claim", {
      UpdateExpression: "SET #countedAt = :now, #countedBy = :requestId, #countedStatus = :status",
      ConditionExpression:
        "attribute_exists(#key) AND (attribute_not_exists(#countedAt) OR " +
        "(#countedBy = :requestId AND attribute_not_exists(#countedInFileAt)))",
      ExpressionAttributeNames: {
        "#key": intakeKey,
        "#countedAt": "countedAt",
        "#countedBy": "countedBy",
        "#countedStatus": "countedStatus",
        "#countedInFileAt": "countedInFileAt",
      },
      ExpressionAttributeValues: {
        ":now": now.toISOString(),
        ":requestId": requestId,
        ":status": decision.status,
      },
    });
  }

  /** Step 2, which adds the row's line to countingLines in the same write as its counts. */
  async function addToFile(
    fileId: string,
    line: number,
    status: DecisionStatus,
    now: Date,
  ): Promise<FileCount> {
    const added = await updateIf(fileRecords, fileId, "file count", {
      UpdateExpression: "SET #updatedAt = :now ADD #decidedRows :one, #counter :one, #countingLines :lines",
      ConditionExpression: "attribute_exists(#key) AND NOT contains(#countingLines, :line)",
      ExpressionAttributeNames: {
        "#key": fileKey,
        "#updatedAt": "updatedAt",
        "#decidedRows": "decidedRows",
        "#counter": counterOf[status],
        "#countingLines": countingLines,
      },
      ExpressionAttributeValues: {
        ":now": now.toISOString(),
        ":one": 1,
        ":lines": new Set([line]),
        ":line": line,
      },
    });
    if (added) return "added";
    // Which half of the condition failed. Only this row's own earlier attempts put its line there
    // and only its own step 4 takes it out, so the answer cannot change under us.
    const file = await readItem(fileRecords, fileId, "file count check", [fileKey, countingLines]);
    if (file === undefined) return "noFile";
    const lines = file[countingLines];
    if (lines instanceof Set && lines.has(line)) return "alreadyAdded";
    throw new NotifierStoreError("file count", {
      cause: new Error(`File ${fileId} refused line ${line}'s count, but the line is not being counted`),
    });
  }

  /** Step 3. */
  async function markCounted(transactionId: string, now: Date): Promise<void> {
    await updateItem(intakeRecords, transactionId, "count mark", {
      UpdateExpression: "SET #countedInFileAt = :now",
      ExpressionAttributeNames: { "#countedInFileAt": "countedInFileAt" },
      ExpressionAttributeValues: { ":now": now.toISOString() },
    });
  }

  /** Step 4: only once the intake record says counted (step 3), so no attempt counts the line again. */
  async function releaseLine(fileId: string, line: number): Promise<void> {
    await updateIf(fileRecords, fileId, "count release", {
      UpdateExpression: "DELETE #countingLines :lines",
      // An update creates a missing item: never a status item for a file that has none.
      ConditionExpression: "attribute_exists(#key)",
      ExpressionAttributeNames: { "#key": fileKey, "#countingLines": countingLines },
      ExpressionAttributeValues: { ":lines": new Set([line]) },
    });
  }

  /**
   * True when this invocation counts the transaction in TransactionsDecided: the first to set
   * `metricCountedAt` on its intake record (or a retry of that invocation, same request id). A
   * transaction without an intake record (a key validation replaced by a digest) cannot be
   * deduplicated and is counted.
   *
   * With `leaveIndex`, the same write takes the record out of the reconciler's index: the
   * transaction is decided, so nothing is left to watch, and the index holds only undecided work
   * however many transactions a minute are decided. A later re-drive or dead-lettering by the
   * reconciler is conditional on the index attribute and so can no longer happen; a re-drive it
   * published just before is idempotent (the re-run publishes the recorded decision again, whose
   * metric is already claimed). Records this write misses (a lost claim) the reconciler still
   * takes out when it finds them decided.
   */
  async function claimMetric(
    decision: ProcessedDecision,
    requestId: string,
    leaveIndex: boolean,
  ): Promise<boolean> {
    const claimed = await updateIf(intakeRecords, decision.transactionId, "metric claim", {
      UpdateExpression:
        "SET #metricCountedAt = :now, #metricCountedBy = :requestId" +
        (leaveIndex ? " REMOVE #shard, #since" : ""),
      ConditionExpression:
        "attribute_exists(#key) AND (attribute_not_exists(#metricCountedAt) OR #metricCountedBy = :requestId)",
      ExpressionAttributeNames: {
        "#key": intakeKey,
        "#metricCountedAt": "metricCountedAt",
        "#metricCountedBy": "metricCountedBy",
        ...(leaveIndex
          ? { "#shard": awaitingDecisionIndex.partitionKey, "#since": awaitingDecisionIndex.sortKey }
          : {}),
      },
      ExpressionAttributeValues: { ":now": clock().toISOString(), ":requestId": requestId },
    });
    if (claimed) return true;
    const existing = await documentClient
      .send(
        new GetCommand({
          TableName: config.intakeTable,
          Key: { [intakeKey]: decision.transactionId },
          ProjectionExpression: "#key",
          ExpressionAttributeNames: { "#key": intakeKey },
        }),
      )
      .catch((error: unknown) => {
        throw new NotifierStoreError("metric claim check", { cause: error });
      });
    return existing.Item === undefined;
  }

  function ignore(
    reason: IgnoredReason,
    message: string,
    attributes: Record<string, unknown>,
  ): NotifierResult {
    metrics.count("DecisionsIgnored", 1);
    log.warn(message, { reason, ...attributes });
    return { outcome: "ignored", reason };
  }

  /**
   * A CSV row's decision: counted once on its file, which is completed when it was the last one.
   * `settled` is false only while another invocation holds the row's file count unfinished: the
   * row then stays in the reconciler's index, which takes that count over if its holder died.
   */
  async function countOnFile(
    decision: ProcessedDecision,
    context: NotifierContext,
  ): Promise<{ readonly result: NotifierResult; readonly settled: boolean }> {
    const logKeys = { transactionId: redactPanText(decision.transactionId), eventId: decision.eventId };
    const record = await readRecord(decision.transactionId);
    if (record === undefined) {
      const ageMs = clock().getTime() - (decision.eventTime ?? clock()).getTime();
      if (ageMs < graceMs) throw new IntakeRecordNotFoundError(decision.transactionId);
      const message = "Decision for a transaction with no intake record; ignored";
      const result = ignore("UNKNOWN_TRANSACTION", message, { ...logKeys, eventAgeMs: ageMs });
      return { result, settled: true };
    }
    const delivery = record.source === "csv" ? parseCsvDeliveryId(String(record.deliveryId)) : undefined;
    if (delivery === undefined) {
      const result = ignore(
        "NOT_A_CSV_ROW",
        "Decision for a transaction not loaded from a file; ignored",
        logKeys,
      );
      return { result, settled: true };
    }
    const { fileId } = delivery;
    deps.correlate?.({ fileId });

    const now = clock();
    const marked = record.countedInFileAt !== undefined;
    const counted = !marked && (await claim(decision, context.awsRequestId, now));
    if (counted) {
      const added = await addToFile(fileId, delivery.line, decision.status, now);
      if (added === "noFile") {
        // No file to count it on, now or on any later attempt.
        const result = ignore("UNKNOWN_FILE", "Decision for a file with no status record; not counted", {
          ...logKeys,
          fileId,
        });
        return { result, settled: true };
      }
      await markCounted(decision.transactionId, now);
      // Reported once the row is marked, which no later attempt repeats: the metric never doubles.
      metrics.count("DecisionsCounted", 1);
      log.info("Decision counted", {
        ...logKeys,
        fileId,
        line: delivery.line,
        status: decision.status,
        ...(added === "alreadyAdded" ? { countedByEarlierAttempt: true } : {}),
      });
      await releaseLine(fileId, delivery.line);
    } else {
      // A retry of the invocation that counted the row may have stopped before step 4.
      if (marked && record.countedBy === context.awsRequestId) await releaseLine(fileId, delivery.line);
      metrics.count("DecisionsDuplicate", 1);
      log.info("Decision already counted; duplicate delivery", { ...logKeys, fileId });
    }

    // Also after a duplicate: it may be the retry of an invocation that counted, then failed to complete.
    const completion = await completeFileIfDone(deps, fileId, clock());
    if (completion.completed) {
      metrics.count("CsvFilesCompleted", 1);
      log.info("File completed; summary sent", {
        fileId,
        messageId: completion.messageId,
        ...completion.summary,
      });
    }
    return {
      result: { outcome: counted ? "counted" : "duplicate", fileId, completed: completion.completed },
      settled: counted || marked,
    };
  }

  return async function notify(event: unknown, context: NotifierContext): Promise<NotifierResult> {
    const parsed = parseProcessedEvent(event);
    if (!parsed.ok) {
      return ignore("INVALID_EVENT", "Not a Transaction Processed event; ignored", {
        problem: parsed.problem,
      });
    }
    const { decision } = parsed;
    deps.correlate?.({ correlationId: decision.transactionId, transactionId: decision.transactionId });
    const { result, settled } = decision.transactionId.startsWith(csvKeyPrefix)
      ? await countOnFile(decision, context)
      : { result: { outcome: "notFromFile" } as const, settled: true };
    // Counted once the event is handled: an attempt that throws is retried by Lambda, and only the
    // attempt that succeeds counts it; a duplicate event or a replay finds the metric claimed.
    if (await claimMetric(decision, context.awsRequestId, settled)) metrics.countDecision(decision.status);
    return result;
  };
}
