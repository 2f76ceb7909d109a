/** TransactionStatus's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import { requireEnvironment, type EnvironmentSource } from "../shared/environment";

export interface TransactionStatusConfig {
  /** Validated transactions and their decisions. */
  readonly transactionsTable: string;
  /** Deliveries accepted by the intakes but possibly not yet validated (answered as RECEIVED). */
  readonly intakeTable: string;
}

export function loadTransactionStatusConfig(env: EnvironmentSource = process.env): TransactionStatusConfig {
  return {
    transactionsTable: requireEnvironment(EnvironmentName.transactionsTable, env),
    intakeTable: requireEnvironment(EnvironmentName.intakeTable, env),
  };
}
