/**
 * The "Transaction Processed" event as the transactionProcessedPattern rule delivers it: the
 * EventBridge envelope with the state machine's outcome as `detail`
 * (components/processing/stateMachineDefinition/index.ts, PublishProcessed), for every decided
 * transaction, CSV rows and webhook deliveries alike. Only what the notifier needs is read;
 * anything else may change freely.
 */
import * as z from "../shared/zod";
import { DetailType } from "../shared/eventRouting";

export type DecisionStatus = "APPROVED" | "REVIEW" | "REJECTED";

const processedEvent = z.object({
  id: z.string().check(z.minLength(1)),
  "detail-type": z.literal(DetailType.processed),
  time: z.optional(z.string()),
  detail: z.object({
    transactionId: z.string().check(z.minLength(1), z.maxLength(256)),
    status: z.enum(["APPROVED", "REVIEW", "REJECTED"]),
    stage: z.optional(z.string()),
    lane: z.optional(z.string()),
  }),
});

export interface ProcessedDecision {
  readonly eventId: string;
  /** The event's time, when it has a valid one. */
  readonly eventTime?: Date;
  /** The recorded key: `csv#<transaction_id>` for a CSV row, `<provider>#<transaction_id>` for a webhook. */
  readonly transactionId: string;
  readonly status: DecisionStatus;
}

export type ProcessedEventParse =
  | { readonly ok: true; readonly decision: ProcessedDecision }
  | { readonly ok: false; readonly problem: string };

export function parseProcessedEvent(event: unknown): ProcessedEventParse {
  const parsed = processedEvent.safeParse(event);
  if (!parsed.success) {
    // Paths and codes only: the event's values stay out of the logs.
    const problem = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.code}`).join("; ");
    return { ok: false, problem };
  }
  const { id, time, detail } = parsed.data;
  const eventTime = time === undefined ? undefined : new Date(time);
  return {
    ok: true,
    decision: {
      eventId: id,
      ...(eventTime !== undefined && !Number.isNaN(eventTime.getTime()) ? { eventTime } : {}),
      transactionId: detail.transactionId,
      status: detail.status,
    },
  };
}
