/** ValidateTransaction's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import { environmentReader, optional, required } from "../shared/environment";
import { maxAmountUsdMinor } from "../shared/sharedSettings";

export const loadValidationConfig = environmentReader({
  tableName: required(EnvironmentName.transactionsTable),
  maxAmountUsdMinor,
  /** Where archived transactions went; unset where no archive is deployed. */
  archivedTransactionsTable: optional(EnvironmentName.archivedTransactionsTable),
});

export type ValidationConfig = ReturnType<typeof loadValidationConfig>;
