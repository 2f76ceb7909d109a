/**
 * Publishes "Transaction Received" for a validated transaction: the event every intake (webhook,
 * CSV) hands to the lane rules. A rejected entry is an error, never a silent loss: the caller
 * must not report the transaction as received.
 */
import { PutEventsCommand, type EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DetailType, intakeEventSource } from "./eventRouting";
import { formatMinor } from "./money";
import type { CanonicalTransaction, TransactionReceivedDetail } from "./stepContracts";

/** The bus did not accept the event (a failed entry or a failed call). Worth retrying later. */
export class EventPublishError extends Error {
  constructor(problem: string, options?: { cause?: unknown }) {
    super(`"${DetailType.received}" was not accepted by the event bus: ${problem}`, options);
    this.name = "EventPublishError";
  }
}

/**
 * The event detail. `amount` and `amountUsd` are JSON numbers in major units for the rules'
 * numeric matching only; the money itself travels as the canonical decimal string and minor units.
 */
export function transactionReceivedDetail(
  key: string,
  transaction: CanonicalTransaction,
): TransactionReceivedDetail {
  return {
    transactionId: key,
    amount: Number(transaction.amount),
    currency: transaction.currency,
    amountUsd: Number(formatMinor(transaction.amountUsdMinor, "USD")),
    transaction: { ...transaction },
  };
}

export async function publishTransactionReceived(
  client: EventBridgeClient,
  eventBusName: string,
  detail: TransactionReceivedDetail,
): Promise<string> {
  let answer;
  try {
    answer = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: eventBusName,
            Source: intakeEventSource,
            DetailType: DetailType.received,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
  } catch (error) {
    throw new EventPublishError("the PutEvents call failed", { cause: error });
  }
  const entry = answer.Entries?.[0];
  if ((answer.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
    throw new EventPublishError(
      `entry failed with ${entry?.ErrorCode ?? "no event id"}: ${entry?.ErrorMessage ?? ""}`,
    );
  }
  return entry.EventId;
}
