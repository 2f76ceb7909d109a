/** The CSV intake's configuration, read once at cold start. */
import { defaultMaxRowErrors } from "../shared/csvTransactions";
import { EnvironmentName } from "../shared/environmentNames";
import {
  optionalPositiveIntegerEnvironment,
  requireEnvironment,
  type EnvironmentSource,
} from "../shared/environment";
import { InvalidEnvironmentError } from "../shared/errors";
import { defaultMaxAmountUsdMinor } from "../validation/config";

/**
 * Row errors kept per file. Each is about 150-300 bytes in the status item, which DynamoDB caps
 * at 400 KB together with everything the loader and the notifier add later.
 */
export const largestFileErrorLimit = 500;

export const defaultUploadUrlExpirySeconds = 900;
/**
 * A URL signed with the function's temporary role credentials stops working when they expire,
 * whatever its own expiry says; an hour is already far longer than any upload needs.
 */
export const largestUploadUrlExpirySeconds = 3600;
export const smallestUploadUrlExpirySeconds = 60;

export interface CsvIntakeConfig {
  readonly uploadsBucket: string;
  readonly fileStatusTable: string;
  /** Row errors kept in the status record and answered (the first ones, in file order). */
  readonly fileErrorLimit: number;
  readonly uploadUrlExpirySeconds: number;
  /** Largest accepted amount in US-dollar cents equivalent, the same rule as webhooks. */
  readonly maxAmountUsdMinor: bigint;
}

function boundedInteger(
  name: string,
  defaultValue: number,
  min: number,
  max: number,
  env: EnvironmentSource,
) {
  const value = optionalPositiveIntegerEnvironment(name, BigInt(defaultValue), env);
  if (value < BigInt(min) || value > BigInt(max)) {
    throw new InvalidEnvironmentError(name, `expected ${min} to ${max}, got ${value}`);
  }
  return Number(value);
}

export function loadCsvIntakeConfig(env: EnvironmentSource = process.env): CsvIntakeConfig {
  return {
    uploadsBucket: requireEnvironment(EnvironmentName.uploadsBucket, env),
    fileStatusTable: requireEnvironment(EnvironmentName.fileStatusTable, env),
    fileErrorLimit: boundedInteger(
      EnvironmentName.fileErrorLimit,
      defaultMaxRowErrors,
      1,
      largestFileErrorLimit,
      env,
    ),
    uploadUrlExpirySeconds: boundedInteger(
      EnvironmentName.uploadUrlExpirySeconds,
      defaultUploadUrlExpirySeconds,
      smallestUploadUrlExpirySeconds,
      largestUploadUrlExpirySeconds,
      env,
    ),
    maxAmountUsdMinor: optionalPositiveIntegerEnvironment(
      EnvironmentName.maxAmountUsdMinor,
      defaultMaxAmountUsdMinor,
      env,
    ),
  };
}
