/**
 * "Transaction Processed" events of the state machine, as the bus rule delivers them to the
 * notifier, all from one fixture (fixtures/eventbridge/transaction-processed.json).
 */
import { randomUUID } from "node:crypto";
import processedFixture from "../fixtures/eventbridge/transaction-processed.json";

export type DecisionStatus = "APPROVED" | "REVIEW" | "REJECTED";

/** The event for `transactionId` decided `status`; a new event id unless one is given. */
export function processedEvent(
  transactionId: string,
  status: DecisionStatus,
  overrides: { readonly id?: string; readonly time?: string } = {},
) {
  const event = structuredClone(processedFixture);
  event.id = overrides.id ?? randomUUID();
  event.time = overrides.time ?? event.time;
  event.detail.transactionId = transactionId;
  event.detail.status = status;
  return event;
}
