/**
 * "Complete if done": the one step that moves an uploaded CSV file from LOADED to COMPLETED and
 * sends its summary. Both csv-transform (at the end of a load, where a file whose rows were all
 * received before is already done) and the notifier (after counting each decision) call it; the
 * conditional update lets exactly one caller win, and only the winner publishes the summary.
 *
 * Done means: every valid row is published (status LOADED) and every published row has a counted
 * decision (`decidedRows >= publishedRows`, compared attribute to attribute in the condition, so
 * no read-then-write race between concurrent notifiers). Rows received before under another file
 * (alreadyReceivedRows) are decided under that file and never counted here.
 *
 * If the summary cannot be published, the file goes back to LOADED (only if still ours) and the
 * error is thrown, so the caller's retry wins again and publishes. A crash between the two writes
 * (not an error: the process dies) leaves the file COMPLETED without a summary; SNS delivery is
 * at least once anyway, so subscribers must tolerate a repeated summary but cannot get a missed one
 * back except from the status table.
 *
 * Also here, as the other half of the same contract: the delivery id a loaded row's intake record
 * carries (`<fileId>:<line>`), written by csv-transform and read by the notifier.
 */
import { randomUUID } from "node:crypto";
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { FileStatusRecord } from "./fileStatus";
import { fileStatusTableDefinition } from "./tableDefinitions";
import { isConditionFailure } from "./dynamoDbErrors";

const keyName = fileStatusTableDefinition.partitionKey;

/** What completing a file needs: every caller's own dependencies (its clients and configuration) fit. */
export interface FileCompletionDependencies {
  readonly documentClient: DynamoDBDocumentClient;
  readonly sns: SNSClient;
  readonly config: { readonly fileStatusTable: string; readonly alertsTopicArn: string };
}

/** The SNS message of a completed file (snake_case, like every wire format). */
export interface FileSummaryMessage {
  readonly file_id: string;
  readonly rows: number;
  readonly valid_rows: number;
  readonly invalid_rows: number;
  readonly already_received_rows: number;
  readonly conflict_rows: number;
  readonly published_rows: number;
  readonly approved: number;
  readonly review: number;
  readonly rejected: number;
  readonly dead_lettered: number;
}

export type FileCompletion =
  | { readonly completed: false }
  | { readonly completed: true; readonly summary: FileSummaryMessage; readonly messageId?: string };

/** Reading or writing the status table, or publishing the summary, failed (worth a retry). */
export class FileCompletionError extends Error {
  constructor(
    readonly fileId: string,
    operation: string,
    options: { cause: unknown },
  ) {
    super(`Completing file ${fileId} failed: ${operation}`, options);
    this.name = "FileCompletionError";
  }
}

/**
 * The delivery id of a loaded CSV row (`<fileId>:<line>`), kept on its intake record: how the
 * notifier finds the file a decided transaction was loaded from.
 */
export const csvDeliveryId = (fileId: string, line: number): string => `${fileId}:${line}`;

/** The file and line of a CSV delivery id, or undefined when it is not one. */
export function parseCsvDeliveryId(
  deliveryId: string | undefined,
): { readonly fileId: string; readonly line: number } | undefined {
  const match = /^([A-Za-z0-9-]{8,64}):(\d{1,9})$/.exec(deliveryId ?? "");
  return match ? { fileId: match[1], line: Number(match[2]) } : undefined;
}

export const fileSummarySubject = (fileId: string): string => `CSV file ${fileId} processed`;

export function fileSummaryMessage(record: FileStatusRecord): FileSummaryMessage {
  return {
    file_id: record.fileId,
    rows: record.rows ?? 0,
    valid_rows: record.validRows ?? 0,
    invalid_rows: record.invalidRows ?? 0,
    already_received_rows: record.alreadyReceivedRows ?? 0,
    conflict_rows: record.conflictRows ?? 0,
    published_rows: record.publishedRows ?? 0,
    approved: record.approved ?? 0,
    review: record.review ?? 0,
    rejected: record.rejected ?? 0,
    dead_lettered: record.deadLetteredRows ?? 0,
  };
}

/**
 * Marks the file COMPLETED if it is LOADED and every published row is decided, and then publishes
 * the summary. Answers `completed: false` when the file is not done (or another caller already
 * completed it): that is the common case, not an error.
 */
export async function completeFileIfDone(
  dependencies: FileCompletionDependencies,
  fileId: string,
  now: Date,
): Promise<FileCompletion> {
  const { documentClient } = dependencies;
  const { fileStatusTable } = dependencies.config;
  const completionId = randomUUID();
  let record: FileStatusRecord;
  try {
    const answer = await documentClient.send(
      new UpdateCommand({
        TableName: fileStatusTable,
        Key: { [keyName]: fileId },
        UpdateExpression:
          "SET #status = :completed, #completedAt = :now, #updatedAt = :now, #completionId = :completionId",
        ConditionExpression: "#status = :loaded AND #decidedRows >= #publishedRows",
        ExpressionAttributeNames: {
          "#status": "status",
          "#completedAt": "completedAt",
          "#updatedAt": "updatedAt",
          "#completionId": "completionId",
          "#decidedRows": "decidedRows",
          "#publishedRows": "publishedRows",
        },
        ExpressionAttributeValues: {
          ":completed": "COMPLETED",
          ":loaded": "LOADED",
          ":now": now.toISOString(),
          ":completionId": completionId,
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    record = answer.Attributes as FileStatusRecord;
  } catch (error) {
    if (isConditionFailure(error)) return { completed: false };
    throw new FileCompletionError(fileId, "status update", { cause: error });
  }

  const summary = fileSummaryMessage(record);
  try {
    const published = await dependencies.sns.send(
      new PublishCommand({
        TopicArn: dependencies.config.alertsTopicArn,
        Subject: fileSummarySubject(fileId),
        Message: JSON.stringify(summary),
      }),
    );
    return { completed: true, summary, messageId: published.MessageId };
  } catch (error) {
    await reopen(dependencies, fileId, completionId, now).catch(() => {
      // Left COMPLETED without a summary: the status table still has every count.
    });
    throw new FileCompletionError(fileId, "summary publish", { cause: error });
  }
}

/** Puts our own completion back to LOADED so that a retry completes (and publishes) again. */
async function reopen(
  dependencies: FileCompletionDependencies,
  fileId: string,
  completionId: string,
  now: Date,
): Promise<void> {
  await dependencies.documentClient.send(
    new UpdateCommand({
      TableName: dependencies.config.fileStatusTable,
      Key: { [keyName]: fileId },
      UpdateExpression: "SET #status = :loaded, #updatedAt = :now REMOVE #completedAt, #completionId",
      ConditionExpression: "#status = :completed AND #completionId = :completionId",
      ExpressionAttributeNames: {
        "#status": "status",
        "#updatedAt": "updatedAt",
        "#completedAt": "completedAt",
        "#completionId": "completionId",
      },
      ExpressionAttributeValues: {
        ":loaded": "LOADED",
        ":completed": "COMPLETED",
        ":now": now.toISOString(),
        ":completionId": completionId,
      },
    }),
  );
}
