/**
 * reconciler in AWS: invoked by its EventBridge schedule (Reconciliation component). One run
 * re-drives or dead-letters transactions accepted but undecided past RECONCILE_AFTER_SECONDS
 * (reconcile.ts) and moves stalled CSV files on (stalledFiles.ts), and answers both summaries.
 * A failure on one transaction or file is counted and left to the next run; only a failure to
 * read the indexes fails the invocation.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { documentClient } from "../shared/dynamoDb";
import { snsClient } from "../shared/sns";
import { eventBridgeClient } from "../shared/eventBridge";
import { tracer } from "../shared/powertools";
import { loadReconcilerConfig } from "./config";
import { createReconcilerHandler, createReconcilerRun } from "./reconcilerHandler";

export type { ReconcilerRunSummary } from "./reconcilerHandler";

// Its endpoint is the SDK's own choice (AWS_ENDPOINT_URL_SQS when set), as for every client.
const sqs = tracer.captureAWSv3Client(new SQSClient({}));

/** One run at `now`: the local runtime calls this directly (see createReconcilerRun). */
export const reconcileAt = createReconcilerRun({
  config: loadReconcilerConfig(),
  documentClient,
  eventBridge: eventBridgeClient,
  sqs,
  sns: snsClient,
});

export const handler = createReconcilerHandler(reconcileAt);
