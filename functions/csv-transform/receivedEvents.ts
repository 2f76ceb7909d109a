/**
 * Publishes the "Transaction Received" events of a chunk of rows: PutEvents with 10 entries per
 * call (its limit), a few calls in flight, and only the failed entries of a call sent again, with
 * backoff. After the last attempt the chunk fails with RowPublishError: a row is never dropped
 * quietly, and the run's checkpoint stays before the chunk so a retry publishes it again.
 */
import {
  PutEventsCommand,
  type EventBridgeClient,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import type { CsvValidRow } from "../shared/csvTransactions";
import { DetailType, intakeEventSource } from "../shared/eventRouting";
import { transactionReceivedDetail } from "../shared/transactionReceivedEvent";
import { RowPublishError } from "./errors";
import { mapWithConcurrency } from "../shared/concurrency";
import { sendInRounds, slices, type RetryPolicy } from "../shared/retry";

/** PutEvents' own limit. */
export const entriesPerCall = 10;

export interface EventBus {
  readonly client: EventBridgeClient;
  readonly eventBusName: string;
  readonly retry: RetryPolicy;
  /** PutEvents calls in flight at once. */
  readonly concurrency: number;
}

export interface PublishStats {
  /** PutEvents calls made, retries included. */
  readonly calls: number;
  /** Entries sent again after the bus refused them (or the call failed). */
  readonly retriedEntries: number;
}

export function receivedEntry(eventBusName: string, row: CsvValidRow): PutEventsRequestEntry {
  return {
    EventBusName: eventBusName,
    Source: intakeEventSource,
    DetailType: DetailType.received,
    Detail: JSON.stringify(transactionReceivedDetail(row.key, row.transaction)),
  };
}

async function publishBatch(
  bus: EventBus,
  fileId: string,
  rows: readonly CsvValidRow[],
): Promise<PublishStats> {
  let calls = 0;
  let retriedEntries = 0;
  let lastProblem = "";
  let lastCause: unknown;
  await sendInRounds(
    rows.map((row) => receivedEntry(bus.eventBusName, row)),
    {
      policy: bus.retry,
      send: async (pending, attempt) => {
        if (attempt > 1) retriedEntries += pending.length;
        calls += 1;
        let answer: PutEventsCommandOutput;
        try {
          answer = await bus.client.send(new PutEventsCommand({ Entries: [...pending] }));
        } catch (error) {
          // The SDK has already retried what it deems retryable; a few more rounds cost little here.
          lastProblem = `the PutEvents call failed (${error instanceof Error ? error.name : "unknown error"})`;
          lastCause = error;
          return pending;
        }
        // Entries answer in request order; an entry with an ErrorCode (or no EventId) was not accepted.
        const results = answer.Entries ?? [];
        const refused = pending.filter((_, index) => !results[index]?.EventId || results[index]?.ErrorCode);
        if (refused.length > 0) {
          const codes = new Set(results.flatMap((result) => (result.ErrorCode ? [result.ErrorCode] : [])));
          lastProblem = `${refused.length} entries refused (${[...codes].join(", ") || "no event id"})`;
          lastCause = undefined;
        }
        return refused;
      },
      giveUp: (left, attempts) =>
        new RowPublishError(fileId, left.length, `after ${attempts} attempts: ${lastProblem}`, {
          cause: lastCause,
        }),
    },
  );
  return { calls, retriedEntries };
}

export async function publishReceivedEvents(
  bus: EventBus,
  fileId: string,
  rows: readonly CsvValidRow[],
): Promise<PublishStats> {
  const stats = await mapWithConcurrency(slices(rows, entriesPerCall), bus.concurrency, (batch) =>
    publishBatch(bus, fileId, batch),
  );
  return stats.reduce(
    (total, batch) => ({
      calls: total.calls + batch.calls,
      retriedEntries: total.retriedEntries + batch.retriedEntries,
    }),
    { calls: 0, retriedEntries: 0 },
  );
}
