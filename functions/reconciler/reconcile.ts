/**
 * The reconciler: what keeps a 202 a promise. Every accepted transaction (a webhook answered 202,
 * a valid CSV row) has an intake record in the sparse `byAwaitingDecision` index until it is
 * decided or dead-lettered (functions/shared/awaitingDecision.ts). A run queries each shard of the
 * index for records accepted at least `undecidedAfterSeconds` ago, oldest first, and for each:
 *
 * - decided (the transactions item has a decision, or it was archived): leaves the index. The
 *   notifier takes a record out when the decision is published, so the index holds few of these:
 *   only a decision whose event was lost or whose count on its file is unfinished. A
 *   decided CSV row its file has not counted yet gets its "Transaction Processed" published again
 *   (the notifier counts once), and a decision recorded but never published gets its
 *   "Transaction Received" published again (a re-run publishes the recorded decision);
 * - undecided, and not re-driven within the last `undecidedAfterSeconds`: published again as
 *   "Transaction Received" (every step downstream is idempotent on the key), at most
 *   `maxAttempts` times;
 * - undecided after `maxAttempts` re-drives: sent to the dead-letter queue with the reason, and a
 *   CSV row is counted on its file as dead-lettered (which may complete the file), then leaves the
 *   index.
 *
 * An execution that timed out or died (an EXPRESS execution-level failure no Catch sees), an event
 * the bus or a target lost, a process killed mid-flight: all end here, decided or dead-lettered,
 * within `undecidedAfterSeconds × (maxAttempts + 1)` plus one schedule interval.
 *
 * Every step can stop and be run again: the attempt counter is claimed with a conditional update
 * before publishing, the dead-letter path marks the record first and finishes the remaining steps
 * on the next run, and the file count is guarded by the line's membership in `deadLetteredLines`.
 */
import { randomUUID } from "node:crypto";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { createNotifier } from "../notifier/notifier";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SNSClient } from "@aws-sdk/client-sns";
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { allAwaitingShards, awaitingShardAttribute } from "../shared/awaitingDecision";
import { mapWithConcurrency } from "../shared/concurrency";
import { DetailType, decisionEventSource, intakeEventSource } from "../shared/eventRouting";
import { completeFileIfDone, parseCsvDeliveryId } from "../shared/fileCompletion";
import type { IntakeRecord } from "../shared/intakeRecord";
import { redactPanText } from "../shared/pan";
import { publishTransactionReceived } from "../shared/transactionReceivedEvent";
import {
  awaitingDecisionIndex,
  fileStatusTableDefinition,
  intakeRecordsTableDefinition,
  transactionsTableDefinition,
} from "../shared/tableDefinitions";
import type { ReconcilerConfig } from "./config";
import type { JobLog, JobMetrics } from "../shared/powertools";
import { keyedTable, readItem } from "../shared/keyedTable";
import { updateIf, updateItem } from "../shared/tableUpdates";

const intakeKey = intakeRecordsTableDefinition.partitionKey;
const transactionKey = transactionsTableDefinition.partitionKey;
const fileKey = fileStatusTableDefinition.partitionKey;

/** The claim value that marks a CSV row as counted by the dead-letter path (see deadLetter). */
export const deadLetterCounter = "reconciler-dead-letter";

/** Error name of the reconciler's dead letters (beside the state machine's SendToDLQ errors). */
export const notDecidedError = "TransactionNotDecided";

export type ReconcilerMetricName =
  | "TransactionsRedriven"
  | "TransactionsDeadLettered"
  | "TransactionsSettled"
  | "DecisionsRepublished"
  | "ReconcileFailures";

export type ReconcilerLog = JobLog;

export interface ReconcilerMetrics extends JobMetrics<ReconcilerMetricName> {
  /** Seconds since the oldest transaction found undecided past the threshold was accepted (0 when none). */
  oldestUndecidedAge(seconds: number): void;
  /** TransactionsDecided, for a decision whose notifier never counted it (claimed once per transaction). */
  countDecision?(decision: "APPROVED" | "REVIEW" | "REJECTED"): void;
}

