/**
 * The item an intake (webhook or CSV) writes to the intake-records table for each transaction it
 * accepts. The conditional put of this item is what makes intake idempotent; the status endpoint
 * reads it to answer RECEIVED before the state machine has stored the transaction.
 */

import type { TransactionReceivedDetail } from "./stepContracts";

/**
 * PENDING: claimed, the "Transaction Received" event not yet accepted by the bus (a crash here
 * leaves the claim to expire at `leaseUntil`, after which a retry takes it over).
 * ACCEPTED: the event was published and `response` is the answer every repeat delivery gets.
 */
export type IntakeRecordState = "PENDING" | "ACCEPTED";

/** The exact HTTP answer given to the first delivery, replayed to every duplicate. */
export interface StoredResponse {
  readonly statusCode: number;
  readonly body: string;
}

export interface IntakeRecord {
  /** `<provider or source>#<transaction id>`, the same key as the transactions table. */
  readonly transactionId: string;
  readonly state: IntakeRecordState;
  /** "webhook" or "csv". */
  readonly source: string;
  /** The authenticated provider (webhooks) or the file's uploader namespace (CSV). */
  readonly provider: string;
  /** The provider's delivery id (`webhook-id`), when the scheme has one; CSV: `<fileId>:<line>`. */
  readonly deliveryId?: string;
  /** SHA-256 (hex) of the request body in canonical form; a different hash under the same key is a conflict. */
  readonly payloadHash: string;
  /** ISO 8601 instant the first delivery was received. */
  readonly receivedAt: string;
  /** Epoch milliseconds after which a PENDING claim may be taken over. */
  readonly leaseUntil: number;
  /** Random token of the attempt holding the claim; guards the delete and the takeover. */
  readonly attemptId: string;
  /** Epoch seconds after which DynamoDB's TTL may delete the record (at least 96 h later). */
  readonly expiresAt: number;
  readonly response?: StoredResponse;
  /** Set while the transaction awaits a decision: the reconciler's index partition (awaitingDecision.ts). */
  readonly awaitingShard?: string;
  /** The index's sort key: accepted at, then the last re-drive. */
  readonly awaitingSince?: string;
  /** The "Transaction Received" detail as published, which the reconciler re-publishes. */
  readonly received?: TransactionReceivedDetail;
  /** Times the reconciler re-published the transaction, and when it last did. */
  readonly redriveAttempts?: number;
  readonly lastRedrivenAt?: string;
  /** When and why the reconciler gave up and sent the transaction to the dead-letter queue. */
  readonly deadLetteredAt?: string;
  readonly deadLetterReason?: string;
  /** CSV rows: when the row's decision (or its dead-lettering) was counted on its file (notifier). */
  readonly countedInFileAt?: string;
}
