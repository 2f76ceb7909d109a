/**
 * What a dead letter says: which transaction failed, why, when and in which queue, and whether it
 * can be restarted. Two kinds of queue hold them:
 *
 * - the pipeline dead-letter queue, written by the state machine's SendToDLQ state with
 *   `{input, error: {Error, Cause}, executionId, startedAt}` (components/
 *   transactionStateMachineDefinition.ts), `input` being what a lane rule delivered
 *   (pipeline/lanes.ts `stateMachineTargetInput`): the envelope, `detail`, `lane`;
 * - EventRouting's per-target queues, written by EventBridge when a target could not be invoked:
 *   the original event as the body, the failure in the message attributes ERROR_CODE,
 *   ERROR_MESSAGE, RULE_ARN, TARGET_ARN, RETRY_ATTEMPTS and EXHAUSTED_RETRY_CONDITION
 *   (EventBridge User Guide, "Using dead-letter queues to process undelivered events").
 *
 * Only the transaction's `detail` is needed to restart it; everything printed is an id or a
 * reason, never the detail, and reasons are masked in case a card number found its way into one.
 */
import type { Message } from "@aws-sdk/client-sqs";
import { z } from "zod";
import { DetailType } from "../../functions/shared/eventRouting";
import { redactPanText } from "../../functions/shared/pan";
import type { TransactionReceivedDetail } from "../../functions/shared/stepContracts";

export type DeadLetterQueueKind = "pipeline" | "routing";

export interface DeadLetterQueue {
  /** How the queue is named in reports: "pipeline" or "routing/<target>". */
  readonly name: string;
  readonly url: string;
  readonly kind: DeadLetterQueueKind;
}

/** The queues of a stack: the pipeline's, then each routing target's (sorted by target). */
export function deadLetterQueues(outputs: {
  readonly deadLetterQueueUrl: string;
  readonly routingDeadLetterQueueUrls: Readonly<Record<string, string>>;
}): DeadLetterQueue[] {
  const queues: DeadLetterQueue[] = [{ name: "pipeline", url: outputs.deadLetterQueueUrl, kind: "pipeline" }];
  for (const target of Object.keys(outputs.routingDeadLetterQueueUrls).sort()) {
    const url = outputs.routingDeadLetterQueueUrls[target];
    if (url && !queues.some((queue) => queue.url === url)) {
      queues.push({ name: `routing/${target}`, url, kind: "routing" });
    }
  }
  return queues;
}

interface DeadLetterBase {
  readonly queue: DeadLetterQueue;
  readonly messageId: string;
  readonly receiptHandle: string;
  /** When the message reached the queue (ISO 8601), or when the failed run started. */
  readonly failedAt?: string;
  /** Why it failed, as the queue's writer said (masked, shortened). */
  readonly reason: string;
  /** The execution, or the rule and target, that failed. */
  readonly origin?: string;
}

export interface ReplayableDeadLetter extends DeadLetterBase {
  readonly replayable: true;
  readonly transactionId: string;
  /** The original event detail, restarted as it was. Never printed. */
  readonly detail: TransactionReceivedDetail;
}

export interface UnreplayableDeadLetter extends DeadLetterBase {
  readonly replayable: false;
  readonly transactionId?: string;
  /** Why it cannot be restarted. */
  readonly problem: string;
}

export type DeadLetter = ReplayableDeadLetter | UnreplayableDeadLetter;

/** Longest reason printed; a Lambda error's Cause carries a whole stack trace. */
const maxReasonLength = 300;

/** A reason fit for a terminal: one line, no card number, bounded. */
export function printableText(text: string): string {
  const line = redactPanText(text).replace(/\s+/g, " ").trim();
  return line.length > maxReasonLength ? `${line.slice(0, maxReasonLength - 1)}…` : line;
}

const stepFunctionsErrorSchema = z.looseObject({
  Error: z.string().optional(),
  Cause: z.string().optional(),
});

const pipelineBodySchema = z.looseObject({
  input: z.unknown(),
  error: stepFunctionsErrorSchema.optional(),
  executionId: z.string().optional(),
  startedAt: z.string().optional(),
});

/** The event envelope (a routing DLQ body) or the lane target input (a pipeline DLQ `input`). */
const receivedEventSchema = z.looseObject({
  "detail-type": z.string().optional(),
  time: z.string().optional(),
  detail: z.unknown(),
});

const detailSchema = z.looseObject({
  transactionId: z.string().min(1),
  transaction: z.record(z.string(), z.unknown()),
  amount: z.number().optional(),
  currency: z.string().optional(),
  amountUsd: z.number().optional(),
});

/** A Lambda error's Cause is JSON with `errorMessage`; other causes are plain text. */
function causeMessage(cause: string): string {
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed === "object" && parsed !== null) {
      const message = (parsed as { errorMessage?: unknown }).errorMessage;
      if (typeof message === "string") return message;
    }
  } catch {
    // Plain text.
  }
  return cause;
}

