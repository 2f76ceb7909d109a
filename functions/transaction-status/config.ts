/** TransactionStatus's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import { environmentReader, optional, required } from "../shared/environment";

export const loadTransactionStatusConfig = environmentReader({
  /** Validated transactions and their decisions. */
  transactionsTable: required(EnvironmentName.transactionsTable),
  /** Deliveries accepted by the intakes but possibly not yet validated (answered as RECEIVED). */
  intakeTable: required(EnvironmentName.intakeTable),
  /** Where archived transactions went; unset where no archive is deployed (answers skip it). */
  archivedTransactionsTable: optional(EnvironmentName.archivedTransactionsTable),
});

export type TransactionStatusConfig = ReturnType<typeof loadTransactionStatusConfig>;
