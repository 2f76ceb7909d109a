/**
 * reconciler in AWS: invoked by its EventBridge schedule (Reconciliation component). One run
 * re-drives or dead-letters transactions accepted but undecided past RECONCILE_AFTER_SECONDS
 * (reconcile.ts) and moves stalled CSV files on (stalledFiles.ts), and answers both summaries.
 * A failure on one transaction or file is counted and left to the next run; only a failure to
 * read the indexes fails the invocation.
 */
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { documentClient } from "../shared/dynamoDb";
import { eventBridgeClient } from "../shared/eventBridge";
import { EnvironmentName } from "../shared/environmentNames";
import { optionalEnvironment } from "../shared/environment";
import { tracer } from "../shared/powertools";
import { loadReconcilerConfig } from "./config";
import { createReconcilerHandler, createReconcilerRun } from "./reconcilerHandler";

export type { ReconcilerRunSummary } from "./reconcilerHandler";

const snsEndpoint = optionalEnvironment(EnvironmentName.snsEndpoint);
const sqsEndpoint = optionalEnvironment(EnvironmentName.sqsEndpoint);
const sns = snsEndpoint
  ? new SNSClient({ endpoint: snsEndpoint })
  : tracer.captureAWSv3Client(new SNSClient({}));
const sqs = sqsEndpoint
  ? new SQSClient({ endpoint: sqsEndpoint })
  : tracer.captureAWSv3Client(new SQSClient({}));

/** One run at `now`: the local runtime calls this directly (see createReconcilerRun). */
export const reconcileAt = createReconcilerRun({
  config: loadReconcilerConfig(),
  documentClient,
  eventBridge: eventBridgeClient,
  sqs,
  sns,
});

export const handler = createReconcilerHandler(reconcileAt);
