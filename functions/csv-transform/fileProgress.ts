/**
 * The load's progress in the processing-status table: VALIDATED → LOADING (checkpointed chunk by
 * chunk) → LOADED. Every write is conditional on what this run last saw, so two invocations of the
 * same file (a duplicate S3 event, a retry racing a slow run) can never both count a chunk: the
 * one whose checkpoint update fails stops.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { FileRowError, FileStatus } from "../shared/fileStatus";
import { fileStatusTableDefinition } from "../shared/tableDefinitions";
import { LoadStoreError } from "./errors";
import { isConditionFailure } from "../shared/dynamoDbErrors";
import { keyedTable, readItem, type KeyedTable } from "../shared/keyedTable";
import { updateIf } from "../shared/tableUpdates";

const keyName = fileStatusTableDefinition.partitionKey;

export type StatusTable = KeyedTable;

/** The processing-status table as the load reads and writes it. */
export function loadStatusTable(client: DynamoDBDocumentClient, tableName: string): StatusTable {
  return keyedTable(client, tableName, keyName, LoadStoreError);
}

export type LoadStart =
  /** Load from the line after `checkpointLine` (0 before any row was handled). */
  | {
      readonly kind: "load";
      readonly checkpointLine: number;
      /** When the first run started: every run validates rows against this same instant. */
      readonly loadStartedAt: Date;
    }
  /** Every row is published already; only "complete if done" may be left to do. */
  | { readonly kind: "loaded" }
  | { readonly kind: "completed" }
  | { readonly kind: "rejected" }
  /** No status record yet, or still RECEIVED: csv-intake has not marked the file VALIDATED. */
  | { readonly kind: "notReady"; readonly status: string | undefined };

async function readStatus(table: StatusTable, fileId: string): Promise<string | undefined> {
  const status = (await readItem(table, fileId, "status read", ["status"]))?.status;
  return typeof status === "string" ? status : undefined;
}

/**
 * VALIDATED → LOADING (or LOADING again, for a resumed run), answering where to start. Counters
 * start at 0 only if absent, so a resumed run keeps what earlier runs added.
 */
