/** csv-transform's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import {
  optionalPositiveIntegerEnvironment,
  requireEnvironment,
  type EnvironmentSource,
} from "../shared/environment";
import { InvalidEnvironmentError } from "../shared/errors";
import { defaultMaxAmountUsdMinor } from "../validation/config";

/** The webhook intake's bounds too: longer than any retry window, so a re-upload within it is caught. */
export const minimumRetentionHours = 96;
export const defaultRetentionHours = 120;

export interface CsvTransformConfig {
  /** Bucket holding `validated/<fileId>.csv`. */
  readonly uploadsBucket: string;
  readonly fileStatusTable: string;
  /** Intake-records table: the dedupe records of webhook deliveries and CSV rows. */
  readonly intakeTable: string;
  readonly eventBusName: string;
  /** Where the summary of a file completed at the end of its load goes. */
  readonly alertsTopicArn: string;
  /** The same limit the upload was validated with, so both read the same rows as valid. */
  readonly maxAmountUsdMinor: bigint;
  /** Hours a row's intake record is kept (at least 96). */
  readonly retentionHours: number;
  /** Row errors kept in the status record (csv-intake's limit); CONFLICT rows beyond it are only counted. Default 100. */
  readonly fileErrorLimit?: number;
}

export function loadCsvTransformConfig(env: EnvironmentSource = process.env): CsvTransformConfig {
  const retention = optionalPositiveIntegerEnvironment(
    EnvironmentName.intakeRecordRetentionHours,
    BigInt(defaultRetentionHours),
    env,
  );
  if (retention < BigInt(minimumRetentionHours) || retention > 24n * 365n) {
    throw new InvalidEnvironmentError(
      EnvironmentName.intakeRecordRetentionHours,
      `expected ${minimumRetentionHours} to ${24 * 365}, got ${retention}`,
    );
  }
  return {
    uploadsBucket: requireEnvironment(EnvironmentName.uploadsBucket, env),
    fileStatusTable: requireEnvironment(EnvironmentName.fileStatusTable, env),
    intakeTable: requireEnvironment(EnvironmentName.intakeTable, env),
    eventBusName: requireEnvironment(EnvironmentName.eventBusName, env),
    alertsTopicArn: requireEnvironment(EnvironmentName.alertsTopicArn, env),
    maxAmountUsdMinor: optionalPositiveIntegerEnvironment(
      EnvironmentName.maxAmountUsdMinor,
      defaultMaxAmountUsdMinor,
      env,
    ),
    retentionHours: Number(retention),
    fileErrorLimit: Number(optionalPositiveIntegerEnvironment(EnvironmentName.fileErrorLimit, 100n, env)),
  };
}