export interface ReconcilerDependencies {
  readonly config: ReconcilerConfig;
  readonly documentClient: DynamoDBDocumentClient;
  readonly eventBridge: EventBridgeClient;
  readonly sqs: SQSClient;
  /** For the summary of a file that the dead-lettered row completes. */
  readonly sns: SNSClient;
  readonly log: ReconcilerLog;
  readonly metrics: ReconcilerMetrics;
}

export interface ReconcileRun {
  /** The run's clock; tests pin it. */
  readonly now: Date;
  /**
   * Records accepted before this instant are due whatever their last re-drive: a restart of the
   * local runtime, where nothing that was in flight survived. Default: `now` minus the threshold.
   */
  readonly acceptedBefore?: Date;
}

export interface ReconcileSummary {
  readonly examined: number;
  readonly settled: number;
  readonly redriven: number;
  readonly deadLettered: number;
  readonly decisionsRepublished: number;
  /**
   * Left for a later run: undecided but re-driven too recently to be re-driven again, or decided
   * with its file count held by an invocation that may still be running.
   */
  readonly waiting: number;
  readonly failures: number;
  readonly oldestUndecidedAgeSeconds: number;
  /** The run stopped at `recordsPerRun`; the next run goes on. */
  readonly truncated: boolean;
}

interface TransactionState {
  readonly decided: boolean;
  readonly status?: string;
  readonly stage?: string;
  readonly lane?: string;
  readonly published: boolean;
}

type Outcome =
  | "settled"
  | "redriven"
  | "deadLettered"
  | "decisionRepublished"
  | "waiting"
  /** Decided, its count on its file held by an invocation that may still be running. */
  | "countHeld"
  | "skipped";

/** The summary count each outcome adds to (none for a record skipped). */
const summaryCountOf: Readonly<
  Record<Outcome, "settled" | "redriven" | "deadLettered" | "decisionsRepublished" | "waiting" | undefined>
> = {
  settled: "settled",
  redriven: "redriven",
  deadLettered: "deadLettered",
  decisionRepublished: "decisionsRepublished",
  waiting: "waiting",
  countHeld: "waiting",
  skipped: undefined,
};

/** What became of one record, and when it was accepted when it is still undecided. */
interface Reconciled {
  readonly outcome: Outcome;
  readonly undecidedSince?: string;
}

/** Records reconciled at once within a shard. */
const recordConcurrency = 8;

const decisionStatuses = new Set(["APPROVED", "REVIEW", "REJECTED"]);

export type Reconciler = (run: ReconcileRun) => Promise<ReconcileSummary>;

