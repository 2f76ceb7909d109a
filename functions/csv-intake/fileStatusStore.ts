/**
 * The csv-intake's writes to the processing-status table: RECEIVED when a file id is handed out,
 * then exactly one of VALIDATED / REJECTED. Every transition is a conditional single-item write
 * (status must still be RECEIVED), so a redelivered S3 event can never move a file twice.
 *
 * Presigned uploads are validated by the S3 notification, which S3 delivers at least once and
 * sometimes twice at the same moment. Before reading the object an invocation therefore claims the
 * RECEIVED record with an attempt id and a lease (the invocation's remaining time plus a margin).
 * A second delivery that finds a live lease does nothing; the claim holder's own failure releases
 * the claim and is retried by Lambda; a claim whose holder died (timeout) expires before Lambda's
 * first retry of that event, which then takes it over.
 *
 * Every write sets updatedAt and expiresAt (epoch seconds, the table's TTL attribute).
 */
import { randomUUID } from "node:crypto";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { CsvSummary } from "../shared/csvTransactions";
import type { FileStatusRecord } from "../shared/fileStatus";
import { fileStatusTableDefinition } from "../shared/tableDefinitions";
import { keyedTable, readItem, type KeyedTable } from "../shared/keyedTable";
import { putIfAbsent } from "../shared/conditionalPut";
import { updateIf } from "../shared/tableUpdates";

/** Days a status record is kept after its last write (TTL on `expiresAt`). */
export const statusRecordRetentionDays = 90;

const keyName = fileStatusTableDefinition.partitionKey;

/** What the intake stores beside the shared record: the TTL and the validation claim. */
export interface StoredFileStatus extends FileStatusRecord {
  readonly expiresAt: number;
  readonly validationAttemptId?: string;
  /** Epoch milliseconds until which the claim holder owns the validation. */
  readonly validationLeaseUntil?: number;
}

/** Reading or writing the status table failed for a reason other than a lost condition. */
export class FileStatusStoreError extends Error {
  constructor(operation: string, options: { cause: unknown }) {
    super(`File status ${operation} failed`, options);
    this.name = "FileStatusStoreError";
  }
}

function expiresAt(now: Date): number {
  return Math.ceil(now.getTime() / 1000) + statusRecordRetentionDays * 86_400;
}

export type ValidationClaim =
  | { readonly kind: "claimed"; readonly attemptId: string }
  /** No status record: the object was not put through a URL this intake handed out. */
  | { readonly kind: "unknown" }
  /** Already VALIDATED, REJECTED or further along: a redelivery. */
  | { readonly kind: "done"; readonly status: string }
  /** The record was made for a POST /upload body, not a presigned PUT. */
  | { readonly kind: "notPresigned" }
  /** Another invocation holds a live claim. */
  | { readonly kind: "inProgress" };

/** The summary fields of a status record (rows, counts and the first row errors). */
function summaryFields(summary: CsvSummary): Record<string, unknown> {
  return {
    rows: summary.rows,
    validRows: summary.validRows,
    invalidRows: summary.invalidRows,
    errorCount: summary.errorCount,
    errors: summary.errors.map((error) => ({ line: error.line, code: error.code, message: error.message })),
  };
}

export interface TransitionRequest {
  readonly fileId: string;
  readonly now: Date;
  /** The claim this transition completes (S3 path); absent on the POST /upload path. */
  readonly attemptId?: string;
}

