/** ValidateTransaction's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import {
  optionalEnvironment,
  optionalPositiveIntegerEnvironment,
  requireEnvironment,
  type EnvironmentSource,
} from "../shared/environment";

/** 1,000,000 USD: above it a payment is refused outright, whatever the risk signals say. */
export const defaultMaxAmountUsdMinor = 100_000_000n;

export interface ValidationConfig {
  readonly tableName: string;
  readonly maxAmountUsdMinor: bigint;
  /** Where archived transactions went; unset where no archive is deployed. */
  readonly archivedTransactionsTable?: string;
}

function archivedTable(env: EnvironmentSource): { archivedTransactionsTable?: string } {
  const name = optionalEnvironment(EnvironmentName.archivedTransactionsTable, env);
  return name === undefined ? {} : { archivedTransactionsTable: name };
}

export function loadValidationConfig(env: EnvironmentSource = process.env): ValidationConfig {
  return {
    tableName: requireEnvironment(EnvironmentName.transactionsTable, env),
    maxAmountUsdMinor: optionalPositiveIntegerEnvironment(
      EnvironmentName.maxAmountUsdMinor,
      defaultMaxAmountUsdMinor,
      env,
    ),
    ...archivedTable(env),
  };
}
