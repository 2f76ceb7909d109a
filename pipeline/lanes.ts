/**
 * Amount-lane routing: the rules on the pipeline's bus that start the state machine for each
 * "Transaction Received" event, one rule per lane of its US-dollar amount, and the high lane's
 * immediate alert. The EventRouting component deploys exactly these rules, targets and inputs, and
 * the local runtime puts the same ones on its bus, so the two cannot route differently.
 */
import { DetailType, intakeEventSource } from "../functions/shared/eventRouting";
import type { AmountLane } from "../functions/shared/stepContracts";
import type { EventPattern, InputTransformer, PatternValue } from "./eventRules";

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

/** What each lane rule's target is called in outputs and child names: a lane, or the high lane's alert. */
export type RoutingTargetKey = AmountLane | "high-alert";

/** One routing rule and its single target. */
export interface LaneRule {
  /** Names the rule, its target and dead-letter queue (`<routing>-<key>`); a shipped key never changes. */
  readonly key: RoutingTargetKey;
  readonly description: string;
  readonly pattern: EventPattern;
  /** What the rule delivers to: the state machine (one execution per event) or the alerts topic. */
  readonly target: "state-machine" | "alerts-topic";
  /** The target's id on its rule. */
  readonly targetId: string;
  readonly input: InputTransformer;
}

/**
 * Every routing rule, in the order they are deployed: one per lane starting the state machine,
 * then the high lane's first-delivery alert. Its own rule, so an event published again for a
 * transaction (a re-drive, a replay) is routed to the state machine but never alerts twice.
 */
export function laneRules(thresholds: AmountLaneThresholds = defaultAmountLaneThresholds): LaneRule[] {
  const patterns = amountLanePatterns(thresholds);
  return [
    ...amountLanes.map((lane): LaneRule => ({
      key: lane,
      description: `Transactions received in the ${lane} amount lane (US-dollar equivalent)`,
      pattern: patterns[lane],
      target: "state-machine",
      targetId: "state-machine",
      input: stateMachineTargetInput(lane),
    })),
    {
      key: "high-alert",
      description: "High-value transactions received for the first time: an immediate alert",
      pattern: highValueAlertPattern(thresholds),
      target: "alerts-topic",
      targetId: "high-value-alert",
      input: highValueAlertInput(),
    },
  ];
}

export const routingTargetKeys: readonly RoutingTargetKey[] = [...amountLanes, "high-alert"];