export function createReconciler(deps: ReconcilerDependencies): Reconciler {
  const { config, documentClient, log, metrics } = deps;
  // No store error of its own: a failure fails the run with the SDK's error.
  const intakeRecords = keyedTable(documentClient, config.intakeTable, intakeKey);
  const fileRecords = keyedTable(documentClient, config.fileStatusTable, fileKey);
  const transactions = keyedTable(documentClient, config.transactionsTable, transactionKey);
  const thresholdMs = config.undecidedAfterSeconds * 1000;
  // The notifier's counting, run here for rows whose own count never finished.
  const notifier = createNotifier({
    config: {
      fileStatusTable: config.fileStatusTable,
      intakeTable: config.intakeTable,
      alertsTopicArn: config.alertsTopicArn,
    },
    documentClient,
    sns: deps.sns,
    log,
    metrics: {
      count: () => undefined,
      countDecision: deps.metrics.countDecision ?? (() => undefined),
    },
  });

  /** Records whose `awaitingSince` is before the cutoff (up to it, unless `strictlyBefore`). */
  async function candidates(
    shard: string,
    cutoff: string,
    limit: number,
    strictlyBefore: boolean,
  ): Promise<string[]> {
    const keys: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documentClient.send(
        new QueryCommand({
          TableName: config.intakeTable,
          IndexName: awaitingDecisionIndex.name,
          KeyConditionExpression: `#shard = :shard AND #since ${strictlyBefore ? "<" : "<="} :cutoff`,
          ExpressionAttributeNames: {
            "#shard": awaitingDecisionIndex.partitionKey,
            "#since": awaitingDecisionIndex.sortKey,
          },
          ExpressionAttributeValues: { ":shard": shard, ":cutoff": cutoff },
          Limit: Math.min(limit - keys.length, 500),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        if (typeof item[intakeKey] === "string") keys.push(item[intakeKey]);
      }
      start = page.LastEvaluatedKey;
    } while (start && keys.length < limit);
    return keys;
  }

  async function readIntake(key: string): Promise<IntakeRecord | undefined> {
    return (await readItem(intakeRecords, key, "intake read")) as IntakeRecord | undefined;
  }

  async function transactionState(key: string): Promise<TransactionState> {
    const item = await readItem(transactions, key, "transaction read", [
      "status",
      "decision",
      "processedPublishedAt",
    ]);
    if (item?.decision !== undefined && decisionStatuses.has(String(item.status))) {
      const decision = item.decision as Record<string, unknown>;
      return {
        decided: true,
        status: String(item.status),
        stage: typeof decision.stage === "string" ? decision.stage : undefined,
        lane: typeof decision.lane === "string" ? decision.lane : undefined,
        published: item.processedPublishedAt !== undefined,
      };
    }
    if (item === undefined) {
      // Archived (decided more than a day ago, the hot item deleted): decided for good.
      const archived = await documentClient.send(
        new GetCommand({
          TableName: config.archivedTransactionsTable,
          Key: { [transactionKey]: key },
          ProjectionExpression: "#key",
          ExpressionAttributeNames: { "#key": transactionKey },
        }),
      );
      if (archived.Item !== undefined) return { decided: true, published: true };
    }
    return { decided: false, published: false };
  }

  /** Takes the record out of the index: nothing more to watch. */
  async function settle(key: string): Promise<void> {
    await updateIf(intakeRecords, key, "settle", {
      UpdateExpression: "REMOVE #shard",
      ConditionExpression: "attribute_exists(#shard)",
      ExpressionAttributeNames: { "#shard": awaitingShardAttribute },
    });
  }

  /** Claims re-drive number `attempts + 1`; false when another run claimed it first. */
  async function claimRedrive(record: IntakeRecord, now: Date): Promise<boolean> {
    const attempts = record.redriveAttempts ?? 0;
    return updateIf(intakeRecords, record.transactionId, "re-drive claim", {
      // Moving awaitingSince puts the record back at the end of the queue until it is due again.
      UpdateExpression: "SET #attempts = :next, #lastRedrivenAt = :now, #since = :now",
      ConditionExpression:
        "attribute_exists(#shard) AND " +
        (attempts === 0 ? "attribute_not_exists(#attempts)" : "#attempts = :attempts"),
      ExpressionAttributeNames: {
        "#attempts": "redriveAttempts",
        "#lastRedrivenAt": "lastRedrivenAt",
        "#since": awaitingDecisionIndex.sortKey,
        "#shard": awaitingShardAttribute,
      },
      ExpressionAttributeValues: {
        ":next": attempts + 1,
        ":now": now.toISOString(),
        ...(attempts === 0 ? {} : { ":attempts": attempts }),
      },
    });
  }

  /**
   * A decided CSV row its file never counted: the Transaction Processed event was lost, or the
   * notifier invocation counting it died after claiming it. A claim taken before `abandonedBefore`
   * (the run's cutoff: the threshold ago, or the restart) is taken over, its holder being gone,
   * and the notifier's own counting runs under the new claim, with the same once-only steps, so
   * the row is counted exactly once and its file may complete. A later claim is left to its holder:
   * the notifier's steps do not look at the claim again once taken, so a holder still running
   * would count the row a second time after the takeover had counted and released it. False then.
   */
  async function countDecisionOnFile(
    record: IntakeRecord,
    state: TransactionState,
    abandonedBefore: string,
  ): Promise<boolean> {
    const requestId = `reconciler-${randomUUID()}`;
    const holder = (record as IntakeRecord & { countedBy?: string }).countedBy;
    if (holder !== undefined) {
      const takenOver = await updateIf(intakeRecords, record.transactionId, "count takeover", {
        UpdateExpression: "SET #countedBy = :requestId",
        ConditionExpression:
          "#countedBy = :holder AND #countedAt < :abandonedBefore AND attribute_not_exists(#countedInFileAt)",
        ExpressionAttributeNames: {
          "#countedBy": "countedBy",
          "#countedAt": "countedAt",
          "#countedInFileAt": "countedInFileAt",
        },
        ExpressionAttributeValues: {
          ":requestId": requestId,
          ":holder": holder,
          ":abandonedBefore": abandonedBefore,
        },
      });
      if (!takenOver) return false;
    }
    await notifier(
      {
        id: requestId,
        "detail-type": DetailType.processed,
        source: decisionEventSource,
        time: new Date().toISOString(),
        detail: {
          transactionId: record.transactionId,
          status: state.status,
          ...(state.stage ? { stage: state.stage } : {}),
          ...(state.lane ? { lane: state.lane } : {}),
        },
      },
      { awsRequestId: requestId },
    );
    return true;
  }

  /**
   * Marks the record dead-lettered (the first run that gives up; a CSV row is claimed for the file
   * count the way the notifier claims a decision, so the two never both count it). False when the
   * row was counted as decided meanwhile.
   */
  async function markDeadLettered(record: IntakeRecord, reason: string, now: Date): Promise<boolean> {
    const csv = record.source === "csv";
    return updateIf(intakeRecords, record.transactionId, "dead-letter mark", {
      UpdateExpression: csv
        ? "SET #deadLetteredAt = :now, #reason = :reason, #countedAt = :now, #countedBy = :counter"
        : "SET #deadLetteredAt = :now, #reason = :reason",
      ConditionExpression: csv
        ? "attribute_exists(#shard) AND attribute_not_exists(#deadLetteredAt) AND attribute_not_exists(#countedAt)"
        : "attribute_exists(#shard) AND attribute_not_exists(#deadLetteredAt)",
      ExpressionAttributeNames: {
        "#shard": awaitingShardAttribute,
        "#deadLetteredAt": "deadLetteredAt",
        "#reason": "deadLetterReason",
        ...(csv ? { "#countedAt": "countedAt", "#countedBy": "countedBy" } : {}),
      },
      ExpressionAttributeValues: {
        ":now": now.toISOString(),
        ":reason": reason,
        ...(csv ? { ":counter": deadLetterCounter } : {}),
      },
    });
  }

  async function sendDeadLetter(record: IntakeRecord, reason: string, now: Date): Promise<void> {
    await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: config.deadLetterQueueUrl,
        // The shape of the state machine's SendToDLQ message, so the replay tool reads both.
        MessageBody: JSON.stringify({
          input: {
            source: intakeEventSource,
            "detail-type": DetailType.received,
            time: record.receivedAt,
            detail: record.received,
          },
          error: { Error: notDecidedError, Cause: reason },
          transactionId: record.transactionId,
          startedAt: record.receivedAt,
          deadLetteredAt: record.deadLetteredAt ?? now.toISOString(),
          redriveAttempts: record.redriveAttempts ?? 0,
        }),
      }),
    );
  }

  /** Counts a dead-lettered CSV row on its file once, then tries to complete the file. */
  async function countOnFile(record: IntakeRecord, now: Date): Promise<void> {
    const delivery = parseCsvDeliveryId(record.deliveryId);
    if (delivery === undefined) return;
    // A lost condition: counted by an earlier run that stopped before the record said so, or no such file.
    await updateIf(fileRecords, delivery.fileId, "dead-letter count", {
      UpdateExpression:
        "SET #updatedAt = :now ADD #decidedRows :one, #deadLetteredRows :one, #deadLetteredLines :lines",
      ConditionExpression: "attribute_exists(#key) AND NOT contains(#deadLetteredLines, :line)",
      ExpressionAttributeNames: {
        "#key": fileKey,
        "#updatedAt": "updatedAt",
        "#decidedRows": "decidedRows",
        "#deadLetteredRows": "deadLetteredRows",
        "#deadLetteredLines": "deadLetteredLines",
      },
      ExpressionAttributeValues: {
        ":now": now.toISOString(),
        ":one": 1,
        ":lines": new Set([delivery.line]),
        ":line": delivery.line,
      },
    });
    await updateItem(intakeRecords, record.transactionId, "count mark", {
      UpdateExpression: "SET #countedInFileAt = :now",
      ExpressionAttributeNames: { "#countedInFileAt": "countedInFileAt" },
      ExpressionAttributeValues: { ":now": now.toISOString() },
    });
    const completion = await completeFileIfDone(deps, delivery.fileId, now);
    if (completion.completed) log.info("File completed with dead-lettered rows", { fileId: delivery.fileId });
  }

  /** Gives up on the record: dead-letter queue, file count, out of the index. Resumable. */
  async function deadLetter(record: IntakeRecord, reason: string, now: Date): Promise<Outcome> {
    if (record.deadLetteredAt === undefined) {
      if (!(await markDeadLettered(record, reason, now))) return "skipped";
    }
    const marked = { ...record, deadLetteredAt: record.deadLetteredAt ?? now.toISOString() };
    await sendDeadLetter(marked, record.deadLetterReason ?? reason, now);
    if (record.source === "csv" && record.countedInFileAt === undefined) await countOnFile(marked, now);
    await settle(record.transactionId);
    log.warn("Transaction sent to the dead-letter queue", {
      transactionId: redactPanText(record.transactionId),
      reason: record.deadLetterReason ?? reason,
    });
    return "deadLettered";
  }

  async function reconcileOne(
    key: string,
    run: ReconcileRun,
    forced: boolean,
    cutoff: string,
  ): Promise<Reconciled> {
    const record = await readIntake(key);
    const outcome = await reconcileRecord(record, run, forced, cutoff);
    const undecided = outcome === "redriven" || outcome === "waiting";
    return { outcome, ...(undecided && record ? { undecidedSince: record.receivedAt } : {}) };
  }

  async function reconcileRecord(
    record: IntakeRecord | undefined,
    run: ReconcileRun,
    forced: boolean,
    cutoff: string,
  ): Promise<Outcome> {
    const { now } = run;
    if (record === undefined || record[awaitingShardAttribute] === undefined) return "skipped";
    const key = record.transactionId;
    if (record.deadLetteredAt !== undefined) {
      return deadLetter(record, record.deadLetterReason ?? "dead-lettered", now);
    }
    // A claim still held by the invocation that is publishing it.
    if (record.state === "PENDING" && record.leaseUntil > now.getTime() && !forced) return "waiting";

    const state = await transactionState(key);
    if (state.decided) {
      const uncounted =
        record.source === "csv" && record.countedInFileAt === undefined && state.status !== undefined;
      if (!state.published && record.received !== undefined) {
        // The notifier of the re-run below passes over a row whose count another invocation
        // claimed: a claim its dead holder left is taken over and the count finished here first.
        if (uncounted && (record as IntakeRecord & { countedBy?: string }).countedBy !== undefined) {
          await countDecisionOnFile(record, state, cutoff);
        }
        // A re-run publishes the recorded decision (ReadRecordedDecision → RepublishProcessed).
        await publishTransactionReceived(deps.eventBridge, config.eventBusName, {
          ...record.received,
          redelivery: true,
        });
        return "decisionRepublished";
      }
      if (uncounted) {
        // A claim its holder may still be finishing stays in the index for a later run.
        return (await countDecisionOnFile(record, state, cutoff)) ? "decisionRepublished" : "countHeld";
      }
      await settle(key);
      return "settled";
    }

    const lastRedriven = record.lastRedrivenAt ? Date.parse(record.lastRedrivenAt) : undefined;
    if (!forced && lastRedriven !== undefined && now.getTime() - lastRedriven < thresholdMs) return "waiting";
    const attempts = record.redriveAttempts ?? 0;
    if (record.received === undefined) {
      return deadLetter(
        record,
        "Accepted but never decided, and its event was not kept to publish again",
        now,
      );
    }
    if (attempts >= config.maxAttempts) {
      return deadLetter(
        record,
        `Not decided ${Math.round((now.getTime() - Date.parse(record.receivedAt)) / 60_000)} minutes after it was accepted, after ${attempts} re-drives`,
        now,
      );
    }
    if (!(await claimRedrive(record, now))) return "skipped";
    await publishTransactionReceived(deps.eventBridge, config.eventBusName, {
      ...record.received,
      redelivery: true,
    });
    log.info("Undecided transaction re-driven", {
      transactionId: redactPanText(key),
      attempt: attempts + 1,
    });
    return "redriven";
  }

  return async (run) => {
    const forced = run.acceptedBefore !== undefined;
    const cutoff = (run.acceptedBefore ?? new Date(run.now.getTime() - thresholdMs)).toISOString();
    const counts = {
      examined: 0,
      settled: 0,
      redriven: 0,
      deadLettered: 0,
      decisionsRepublished: 0,
      waiting: 0,
      failures: 0,
    };
    let oldestUndecided: number | undefined;
    let truncated = false;
    for (const shard of allAwaitingShards) {
      const budget = config.recordsPerRun - counts.examined;
      if (budget <= 0) {
        truncated = true;
        break;
      }
      // After a restart (acceptedBefore), records re-driven by this run are at the cutoff and excluded.
      const keys = await candidates(shard, cutoff, budget, forced);
      if (keys.length >= budget) truncated = true;
      counts.examined += keys.length;
      // A few records at a time: each is a handful of single-item calls.
      await mapWithConcurrency(keys, recordConcurrency, async (key) => {
        let reconciled: Reconciled;
        try {
          reconciled = await reconcileOne(key, run, forced, cutoff);
        } catch (error) {
          counts.failures += 1;
          log.warn("Reconciling a transaction failed; the next run tries again", {
            transactionId: redactPanText(key),
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          });
          return;
        }
        const counter = summaryCountOf[reconciled.outcome];
        if (counter !== undefined) counts[counter] += 1;
        const since = reconciled.undecidedSince ? Date.parse(reconciled.undecidedSince) : Number.NaN;
        if (Number.isFinite(since)) oldestUndecided = Math.min(oldestUndecided ?? since, since);
      });
    }
    const oldestUndecidedAgeSeconds =
      oldestUndecided === undefined
        ? 0
        : Math.max(0, Math.round((run.now.getTime() - oldestUndecided) / 1000));
    metrics.count("TransactionsRedriven", counts.redriven);
    metrics.count("TransactionsDeadLettered", counts.deadLettered);
    metrics.count("TransactionsSettled", counts.settled);
    metrics.count("DecisionsRepublished", counts.decisionsRepublished);
    metrics.count("ReconcileFailures", counts.failures);
    metrics.oldestUndecidedAge(oldestUndecidedAgeSeconds);
    const summary: ReconcileSummary = { ...counts, oldestUndecidedAgeSeconds, truncated };
    log.info("Reconciler run finished", { ...summary });
    return summary;
  };
}
