/**
 * What the pipeline did, read back from where it is recorded: the local bus archive (every event
 * any publisher put on the bus), the dead-letter queue (peeked in fauxqs, nothing consumed) and
 * the API (GET /transactions/{id}, GET /files/{file_id}). The checks every reliability test makes:
 * each accepted transaction decided exactly once, or dead-lettered with its whole input.
 */
import { expect } from "chai";
import { mapWithConcurrency } from "../../../functions/shared/concurrency";
import { DetailType } from "../../../functions/shared/eventRouting";
import type { EventEnvelope } from "../../../local/eventBus";
import { localResourceNames, type LocalPipeline } from "../../../local/localPipeline";
import type { PipelineClient } from "../../../tools/pipelineClient";
import { amountLanes } from "../../../pipeline";

const decidedStatuses = ["APPROVED", "REVIEW", "REJECTED"];

/** Events of one detail type on the bus, by the transaction key in their detail. */
export function eventsByKey(pipeline: LocalPipeline, detailType: string): Map<string, EventEnvelope[]> {
  const byKey = new Map<string, EventEnvelope[]>();
  for (const event of pipeline.bus.archive()) {
    if (event["detail-type"] !== detailType) continue;
    const key = String(event.detail.transactionId);
    byKey.set(key, [...(byKey.get(key) ?? []), event]);
  }
  return byKey;
}

/** How many times each key's event of this detail type is on the bus. */
export function eventCounts(pipeline: LocalPipeline, detailType: string): Map<string, number> {
  return new Map([...eventsByKey(pipeline, detailType)].map(([key, events]) => [key, events.length]));
}

/** A message SendToDLQ wrote: the execution's whole input and the error that ended it. */
export interface DeadLetterMessage {
  readonly input: {
    readonly id: string;
    readonly source: string;
    readonly "detail-type": string;
    readonly time: string;
    readonly detail: { readonly transactionId: string } & Record<string, unknown>;
    readonly lane: string;
  };
  readonly error: { readonly Error: string; readonly Cause?: string };
  readonly executionId: string;
  readonly startedAt: string;
}

/** Every message in the pipeline's dead-letter queue, in flight or not, left where it is. */
export function deadLetters(pipeline: LocalPipeline): DeadLetterMessage[] {
  const queue = pipeline.emulators.fauxqs.inspectQueue(localResourceNames.deadLetterQueue);
  if (!queue) throw new Error("the dead-letter queue does not exist");
  const { ready, delayed, inflight } = queue.messages;
  return [...ready, ...delayed, ...inflight.map(({ message }) => message)].map(
    (message) => JSON.parse(message.body) as DeadLetterMessage,
  );
}

/** The keys whose transaction does not read back decided (with its decision) through the API. */
export async function undecided(client: PipelineClient, keys: Iterable<string>): Promise<string[]> {
  const problems: string[] = [];
  await mapWithConcurrency([...keys], 8, async (key) => {
    const view = await client.waitForDecision(key);
    const decided =
      view.status === 200 && decidedStatuses.includes(view.body.status) && view.body.decision !== undefined;
    if (!decided) problems.push(`${key}: ${view.status} ${view.text.slice(0, 200)}`);
  });
  return problems.sort();
}

/**
 * Nothing lost, nothing duplicated: each of `decided` has exactly one "Transaction Processed" on
 * the bus and reads back decided; each of `deadLettered` has none and exactly one dead-letter
 * message whose input is the whole event its execution was started with; nothing else (among the
 * keys containing `scope`, when tests share a stack) is in the dead-letter queue or was decided.
 */
export async function expectDecidedOnceOrDeadLettered(
  pipeline: LocalPipeline,
  client: PipelineClient,
  expected: {
    readonly decided: ReadonlySet<string>;
    readonly deadLettered?: ReadonlySet<string>;
    /** Only keys containing this are looked at; every key when absent. */
    readonly scope?: string;
    /** Executions that ended in Fail so far; default one per dead letter, unchecked with a scope. */
    readonly failedExecutions?: number;
  },
): Promise<void> {
  await pipeline.idle();
  const inScope = (key: string) => expected.scope === undefined || key.includes(expected.scope);
  const deadLettered = expected.deadLettered ?? new Set<string>();
  const processed = eventCounts(pipeline, DetailType.processed);

  const notOnce = [...expected.decided]
    .filter((key) => processed.get(key) !== 1)
    .map((key) => `${key}: ${processed.get(key) ?? 0} "Transaction Processed" events`);
  expect(notOnce, "accepted transactions not decided exactly once").to.deep.equal([]);
  const unexpected = [...processed.keys()].filter((key) => inScope(key) && !expected.decided.has(key));
  expect(unexpected, "decisions for transactions nobody expected decided").to.deep.equal([]);
  expect(await undecided(client, expected.decided), "decisions not readable through the API").to.deep.equal(
    [],
  );

  const letters = deadLetters(pipeline).filter((letter) => inScope(letter.input.detail.transactionId));
  expect(letters.map((letter) => letter.input.detail.transactionId).sort()).to.deep.equal(
    [...deadLettered].sort(),
  );
  const received = eventsByKey(pipeline, DetailType.received);
  for (const letter of letters) {
    const key = letter.input.detail.transactionId;
    const event = received.get(key)?.find((candidate) => candidate.id === letter.input.id);
    expect(event, `the event that started ${key}'s execution`).to.not.equal(undefined);
    const { id, source, time, detail } = event as EventEnvelope;
    expect(letter.input).to.deep.equal({
      id,
      source,
      "detail-type": DetailType.received,
      time,
      detail,
      lane: letter.input.lane,
    });
    expect(amountLanes).to.include(letter.input.lane);
    expect(letter.error.Error, `${key}: the error that ended it`).to.be.a("string").and.not.equal("");
  }
  const failedExecutions =
    expected.failedExecutions ?? (expected.scope === undefined ? deadLettered.size : undefined);
  if (failedExecutions !== undefined) {
    expect(pipeline.failedExecutions(), "executions that ended in Fail").to.equal(failedExecutions);
  }
}
