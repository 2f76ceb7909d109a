/**
 * The stack configuration as the pipeline description takes it: the settings the functions'
 * environments name (pipeline/environment.ts) and the timeouts they are given.
 */
import type { FunctionTimeout, PipelineSetting } from "../pipeline";
import type { StackConfig } from "../stackConfig";

/**
 * The settings of the functions the program builds, as environment strings. The Archival and
 * ScreeningListsRefresh components give their own functions theirs.
 */
export function pipelineSettings(config: StackConfig): Partial<Record<PipelineSetting, string>> {
  return {
    metricsNamespace: config.metricsNamespace,
    maxAmountUsdMinor: String(config.maxTransactionUsd * 100),
    sanctionsReviewScore: String(config.sanctions.reviewScore),
    sanctionsBlockScore: String(config.sanctions.blockScore),
    screeningListsRecheckSeconds: String(config.sanctions.recheckSeconds),
    webhookMaxBodyBytes: String(config.webhook.maxBodyBytes),
    intakeRecordRetentionHours: String(config.webhook.intakeRecordRetentionHours),
    fileErrorLimit: String(config.upload.fileErrorLimit),
    uploadUrlExpirySeconds: String(config.upload.uploadUrlExpirySeconds),
    reconcileAfterSeconds: String(config.reconcile.undecidedAfterMinutes * 60),
    reconcileMaxAttempts: String(config.reconcile.maxAttempts),
  };
}

/** A function's Lambda timeout in seconds: fixed, or the stack setting its description names. */
export function timeoutSeconds(timeout: FunctionTimeout, config: StackConfig): number {
  switch (timeout) {
    case "functionTimeoutSeconds":
      return config.functions.timeoutSeconds;
    case "uploadIntakeTimeoutSeconds":
      return config.upload.intakeTimeoutSeconds;
    case "uploadLoadTimeoutSeconds":
      return config.upload.loadTimeoutSeconds;
    default:
      return timeout;
  }
}
