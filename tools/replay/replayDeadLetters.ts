/**
 * Restarts dead-lettered transactions: receives each queue's messages, and for each one that
 * carries a transaction puts a fresh "Transaction Received" event with the original id and detail
 * on the pipeline bus; the lane rules route it as they routed the first one.
 *
 * Safe to run again and again: validation stores with a conditional put and the decision is
 * recorded with attribute_not_exists(decision), so restarting a transaction that was decided
 * meanwhile changes nothing. A message is deleted only after PutEvents accepted its entry; every
 * other message (refused, unreadable, or shown in a dry run) stays in its queue and is made
 * visible again when the run ends.
 */
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { publishTransactionReceived } from "../../functions/shared/transactionReceivedEvent";
import {
  parseDeadLetter,
  printableText,
  type DeadLetter,
  type DeadLetterQueue,
  type ReplayableDeadLetter,
  type UnreplayableDeadLetter,
} from "./deadLetters";

/** Time, injectable so the rate limit is testable without waiting. */
export interface Clock {
  now(): number;
  sleep(milliseconds: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
};

export type ReplayOutcome =
  /** Restarted: PutEvents accepted the event and the message was deleted. */
  | { readonly kind: "replayed"; readonly letter: ReplayableDeadLetter; readonly eventId: string }
  /** Left in the queue: the restart was refused, or was accepted but the delete failed. */
  | { readonly kind: "kept"; readonly letter: ReplayableDeadLetter; readonly why: string }
  /** Left in the queue: nothing in it can be restarted. */
  | { readonly kind: "skipped"; readonly letter: UnreplayableDeadLetter }
  /** Dry run: shown, left in the queue. */
  | { readonly kind: "shown"; readonly letter: DeadLetter };

export interface QueueError {
  readonly queue: DeadLetterQueue;
  readonly message: string;
}

export interface ReplaySummary {
  readonly outcomes: readonly ReplayOutcome[];
  readonly replayed: number;
  readonly kept: number;
  readonly skipped: number;
  readonly shown: number;
  /** Queues that could not be read (the run went on with the others). */
  readonly queueErrors: readonly QueueError[];
  /** Messages that could not be made visible again; they reappear after the visibility timeout. */
  readonly visibilityResetFailures: number;
}

export interface ReplayOptions {
  readonly queues: readonly DeadLetterQueue[];
  readonly eventBusName: string;
  /** Receive and report only: no PutEvents, no DeleteMessage. */
  readonly dryRun?: boolean;
  /** Stop after this many messages (across all queues). */
  readonly limit?: number;
  /** At most this many restarts per second. */
  readonly ratePerSecond?: number;
  /** ReceiveMessage long-poll seconds; 0 in tests against an emulator. Default 1. */
  readonly waitTimeSeconds?: number;
  /** Called once per message, as it is settled (progress, per-message lines). */
  readonly onOutcome?: (outcome: ReplayOutcome) => void;
}

export interface ReplayClients {
  readonly sqs: SQSClient;
  readonly eventBridge: EventBridgeClient;
  readonly clock?: Clock;
}

/** SQS returns at most 10 messages per receive. */
export const receiveBatchSize = 10;
/** SQS's longest visibility timeout (12 hours). */
const maxVisibilityTimeoutSeconds = 43_200;
/** Long enough to print a batch; the messages are made visible again at the end anyway. */
export const dryRunVisibilityTimeoutSeconds = 30;

/**
 * How long a received message stays hidden: the time the batch's restarts may take at the rate
 * limit, twice over, plus a margin, and never under two minutes, so no message of the batch
 * reappears (and is received again) while it is being restarted.
 */
export function visibilityTimeoutSeconds(dryRun: boolean, ratePerSecond?: number): number {
  if (dryRun) return dryRunVisibilityTimeoutSeconds;
  const restartSeconds = ratePerSecond === undefined ? 0 : Math.ceil(receiveBatchSize / ratePerSecond);
  return Math.min(maxVisibilityTimeoutSeconds, Math.max(120, 2 * restartSeconds + 60));
}

/** Spaces calls at least 1/rate seconds apart (no bursts: an operator tool has no hurry). */
export class RateLimiter {
  private next = Number.NEGATIVE_INFINITY;
  private readonly intervalMs: number;

  constructor(
    ratePerSecond: number | undefined,
    private readonly clock: Clock,
  ) {
    this.intervalMs = ratePerSecond === undefined ? 0 : 1000 / ratePerSecond;
  }

  async take(): Promise<void> {
    if (this.intervalMs === 0) return;
    const now = this.clock.now();
    const at = Math.max(now, this.next);
    this.next = at + this.intervalMs;
    if (at > now) await this.clock.sleep(at - now);
  }
}

function errorText(error: unknown): string {
  return printableText(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}

/** The messages waiting in the queues (approximate, as SQS says), for a progress bar's total. */
export async function countDeadLetters(
  sqs: SQSClient,
  queues: readonly DeadLetterQueue[],
): Promise<number | undefined> {
  let total = 0;
  for (const queue of queues) {
    try {
      const answer = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queue.url,
          AttributeNames: ["ApproximateNumberOfMessages"],
        }),
      );
      total += Number(answer.Attributes?.ApproximateNumberOfMessages ?? 0) || 0;
    } catch {
      return undefined;
    }
  }
  return total;
}

