/**
 * The transaction events on the pipeline's EventBridge bus and the rules that route them. The
 * EventRouting component deploys these exact pattern objects and target inputs, and the local
 * event bus matches and transforms with the same ones, so the two cannot route differently.
 */
import type { AmountLane } from "./stepContracts";

/** `source` of the events the intakes publish (csv-transform's continuations included). */
export const intakeEventSource = "transaction-pipeline.intake";
/** `source` of the events the state machine publishes. */
export const decisionEventSource = "transaction-pipeline.decisions";

export const DetailType = {
  received: "Transaction Received",
  processed: "Transaction Processed",
  /** csv-transform ran short of time: the rest of a file is handed to a fresh invocation. */
  csvLoadContinued: "CSV Load Continued",
} as const;

/** A JSON value as it may appear in an event pattern. */
export type PatternValue =
  string | number | boolean | null | PatternValue[] | { [key: string]: PatternValue };
export type EventPattern = { [key: string]: PatternValue };

/** Amount lane boundaries in US dollars (major units) of the event's `detail.amountUsd`. */
export interface AmountLaneThresholds {
  /** Amounts strictly above this are the high lane. Default 10,000. */
  readonly highAboveUsd: number;
  /** Amounts strictly below this are the low lane; the rest up to highAboveUsd are medium. Default 1,000. */
  readonly lowBelowUsd: number;
}

export const defaultAmountLaneThresholds: AmountLaneThresholds = { highAboveUsd: 10_000, lowBelowUsd: 1_000 };

export const amountLanes: readonly AmountLane[] = ["high", "medium", "low"];

/** Throws naming the threshold when the lanes would overlap or leave a gap. */
export function checkAmountLaneThresholds(thresholds: AmountLaneThresholds): void {
  const { highAboveUsd, lowBelowUsd } = thresholds;
  for (const [name, value] of Object.entries({ highAboveUsd, lowBelowUsd })) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new Error(
        `amount lane threshold ${name} must be a positive whole number of US dollars, got ${value}`,
      );
    }
  }
  if (lowBelowUsd > highAboveUsd) {
    throw new Error(
      `amount lane threshold lowBelowUsd (${lowBelowUsd}) must not exceed highAboveUsd (${highAboveUsd})`,
    );
  }
}

/**
 * One pattern per lane on `detail.amountUsd` (the US-dollar equivalent, so a yen amount is not
 * routed as if it were dollars). The numeric ranges are disjoint and together cover every amount
 * from 0 up: high `> high`, medium `>= low and <= high`, low `>= 0 and < low`.
 */
export function amountLanePatterns(
  thresholds: AmountLaneThresholds = defaultAmountLaneThresholds,
): Record<AmountLane, EventPattern> {
  checkAmountLaneThresholds(thresholds);
  const { highAboveUsd, lowBelowUsd } = thresholds;
  const received = (range: PatternValue[]): EventPattern => ({
    source: [intakeEventSource],
    "detail-type": [DetailType.received],
    detail: { amountUsd: [{ numeric: range }] },
  });
  return {
    high: received([">", highAboveUsd]),
    medium: received([">=", lowBelowUsd, "<=", highAboveUsd]),
    low: received([">=", 0, "<", lowBelowUsd]),
  };
}

/**
 * The high-value "received" alert's own rule: the high lane, first deliveries only. An event
 * published again for a transaction already accepted (`detail.redelivery`) goes to the state
 * machine but never alerts a second time.
 */
export function highValueAlertPattern(
  thresholds: AmountLaneThresholds = defaultAmountLaneThresholds,
): EventPattern {
  const high = amountLanePatterns(thresholds).high;
  return {
    ...high,
    detail: { ...(high.detail as { [key: string]: PatternValue }), redelivery: [{ exists: false }] },
  };
}

/** An EventBridge input transformer: values picked by JSONPath, placed into a template. */
export interface InputTransformer {
  readonly inputPaths: Readonly<Record<string, string>>;
  readonly inputTemplate: string;
}

/**
 * What the state machine receives from a lane rule: the event envelope it needs plus `lane`, so
 * the decision and its alert can say which lane the transaction took.
 */
export function stateMachineTargetInput(lane: AmountLane): InputTransformer {
  return {
    inputPaths: { id: "$.id", source: "$.source", time: "$.time", detail: "$.detail" },
    inputTemplate: `{"id": <id>, "source": <source>, "detail-type": "${DetailType.received}", "time": <time>, "detail": <detail>, "lane": "${lane}"}`,
  };
}

/** `alert` of the message the high lane publishes to the alerts topic when a transaction arrives. */
export const highValueReceivedAlert = "HIGH_VALUE_RECEIVED";

/**
 * The high lane's second target: a short alert to the alerts topic as soon as a high-value
 * transaction arrives, before screening decides anything. Placeholders of string values are
 * deliberately unquoted: in a JSON template EventBridge inserts a string variable as a quoted,
 * escaped JSON string and a number as a number, so the message stays valid JSON whatever the
 * transaction key holds. Only the envelope and amounts are sent, never the transaction body.
 */
export function highValueAlertInput(): InputTransformer {
  return {
    inputPaths: {
      eventId: "$.id",
      receivedAt: "$.time",
      transactionId: "$.detail.transactionId",
      // The canonical decimal string, never the routing float.
      amount: "$.detail.transaction.amount",
      currency: "$.detail.currency",
      amountUsd: "$.detail.amountUsd",
    },
    inputTemplate:
      `{"alert": "${highValueReceivedAlert}", "lane": "high", ` +
      `"message": "High-value transaction received; screening follows", ` +
      `"transactionId": <transactionId>, "amount": <amount>, "currency": <currency>, ` +
      `"amountUsd": <amountUsd>, "receivedAt": <receivedAt>, "eventId": <eventId>}`,
  };
}

/**
 * Every "Transaction Processed" event: the notifier counts each decision (a business metric) and,
 * for CSV rows, the file's progress.
 */
export function transactionProcessedPattern(): EventPattern {
  return { source: [decisionEventSource], "detail-type": [DetailType.processed] };
}

/**
 * The detail of a "CSV Load Continued" event: where the file is and where its load stands, never
 * row data. `fromLine` is the publisher's idea of where to resume; the status table's checkpoint
 * decides.
 */
export interface CsvLoadContinuedDetail {
  readonly bucket: string;
  readonly key: string;
  readonly fileId: string;
  readonly fromLine: number;
}

/**
 * csv-transform's own continuations, delivered back to csv-transform: each is a new asynchronous
 * invocation with Lambda's full retry budget, so a file may need any number of runs.
 */
export function csvLoadContinuedPattern(): EventPattern {
  return { source: [intakeEventSource], "detail-type": [DetailType.csvLoadContinued] };
}
