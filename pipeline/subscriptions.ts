/**
 * Functions subscribed to events on the pipeline's bus: one rule each, delivering every matching
 * event to one function asynchronously. The program deploys each as a BusFunctionSubscription
 * (a rule, a retry policy, a dead-letter queue and an invoke grant) and the local runtime puts the
 * same rules on its bus, with Lambda's asynchronous retries.
 */
import { decisionEventSource, DetailType, intakeEventSource } from "../functions/shared/eventRouting";
import type { EventPattern } from "./eventRules";
import type { PipelineFunction } from "./functions";

/**
 * Every "Transaction Processed" event: the notifier counts each decision (a business metric) and,
 * for CSV rows, the file's progress.
 */
export function transactionProcessedPattern(): EventPattern {
  return { source: [decisionEventSource], "detail-type": [DetailType.processed] };
}

/**
 * csv-transform's own continuations, delivered back to csv-transform: each is a new asynchronous
 * invocation with Lambda's full retry budget, so a file may need any number of runs.
 */
export function csvLoadContinuedPattern(): EventPattern {
  return { source: [intakeEventSource], "detail-type": [DetailType.csvLoadContinued] };
}

export interface BusSubscription {
  readonly pattern: EventPattern;
  readonly function: PipelineFunction;
}

/** Subscriptions by name: the name prefixes the rule, its target and queue; a shipped name never changes. */
export const busSubscriptions = {
  // Every decision, not only CSV rows': the notifier counts each one as a business metric. The
  // name predates that and stays (a rename would replace the rule and its queue).
  "csv-decisions": { pattern: transactionProcessedPattern(), function: "notifier" },
  // A run of csv-transform short of time publishes a continuation; this delivers it back as a new
  // asynchronous invocation, with Lambda's retries afresh, so a file is not limited to the three
  // runs the S3 event's retries allow.
  "csv-load-continued": { pattern: csvLoadContinuedPattern(), function: "csv-transform" },
} as const satisfies Record<string, BusSubscription>;

export type BusSubscriptionName = keyof typeof busSubscriptions;
