/**
 * The reconciler's index of accepted work: every intake record (webhook delivery or CSV row) is
 * written with `awaitingShard` and `received` (the "Transaction Received" detail as published), so
 * it sits in the sparse `byAwaitingDecision` index (ordered by `awaitingSince`) until it has an
 * outcome: the notifier removes `awaitingShard` and `awaitingSince` in the write that claims the
 * decision's metric, and the reconciler removes `awaitingShard` from a record it finds decided
 * (whose decision event was lost) or has dead-lettered. The index is read with Query on each
 * shard, oldest `awaitingSince` first; the table is never scanned.
 *
 * Shards spread the index's writes (one per accepted transaction) over several partitions.
 */
import { createHash } from "node:crypto";
import { awaitingDecisionIndex } from "./tableDefinitions";
import type { TransactionReceivedDetail } from "./stepContracts";

/** Partitions of the index; the reconciler queries each one. */
export const awaitingDecisionShards = 8;

/** The shard of a transaction key: stable, so every writer of a key picks the same one. */
export function awaitingShardOf(transactionId: string): string {
  const digest = createHash("sha256").update(transactionId).digest();
  return String(digest[0] % awaitingDecisionShards);
}

export const allAwaitingShards: readonly string[] = Array.from({ length: awaitingDecisionShards }, (_, i) =>
  String(i),
);

/** The attributes a new intake record carries to be found by the reconciler. */
export interface AwaitingDecisionAttributes {
  readonly awaitingShard: string;
  /** ISO 8601: accepted at, then the last re-drive (the index's sort key). */
  readonly awaitingSince: string;
  /** What the reconciler re-publishes while the transaction is undecided. */
  readonly received: TransactionReceivedDetail;
}

export function awaitingDecision(
  detail: TransactionReceivedDetail,
  receivedAt: string,
): AwaitingDecisionAttributes {
  return {
    awaitingShard: awaitingShardOf(detail.transactionId),
    awaitingSince: receivedAt,
    received: detail,
  };
}

/** The index's partition key, named once for the reconciler's queries and updates. */
export const awaitingShardAttribute: "awaitingShard" = awaitingDecisionIndex.partitionKey as "awaitingShard";
