/**
 * The file half of reconciliation: a CSV file whose load stopped (a continuation the bus lost, a
 * run killed with its retries spent) stays VALIDATED or LOADING with an old `updatedAt`, and a
 * LOADED file whose last count's completion failed stays LOADED. Through the status table's
 * `byStatusUpdatedAt` index (never a Scan), files untouched for `undecidedAfterSeconds` are moved
 * on: a "CSV Load Continued" event resumes a load from its checkpoint (csv-transform is idempotent
 * per chunk), and a LOADED file is offered to the shared "complete if done".
 */
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { SNSClient } from "@aws-sdk/client-sns";
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { publishContinuation } from "../csv-transform/continuation";
import { completeFileIfDone } from "../shared/fileCompletion";
import { validatedKey, type FileStatus } from "../shared/fileStatus";
import { fileStatusIndex, fileStatusTableDefinition } from "../shared/tableDefinitions";
import type { ReconcilerConfig } from "./config";
import type { ReconcilerLog } from "./reconcile";

export interface StalledFileDependencies {
  readonly config: ReconcilerConfig;
  readonly documentClient: DynamoDBDocumentClient;
  readonly eventBridge: EventBridgeClient;
  readonly sns: SNSClient;
  readonly log: ReconcilerLog;
}

export interface StalledFileSummary {
  readonly resumed: number;
  readonly completed: number;
  readonly failures: number;
}

const stalledStatuses: readonly FileStatus[] = ["VALIDATED", "LOADING", "LOADED"];
/** Files moved on per status per run at most; the rest wait for the next run. */
const filesPerStatus = 100;

export type StalledFileSweep = (run: {
  readonly now: Date;
  readonly updatedBefore?: Date;
}) => Promise<StalledFileSummary>;

export function createStalledFileSweep(deps: StalledFileDependencies): StalledFileSweep {
  const { config, documentClient, log } = deps;
  const thresholdMs = config.undecidedAfterSeconds * 1000;

  async function stalled(status: FileStatus, cutoff: string): Promise<string[]> {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: config.fileStatusTable,
        IndexName: fileStatusIndex.name,
        KeyConditionExpression: "#status = :status AND #updatedAt <= :cutoff",
        ExpressionAttributeNames: {
          "#status": fileStatusIndex.partitionKey,
          "#updatedAt": fileStatusIndex.sortKey,
        },
        ExpressionAttributeValues: { ":status": status, ":cutoff": cutoff },
        Limit: filesPerStatus,
      }),
    );
    return (page.Items ?? [])
      .map((item) => item[fileStatusTableDefinition.partitionKey])
      .filter((fileId): fileId is string => typeof fileId === "string");
  }

  async function checkpointOf(fileId: string): Promise<number> {
    const answer = await documentClient.send(
      new GetCommand({
        TableName: config.fileStatusTable,
        Key: { [fileStatusTableDefinition.partitionKey]: fileId },
        ConsistentRead: true,
        ProjectionExpression: "checkpointLine",
      }),
    );
    const line = answer.Item?.checkpointLine;
    return typeof line === "number" ? line : 0;
  }

  return async ({ now, updatedBefore }) => {
    const cutoff = (updatedBefore ?? new Date(now.getTime() - thresholdMs)).toISOString();
    const summary = { resumed: 0, completed: 0, failures: 0 };
    for (const status of stalledStatuses) {
      for (const fileId of await stalled(status, cutoff)) {
        try {
          if (status === "LOADED") {
            const completion = await completeFileIfDone(deps, fileId, now);
            if (completion.completed) summary.completed += 1;
            continue;
          }
          await publishContinuation(deps.eventBridge, config.eventBusName, {
            bucket: config.uploadsBucket,
            key: validatedKey(fileId),
            fileId,
            fromLine: (await checkpointOf(fileId)) + 1,
          });
          summary.resumed += 1;
          log.info("Stalled file load resumed", { fileId, status });
        } catch (error) {
          summary.failures += 1;
          log.warn("Moving a stalled file on failed; the next run tries again", {
            fileId,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          });
        }
      }
    }
    return summary;
  };
}
