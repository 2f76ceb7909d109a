/** TransactionStatus's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import { optionalEnvironment, requireEnvironment, type EnvironmentSource } from "../shared/environment";

export interface TransactionStatusConfig {
  /** Validated transactions and their decisions. */
  readonly transactionsTable: string;
  /** Deliveries accepted by the intakes but possibly not yet validated (answered as RECEIVED). */
  readonly intakeTable: string;
  /** Where archived transactions went; unset where no archive is deployed (answers skip it). */
  readonly archivedTransactionsTable?: string;
}

export function loadTransactionStatusConfig(env: EnvironmentSource = process.env): TransactionStatusConfig {
  return {
    transactionsTable: requireEnvironment(EnvironmentName.transactionsTable, env),
    intakeTable: requireEnvironment(EnvironmentName.intakeTable, env),
    archivedTransactionsTable: optionalEnvironment(EnvironmentName.archivedTransactionsTable, env),
  };
}
