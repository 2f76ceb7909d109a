/** ValidateTransaction's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import {
  optionalPositiveIntegerEnvironment,
  requireEnvironment,
  type EnvironmentSource,
} from "../shared/environment";

/** 1,000,000 USD: above it a payment is refused outright, whatever the risk signals say. */
export const defaultMaxAmountUsdMinor = 100_000_000n;

export interface ValidationConfig {
  readonly tableName: string;
  readonly maxAmountUsdMinor: bigint;
}

export function loadValidationConfig(env: EnvironmentSource = process.env): ValidationConfig {
  return {
    tableName: requireEnvironment(EnvironmentName.transactionsTable, env),
    maxAmountUsdMinor: optionalPositiveIntegerEnvironment(
      EnvironmentName.maxAmountUsdMinor,
      defaultMaxAmountUsdMinor,
      env,
    ),
  };
}
