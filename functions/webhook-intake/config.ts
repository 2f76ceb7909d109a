/** The webhook intake's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import {
  optionalPositiveIntegerEnvironment,
  requireEnvironment,
  type EnvironmentSource,
} from "../shared/environment";
import { InvalidEnvironmentError } from "../shared/errors";
import { defaultMaxAmountUsdMinor } from "../validation/config";

/** 64 KiB: a transaction with the largest metadata is under 6 KiB. */
export const defaultMaxBodyBytes = 65_536;
/** API Gateway's own limit is 10 MB; a body that size is never a transaction. */
export const largestMaxBodyBytes = 1_048_576;
/** Longer than every provider's retry window: Standard Webhooks ~75 h, Stripe up to 3 days. */
export const minimumRetentionHours = 96;
export const defaultRetentionHours = 120;

export interface WebhookIntakeConfig {
  readonly intakeTableName: string;
  readonly eventBusName: string;
  readonly maxBodyBytes: number;
  readonly retentionHours: number;
  readonly maxAmountUsdMinor: bigint;
}

function boundedInteger(name: string, value: bigint, min: number, max: number): number {
  if (value < BigInt(min) || value > BigInt(max)) {
    throw new InvalidEnvironmentError(name, `expected ${min} to ${max}, got ${value}`);
  }
  return Number(value);
}

export function loadWebhookIntakeConfig(env: EnvironmentSource = process.env): WebhookIntakeConfig {
  return {
    intakeTableName: requireEnvironment(EnvironmentName.intakeTable, env),
    eventBusName: requireEnvironment(EnvironmentName.eventBusName, env),
    maxBodyBytes: boundedInteger(
      EnvironmentName.webhookMaxBodyBytes,
      optionalPositiveIntegerEnvironment(
        EnvironmentName.webhookMaxBodyBytes,
        BigInt(defaultMaxBodyBytes),
        env,
      ),
      1024,
      largestMaxBodyBytes,
    ),
    retentionHours: boundedInteger(
      EnvironmentName.intakeRecordRetentionHours,
      optionalPositiveIntegerEnvironment(
        EnvironmentName.intakeRecordRetentionHours,
        BigInt(defaultRetentionHours),
        env,
      ),
      minimumRetentionHours,
      24 * 365,
    ),
    maxAmountUsdMinor: optionalPositiveIntegerEnvironment(
      EnvironmentName.maxAmountUsdMinor,
      defaultMaxAmountUsdMinor,
      env,
    ),
  };
}