export class FileStatusStore {
  private readonly table: KeyedTable;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.table = keyedTable(client, tableName, keyName, FileStatusStoreError);
  }

  /** Records a new file id as RECEIVED; the id is a fresh UUID, so a collision is a failure. */
  async createReceived(fileId: string, via: FileStatusRecord["via"], now: Date): Promise<StoredFileStatus> {
    const timestamp = now.toISOString();
    const record: StoredFileStatus = {
      fileId,
      status: "RECEIVED",
      via,
      receivedAt: timestamp,
      updatedAt: timestamp,
      expiresAt: expiresAt(now),
    };
    const put = await putIfAbsent(this.table, record, "create");
    if (!put.created) throw new FileStatusStoreError("create", { cause: put.conditionFailure });
    return record;
  }

  async read(fileId: string): Promise<StoredFileStatus | undefined> {
    return (await readItem(this.table, fileId, "read")) as StoredFileStatus | undefined;
  }

  /** Claims a presigned file's validation for `leaseMs` (see the module comment). */
  async claimValidation(fileId: string, now: Date, leaseMs: number): Promise<ValidationClaim> {
    const attemptId = randomUUID();
    const nowMs = now.getTime();
    const claimed = await updateIf(this.table, fileId, "claim", {
      UpdateExpression: "SET #attempt = :attempt, #lease = :leaseUntil",
      ConditionExpression:
        "attribute_exists(#key) AND #status = :received AND #via = :presigned AND " +
        "(attribute_not_exists(#lease) OR #lease < :now)",
      ExpressionAttributeNames: {
        "#key": keyName,
        "#status": "status",
        "#via": "via",
        "#attempt": "validationAttemptId",
        "#lease": "validationLeaseUntil",
      },
      ExpressionAttributeValues: {
        ":attempt": attemptId,
        ":leaseUntil": nowMs + leaseMs,
        ":received": "RECEIVED",
        ":presigned": "presigned",
        ":now": nowMs,
      },
    });
    if (claimed) return { kind: "claimed", attemptId };
    // dynalite ignores ReturnValuesOnConditionCheckFailure, so the reason is read back.
    const existing = await this.read(fileId);
    if (!existing) return { kind: "unknown" };
    if (existing.via !== "presigned") return { kind: "notPresigned" };
    if (existing.status !== "RECEIVED") return { kind: "done", status: existing.status };
    return { kind: "inProgress" };
  }

  /** Gives a claim back after a failure the retry may fix; false when it was no longer ours. */
  releaseClaim(fileId: string, attemptId: string): Promise<boolean> {
    return updateIf(this.table, fileId, "release", {
      UpdateExpression: "REMOVE #attempt, #lease",
      ConditionExpression: "#status = :received AND #attempt = :attempt",
      ExpressionAttributeNames: {
        "#status": "status",
        "#attempt": "validationAttemptId",
        "#lease": "validationLeaseUntil",
      },
      ExpressionAttributeValues: { ":received": "RECEIVED", ":attempt": attemptId },
    });
  }

  /** RECEIVED → VALIDATED with the counts; false when the record was not RECEIVED (or not our claim). */
  markValidated(request: TransitionRequest, summary: CsvSummary): Promise<boolean> {
    return this.transition(request, "VALIDATED", summaryFields(summary), "mark validated");
  }

  /** RECEIVED → REJECTED with the reason (and the counts when every row was read). */
  markRejected(
    request: TransitionRequest,
    rejection: { readonly code: string; readonly message: string },
    summary?: CsvSummary,
  ): Promise<boolean> {
    return this.transition(
      request,
      "REJECTED",
      {
        rejection: { code: rejection.code, message: rejection.message },
        ...(summary ? summaryFields(summary) : {}),
      },
      "mark rejected",
    );
  }

  private transition(
    request: TransitionRequest,
    status: "VALIDATED" | "REJECTED",
    fields: Record<string, unknown>,
    operation: string,
  ): Promise<boolean> {
    const names: Record<string, string> = {
      "#status": "status",
      "#updatedAt": "updatedAt",
      "#expiresAt": "expiresAt",
      "#attempt": "validationAttemptId",
      "#lease": "validationLeaseUntil",
    };
    const values: Record<string, unknown> = {
      ":status": status,
      ":received": "RECEIVED",
      ":updatedAt": request.now.toISOString(),
      ":expiresAt": expiresAt(request.now),
    };
    const assignments = ["#status = :status", "#updatedAt = :updatedAt", "#expiresAt = :expiresAt"];
    Object.entries(fields).forEach(([name, value], index) => {
      names[`#f${index}`] = name;
      values[`:f${index}`] = value;
      assignments.push(`#f${index} = :f${index}`);
    });
    let condition = "#status = :received";
    if (request.attemptId !== undefined) {
      condition += " AND #attempt = :attempt";
      values[":attempt"] = request.attemptId;
    }
    return updateIf(this.table, request.fileId, operation, {
      UpdateExpression: `SET ${assignments.join(", ")} REMOVE #attempt, #lease`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }
}
