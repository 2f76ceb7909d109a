/**
 * The intake-records table: one conditional put per transaction key makes a delivery count once.
 * A claim is PENDING until the bus accepted the event, then ACCEPTED with the answer given, which
 * every repeat delivery receives verbatim. A put that finds the key taken answers the record that
 * holds it (ReturnValuesOnConditionCheckFailure: ALL_OLD, as Powertools' idempotency layer does),
 * so claiming takes one call whatever the outcome. A failed publish deletes its own claim, so the
 * provider's retry starts afresh; a crashed one leaves a claim that expires at `leaseUntil` and is
 * then taken over by the next retry (the event may then be published twice; every step
 * downstream is idempotent on the key).
 */
import { randomUUID } from "node:crypto";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { IntakeRecord, StoredResponse } from "../shared/intakeRecord";
import { intakeRecordsTableDefinition } from "../shared/tableDefinitions";
import { keyedTable, readItem, type KeyedTable } from "../shared/keyedTable";
import { putIfAbsent } from "../shared/conditionalPut";
import { updateIf } from "../shared/tableUpdates";
import { deleteIf } from "../shared/conditionalDelete";
import { awaitingDecision } from "../shared/awaitingDecision";
import type { TransactionReceivedDetail } from "../shared/stepContracts";

const keyName = intakeRecordsTableDefinition.partitionKey;

/** Reading or writing the intake-records table failed for a reason other than a lost condition. */
export class IntakeStoreError extends Error {
  constructor(operation: string, options: { cause: unknown }) {
    super(`Intake records ${operation} failed`, options);
    this.name = "IntakeStoreError";
  }
}

export interface ClaimRequest {
  readonly transactionId: string;
  readonly source: string;
  readonly provider: string;
  readonly deliveryId?: string;
  readonly payloadHash: string;
  readonly now: Date;
  /** How long the claim is ours before another delivery may take it over. */
  readonly leaseMs: number;
  /** How long the record is kept for dedupe. */
  readonly retentionHours: number;
  /** The event to publish, kept on the record so the reconciler can publish it again. */
  readonly received: TransactionReceivedDetail;
}

export type ClaimResult =
  | { readonly kind: "claimed"; readonly record: IntakeRecord; readonly takenOver: boolean }
  | { readonly kind: "duplicate"; readonly record: IntakeRecord; readonly response: StoredResponse }
  | { readonly kind: "conflict"; readonly record: IntakeRecord }
  | { readonly kind: "inProgress"; readonly record: IntakeRecord; readonly retryAfterSeconds: number };

/** Answered while another delivery holds or has just taken the claim: ask again shortly. */
const claimBusyRetrySeconds = 1;

export class IntakeStore {
  private readonly table: KeyedTable;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.table = keyedTable(client, tableName, keyName, IntakeStoreError);
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const fresh = this.newRecord(request);
    const put = await putIfAbsent(this.table, fresh, "conditional put", { returnExisting: true });
    if (put.created) return { kind: "claimed", record: fresh, takenOver: false };
    // DynamoDB answers the record that failed the condition; the local emulator (dynalite) ignores
    // ReturnValuesOnConditionCheckFailure, so there it is read.
    const existing = (put.existing as IntakeRecord | undefined) ?? (await this.read(request.transactionId));
    if (existing === undefined) {
      // Only where it was read: released between the put and the read. The delivery asks again.
      return { kind: "inProgress", record: fresh, retryAfterSeconds: claimBusyRetrySeconds };
    }
    if (existing.payloadHash !== request.payloadHash) return { kind: "conflict", record: existing };
    if (existing.state === "ACCEPTED" && existing.response) {
      return { kind: "duplicate", record: existing, response: existing.response };
    }
    const nowMs = request.now.getTime();
    if (existing.leaseUntil > nowMs) {
      return {
        kind: "inProgress",
        record: existing,
        retryAfterSeconds: Math.max(1, Math.ceil((existing.leaseUntil - nowMs) / 1000)),
      };
    }
    const takenOver = await this.takeOver(existing, request);
    if (takenOver) return { kind: "claimed", record: takenOver, takenOver: true };
    // Another delivery took the expired claim over (or settled it) at the same moment.
    return { kind: "inProgress", record: existing, retryAfterSeconds: claimBusyRetrySeconds };
  }

  /** Marks our claim ACCEPTED with the answer given; false when another attempt took it over meanwhile. */
  accept(record: IntakeRecord, response: StoredResponse): Promise<boolean> {
    return updateIf(this.table, record.transactionId, "accept", {
      UpdateExpression: "SET #state = :accepted, #response = :response",
      ConditionExpression: "#state = :pending AND #attemptId = :attemptId",
      ExpressionAttributeNames: { "#state": "state", "#response": "response", "#attemptId": "attemptId" },
      ExpressionAttributeValues: {
        ":accepted": "ACCEPTED",
        ":pending": "PENDING",
        ":response": response,
        ":attemptId": record.attemptId,
      },
    });
  }

  /** Deletes our own PENDING claim after a failed publish, so the next delivery starts afresh. */
  release(record: IntakeRecord): Promise<boolean> {
    return deleteIf(this.table, record.transactionId, "release", {
      ConditionExpression: "#state = :pending AND #attemptId = :attemptId",
      ExpressionAttributeNames: { "#state": "state", "#attemptId": "attemptId" },
      ExpressionAttributeValues: { ":pending": "PENDING", ":attemptId": record.attemptId },
    });
  }

  async read(transactionId: string): Promise<IntakeRecord | undefined> {
    return (await readItem(this.table, transactionId, "read")) as IntakeRecord | undefined;
  }

  private newRecord(request: ClaimRequest): IntakeRecord {
    const nowMs = request.now.getTime();
    return {
      transactionId: request.transactionId,
      state: "PENDING",
      source: request.source,
      provider: request.provider,
      ...(request.deliveryId ? { deliveryId: request.deliveryId } : {}),
      payloadHash: request.payloadHash,
      receivedAt: request.now.toISOString(),
      leaseUntil: nowMs + request.leaseMs,
      attemptId: randomUUID(),
      expiresAt: Math.ceil(nowMs / 1000) + request.retentionHours * 3600,
      ...awaitingDecision(request.received, request.now.toISOString()),
    };
  }

  /** Takes over an expired PENDING claim; false when someone else got there first. */
  private async takeOver(existing: IntakeRecord, request: ClaimRequest): Promise<IntakeRecord | undefined> {
    const attemptId = randomUUID();
    const leaseUntil = request.now.getTime() + request.leaseMs;
    const takenOver = await updateIf(this.table, existing.transactionId, "takeover", {
      UpdateExpression: "SET #attemptId = :attemptId, #leaseUntil = :leaseUntil",
      ConditionExpression: "#state = :pending AND #attemptId = :previous",
      ExpressionAttributeNames: { "#state": "state", "#attemptId": "attemptId", "#leaseUntil": "leaseUntil" },
      ExpressionAttributeValues: {
        ":pending": "PENDING",
        ":previous": existing.attemptId,
        ":attemptId": attemptId,
        ":leaseUntil": leaseUntil,
      },
    });
    return takenOver ? { ...existing, attemptId, leaseUntil } : undefined;
  }
}