export async function beginLoad(table: StatusTable, fileId: string, now: Date): Promise<LoadStart> {
  try {
    const answer = await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { [keyName]: fileId },
        UpdateExpression:
          "SET #status = :loading, #updatedAt = :now, #loadStartedAt = if_not_exists(#loadStartedAt, :now), " +
          "#checkpointLine = if_not_exists(#checkpointLine, :zero), " +
          "#publishedRows = if_not_exists(#publishedRows, :zero), " +
          "#alreadyReceivedRows = if_not_exists(#alreadyReceivedRows, :zero)",
        ConditionExpression: "#status IN (:validated, :loading)",
        ExpressionAttributeNames: {
          "#status": "status",
          "#updatedAt": "updatedAt",
          "#loadStartedAt": "loadStartedAt",
          "#checkpointLine": "checkpointLine",
          "#publishedRows": "publishedRows",
          "#alreadyReceivedRows": "alreadyReceivedRows",
        },
        ExpressionAttributeValues: {
          ":loading": "LOADING" satisfies FileStatus,
          ":validated": "VALIDATED" satisfies FileStatus,
          ":now": now.toISOString(),
          ":zero": 0,
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    const item = answer.Attributes ?? {};
    const checkpointLine = typeof item.checkpointLine === "number" ? item.checkpointLine : 0;
    const startedAt = typeof item.loadStartedAt === "string" ? new Date(item.loadStartedAt) : now;
    return {
      kind: "load",
      checkpointLine,
      loadStartedAt: Number.isNaN(startedAt.getTime()) ? now : startedAt,
    };
  } catch (error) {
    if (!isConditionFailure(error)) throw new LoadStoreError("load start", { cause: error });
  }
  const status = await readStatus(table, fileId);
  switch (status) {
    case "LOADED":
      return { kind: "loaded" };
    case "COMPLETED":
      return { kind: "completed" };
    case "REJECTED":
      return { kind: "rejected" };
    default:
      return { kind: "notReady", status };
  }
}

export interface Checkpoint {
  /** The checkpoint this run read or last saved. */
  readonly previousLine: number;
  /** The last line handled now (a valid row loaded, skipped as received, or an invalid row passed). */
  readonly line: number;
  readonly publishedRows: number;
  readonly alreadyReceivedRows: number;
  /** Rows whose id was received before with other content: counted, and each a CONFLICT row error. */
  readonly conflictRows: number;
  /** The row errors to add to the file's `errors` (within the file's error limit). */
  readonly conflictErrors: readonly FileRowError[];
}

/**
 * Moves the checkpoint and adds the chunk's counts in one conditional update. False when the
 * checkpoint is no longer `previousLine` (another invocation got there first): the caller stops.
 */
export function saveCheckpoint(
  table: StatusTable,
  fileId: string,
  checkpoint: Checkpoint,
  now: Date,
): Promise<boolean> {
  const conflicts = checkpoint.conflictRows > 0;
  return updateIf(table, fileId, "checkpoint update", {
    UpdateExpression:
      "SET #checkpointLine = :line, #updatedAt = :now" +
      (conflicts ? ", #errors = list_append(if_not_exists(#errors, :noErrors), :conflictErrors)" : "") +
      " ADD #publishedRows :published, #alreadyReceivedRows :alreadyReceived" +
      (conflicts ? ", #conflictRows :conflicts, #errorCount :conflicts" : ""),
    ConditionExpression: "#status = :loading AND #checkpointLine = :previous",
    ExpressionAttributeNames: {
      "#status": "status",
      "#checkpointLine": "checkpointLine",
      "#updatedAt": "updatedAt",
      "#publishedRows": "publishedRows",
      "#alreadyReceivedRows": "alreadyReceivedRows",
      ...(conflicts
        ? { "#errors": "errors", "#conflictRows": "conflictRows", "#errorCount": "errorCount" }
        : {}),
    },
    ExpressionAttributeValues: {
      ":loading": "LOADING" satisfies FileStatus,
      ":previous": checkpoint.previousLine,
      ":line": checkpoint.line,
      ":published": checkpoint.publishedRows,
      ":alreadyReceived": checkpoint.alreadyReceivedRows,
      ":now": now.toISOString(),
      ...(conflicts
        ? {
            ":noErrors": [],
            ":conflictErrors": checkpoint.conflictErrors.map((error) => ({ ...error })),
            ":conflicts": checkpoint.conflictRows,
          }
        : {}),
    },
  });
}

/** The file as this run read it, in full: used where csv-intake left a count unset. */
export interface FileCounts {
  readonly rows: number;
  readonly validRows: number;
  readonly invalidRows: number;
}

/**
 * LOADING → LOADED once the checkpoint is the file's last line. The decision counters start at 0
 * if no decision was counted yet, so "complete if done" can compare them straight away. False when
 * another invocation moved the file on meanwhile.
 */
export function markLoaded(
  table: StatusTable,
  fileId: string,
  lastLine: number,
  counts: FileCounts,
  now: Date,
): Promise<boolean> {
  return updateIf(table, fileId, "loaded update", {
    UpdateExpression:
      "SET #status = :loaded, #updatedAt = :now, #loadedAt = :now, " +
      "#decidedRows = if_not_exists(#decidedRows, :zero), #approved = if_not_exists(#approved, :zero), " +
      "#review = if_not_exists(#review, :zero), #rejected = if_not_exists(#rejected, :zero), " +
      "#rows = if_not_exists(#rows, :rows), #validRows = if_not_exists(#validRows, :validRows), " +
      "#invalidRows = if_not_exists(#invalidRows, :invalidRows)",
    ConditionExpression: "#status = :loading AND #checkpointLine = :line",
    ExpressionAttributeNames: {
      "#status": "status",
      "#updatedAt": "updatedAt",
      "#loadedAt": "loadedAt",
      "#checkpointLine": "checkpointLine",
      "#decidedRows": "decidedRows",
      "#approved": "approved",
      "#review": "review",
      "#rejected": "rejected",
      "#rows": "rows",
      "#validRows": "validRows",
      "#invalidRows": "invalidRows",
    },
    ExpressionAttributeValues: {
      ":loaded": "LOADED" satisfies FileStatus,
      ":loading": "LOADING" satisfies FileStatus,
      ":line": lastLine,
      ":zero": 0,
      ":rows": counts.rows,
      ":validRows": counts.validRows,
      ":invalidRows": counts.invalidRows,
      ":now": now.toISOString(),
    },
  });
}

/** How many row errors the file's status item holds now. */
export async function keptErrorCount(table: StatusTable, fileId: string): Promise<number> {
  const errors = (await readItem(table, fileId, "status read", ["errors"]))?.errors;
  return Array.isArray(errors) ? errors.length : 0;
}