interface HeldMessage {
  readonly queue: DeadLetterQueue;
  readonly messageId: string;
  receiptHandle: string;
}

/** Makes the held messages visible again at once, 10 per call; answers how many failed. */
async function releaseHeld(sqs: SQSClient, held: Iterable<HeldMessage>): Promise<number> {
  const byQueue = new Map<string, HeldMessage[]>();
  for (const message of held) {
    const list = byQueue.get(message.queue.url) ?? [];
    list.push(message);
    byQueue.set(message.queue.url, list);
  }
  let failures = 0;
  for (const [url, messages] of byQueue) {
    for (let start = 0; start < messages.length; start += receiveBatchSize) {
      const batch = messages.slice(start, start + receiveBatchSize);
      try {
        const answer = await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: url,
            Entries: batch.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.receiptHandle,
              VisibilityTimeout: 0,
            })),
          }),
        );
        failures += answer.Failed?.length ?? 0;
      } catch {
        failures += batch.length;
      }
    }
  }
  return failures;
}

/** Receives, reports and (unless a dry run) restarts dead letters; never throws for one message. */
export async function replayDeadLetters(
  clients: ReplayClients,
  options: ReplayOptions,
): Promise<ReplaySummary> {
  const dryRun = options.dryRun ?? false;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const limiter = new RateLimiter(options.ratePerSecond, clients.clock ?? systemClock);
  const visibilityTimeout = visibilityTimeoutSeconds(dryRun, options.ratePerSecond);
  const outcomes: ReplayOutcome[] = [];
  const queueErrors: QueueError[] = [];
  /** Messages left in their queue, by message id: the latest receipt handle is the valid one. */
  const held = new Map<string, HeldMessage>();
  const seen = new Set<string>();

  const settle = (outcome: ReplayOutcome): void => {
    outcomes.push(outcome);
    if (outcome.kind !== "replayed") {
      const { queue, messageId, receiptHandle } = outcome.letter;
      held.set(messageId, { queue, messageId, receiptHandle });
    }
    options.onOutcome?.(outcome);
  };

  const restart = async (letter: ReplayableDeadLetter): Promise<ReplayOutcome> => {
    await limiter.take();
    let eventId: string;
    try {
      eventId = await publishTransactionReceived(clients.eventBridge, options.eventBusName, {
        ...letter.detail,
        // A replay never re-sends the high-value "received" alert.
        redelivery: true,
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause !== undefined ? ` (${errorText(error.cause)})` : "";
      return { kind: "kept", letter, why: `restart refused: ${errorText(error)}${cause}` };
    }
    try {
      await clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: letter.queue.url, ReceiptHandle: letter.receiptHandle }),
      );
    } catch (error) {
      // Restarted, but the message stays: a later run restarts it again, which changes nothing.
      return {
        kind: "kept",
        letter,
        why: `restarted (event ${eventId}) but not deleted: ${errorText(error)}`,
      };
    }
    return { kind: "replayed", letter, eventId };
  };

  for (const queue of options.queues) {
    while (outcomes.length < limit) {
      let messages;
      try {
        const answer = await clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queue.url,
            MaxNumberOfMessages: Math.min(receiveBatchSize, limit - outcomes.length),
            VisibilityTimeout: visibilityTimeout,
            WaitTimeSeconds: options.waitTimeSeconds ?? 1,
            MessageAttributeNames: ["All"],
            MessageSystemAttributeNames: ["SentTimestamp"],
          }),
        );
        messages = answer.Messages ?? [];
      } catch (error) {
        queueErrors.push({ queue, message: errorText(error) });
        break;
      }
      // Held messages come back once their timeout ends; a batch of nothing new means the queue is done.
      const fresh = messages.filter((message) => !seen.has(message.MessageId ?? ""));
      for (const message of messages) {
        const again = held.get(message.MessageId ?? "");
        if (again && message.ReceiptHandle) again.receiptHandle = message.ReceiptHandle;
      }
      if (fresh.length === 0) break;
      // MaxNumberOfMessages keeps a batch within the limit.
      for (const message of fresh) {
        seen.add(message.MessageId ?? "");
        const letter = parseDeadLetter(queue, message);
        if (dryRun) settle({ kind: "shown", letter });
        else if (!letter.replayable) settle({ kind: "skipped", letter });
        else settle(await restart(letter));
      }
    }
    if (outcomes.length >= limit) break;
  }

  const visibilityResetFailures = await releaseHeld(clients.sqs, held.values());
  const count = (kind: ReplayOutcome["kind"]) => outcomes.filter((outcome) => outcome.kind === kind).length;
  return {
    outcomes,
    replayed: count("replayed"),
    kept: count("kept"),
    skipped: count("skipped"),
    shown: count("shown"),
    queueErrors,
    visibilityResetFailures,
  };
}