function stepFunctionsReason(error: z.infer<typeof stepFunctionsErrorSchema> | undefined): string {
  if (!error) return "no error recorded";
  const name = error.Error ?? "unknown error";
  return error.Cause ? `${name}: ${causeMessage(error.Cause)}` : name;
}

function stringAttribute(message: Message, name: string): string | undefined {
  const value = message.MessageAttributes?.[name]?.StringValue;
  return value === undefined || value === "" ? undefined : value;
}

function eventBridgeReason(message: Message): string {
  const code = stringAttribute(message, "ERROR_CODE") ?? "unknown error";
  const text = stringAttribute(message, "ERROR_MESSAGE");
  const exhausted = stringAttribute(message, "EXHAUSTED_RETRY_CONDITION");
  const attempts = stringAttribute(message, "RETRY_ATTEMPTS");
  const retries = exhausted ? ` (${exhausted}${attempts ? ` after ${attempts} retries` : ""})` : "";
  return `${code}${text ? `: ${text}` : ""}${retries}`;
}

/** The last part of an ARN (`rule/bus/name` → `name`): enough to tell lanes apart in a report. */
function arnName(arn: string | undefined): string | undefined {
  return arn?.split(/[/:]/).pop() || undefined;
}

function sentAt(message: Message): string | undefined {
  const millis = Number(message.Attributes?.SentTimestamp);
  return Number.isFinite(millis) && millis > 0 ? new Date(millis).toISOString() : undefined;
}

type EventReading =
  | { readonly detail: TransactionReceivedDetail; readonly time?: string }
  | { readonly problem: string; readonly transactionId?: string; readonly time?: string };

/** Reads the transaction detail out of an event envelope or a lane target input. */
function readEvent(value: unknown): EventReading {
  const event = receivedEventSchema.safeParse(value);
  if (!event.success || event.data.detail === undefined) {
    return { problem: "no Transaction Received event in the message" };
  }
  const detailType = event.data["detail-type"];
  const time = event.data.time;
  const rawKey = (event.data.detail as { transactionId?: unknown } | null)?.transactionId;
  const transactionId = typeof rawKey === "string" && rawKey !== "" ? rawKey : undefined;
  if (detailType !== undefined && detailType !== DetailType.received) {
    return { problem: `a "${detailType}" event, not "${DetailType.received}"`, transactionId, time };
  }
  const detail = detailSchema.safeParse(event.data.detail);
  if (!detail.success) {
    const fields = [...new Set(detail.error.issues.map((issue) => issue.path.map(String).join(".")))];
    return { problem: `the event detail lacks a valid ${fields.join(", ")}`, transactionId, time };
  }
  return { detail: detail.data as TransactionReceivedDetail, time };
}

function parseJson(body: string | undefined): { value: unknown } | undefined {
  if (body === undefined) return undefined;
  try {
    return { value: JSON.parse(body) as unknown };
  } catch {
    return undefined;
  }
}

/** One received message, read; never throws (an unreadable message is unreplayable, not an error). */
export function parseDeadLetter(queue: DeadLetterQueue, message: Message): DeadLetter {
  const base = {
    queue,
    messageId: message.MessageId ?? "(no message id)",
    receiptHandle: message.ReceiptHandle ?? "",
  };
  const json = parseJson(message.Body);
  if (!json) {
    return {
      ...base,
      replayable: false,
      failedAt: sentAt(message),
      reason: queue.kind === "routing" ? printableText(eventBridgeReason(message)) : "unknown",
      problem: message.Body === undefined ? "the message has no body" : "the body is not JSON",
    };
  }

  let eventValue: unknown;
  let reason: string;
  let origin: string | undefined;
  let startedAt: string | undefined;
  const pipelineBody = pipelineBodySchema.safeParse(json.value);
  if (pipelineBody.success && pipelineBody.data.input !== undefined) {
    // The state machine's own dead letter; Execution.Input may arrive as JSON text.
    const input = pipelineBody.data.input;
    eventValue = typeof input === "string" ? parseJson(input)?.value : input;
    reason = stepFunctionsReason(pipelineBody.data.error);
    origin = pipelineBody.data.executionId && `execution ${pipelineBody.data.executionId}`;
    startedAt = pipelineBody.data.startedAt;
  } else {
    eventValue = json.value;
    reason = eventBridgeReason(message);
    const rule = arnName(stringAttribute(message, "RULE_ARN"));
    const target = arnName(stringAttribute(message, "TARGET_ARN"));
    origin = rule || target ? `rule ${rule ?? "?"} → ${target ?? "?"}` : undefined;
  }

  const event = readEvent(eventValue);
  const common = {
    ...base,
    failedAt: sentAt(message) ?? startedAt ?? event.time,
    reason: printableText(reason),
    ...(origin ? { origin } : {}),
  };
  if ("problem" in event) {
    return {
      ...common,
      replayable: false,
      problem: event.problem,
      ...(event.transactionId ? { transactionId: event.transactionId } : {}),
    };
  }
  return { ...common, replayable: true, transactionId: event.detail.transactionId, detail: event.detail };
}
