/** The reconciler's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import {
  optionalPositiveIntegerEnvironment,
  requireEnvironment,
  type EnvironmentSource,
} from "../shared/environment";

export interface ReconcilerConfig {
  readonly intakeTable: string;
  readonly transactionsTable: string;
  readonly archivedTransactionsTable: string;
  readonly fileStatusTable: string;
  /** Named in the continuations of stalled loads. */
  readonly uploadsBucket: string;
  readonly eventBusName: string;
  readonly deadLetterQueueUrl: string;
  readonly alertsTopicArn: string;
  /** A transaction accepted this long ago and still undecided is re-driven (default 900 s). */
  readonly undecidedAfterSeconds: number;
  /** Re-drives before the transaction is sent to the dead-letter queue (default 3). */
  readonly maxAttempts: number;
  /** Intake records examined per run at most; the rest wait for the next run (default 2,000). */
  readonly recordsPerRun: number;
}

export const defaultUndecidedAfterSeconds = 900;
export const defaultReconcileMaxAttempts = 3;
export const defaultRecordsPerRun = 2_000;

export function loadReconcilerConfig(env: EnvironmentSource = process.env): ReconcilerConfig {
  const number = (name: string, fallback: number) =>
    Number(optionalPositiveIntegerEnvironment(name, BigInt(fallback), env));
  return {
    intakeTable: requireEnvironment(EnvironmentName.intakeTable, env),
    transactionsTable: requireEnvironment(EnvironmentName.transactionsTable, env),
    archivedTransactionsTable: requireEnvironment(EnvironmentName.archivedTransactionsTable, env),
    fileStatusTable: requireEnvironment(EnvironmentName.fileStatusTable, env),
    uploadsBucket: requireEnvironment(EnvironmentName.uploadsBucket, env),
    eventBusName: requireEnvironment(EnvironmentName.eventBusName, env),
    deadLetterQueueUrl: requireEnvironment(EnvironmentName.deadLetterQueueUrl, env),
    alertsTopicArn: requireEnvironment(EnvironmentName.alertsTopicArn, env),
    undecidedAfterSeconds: number(EnvironmentName.reconcileAfterSeconds, defaultUndecidedAfterSeconds),
    maxAttempts: number(EnvironmentName.reconcileMaxAttempts, defaultReconcileMaxAttempts),
    recordsPerRun: number(EnvironmentName.reconcileRecordsPerRun, defaultRecordsPerRun),
  };
}
