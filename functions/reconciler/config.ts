/** The reconciler's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import { environmentReader, integer, required } from "../shared/environment";

export const loadReconcilerConfig = environmentReader({
  intakeTable: required(EnvironmentName.intakeTable),
  transactionsTable: required(EnvironmentName.transactionsTable),
  archivedTransactionsTable: required(EnvironmentName.archivedTransactionsTable),
  fileStatusTable: required(EnvironmentName.fileStatusTable),
  /** Named in the continuations of stalled loads. */
  uploadsBucket: required(EnvironmentName.uploadsBucket),
  eventBusName: required(EnvironmentName.eventBusName),
  deadLetterQueueUrl: required(EnvironmentName.deadLetterQueueUrl),
  alertsTopicArn: required(EnvironmentName.alertsTopicArn),
  /** A transaction accepted this long ago and still undecided is re-driven (default 900 s). */
  undecidedAfterSeconds: integer(EnvironmentName.reconcileAfterSeconds, 900),
  /** Re-drives before the transaction is sent to the dead-letter queue (default 3). */
  maxAttempts: integer(EnvironmentName.reconcileMaxAttempts, 3),
  /** Intake records examined per run at most; the rest wait for the next run (default 2,000). */
  recordsPerRun: integer(EnvironmentName.reconcileRecordsPerRun, 2_000),
});

export type ReconcilerConfig = ReturnType<typeof loadReconcilerConfig>;
