/** The webhook intake's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import { environmentReader, integer, required } from "../shared/environment";
import { intakeRecordRetentionHours, maxAmountUsdMinor } from "../shared/sharedSettings";

/** 64 KiB: a transaction with the largest metadata is under 6 KiB. */
export const defaultMaxBodyBytes = 65_536;
/** API Gateway's own limit is 10 MB; a body that size is never a transaction. */
export const largestMaxBodyBytes = 1_048_576;

export const loadWebhookIntakeConfig = environmentReader({
  intakeTableName: required(EnvironmentName.intakeTable),
  eventBusName: required(EnvironmentName.eventBusName),
  maxBodyBytes: integer(EnvironmentName.webhookMaxBodyBytes, defaultMaxBodyBytes, {
    min: 1024,
    max: largestMaxBodyBytes,
  }),
  retentionHours: intakeRecordRetentionHours,
  maxAmountUsdMinor,
});

export type WebhookIntakeConfig = ReturnType<typeof loadWebhookIntakeConfig>;
