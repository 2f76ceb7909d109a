/** The CSV intake's configuration, read once at cold start. */
import { defaultMaxRowErrors } from "../shared/csvTransactions";
import { EnvironmentName } from "../shared/environmentNames";
import { environmentReader, integer, required } from "../shared/environment";
import { maxAmountUsdMinor } from "../shared/sharedSettings";

export const loadCsvIntakeConfig = environmentReader({
  uploadsBucket: required(EnvironmentName.uploadsBucket),
  fileStatusTable: required(EnvironmentName.fileStatusTable),
  /**
   * Row errors kept in the status record and answered (the first ones, in file order). 500 at
   * most: each is about 150-300 bytes in the status item, which DynamoDB caps at 400 KB together
   * with everything the loader and the notifier add later.
   */
  fileErrorLimit: integer(EnvironmentName.fileErrorLimit, defaultMaxRowErrors, { max: 500 }),
  /**
   * Seconds a presigned upload URL is valid, an hour at most: a URL signed with the function's
   * temporary role credentials stops working when they expire, whatever its own expiry says, and
   * an hour is already far longer than any upload needs.
   */
  uploadUrlExpirySeconds: integer(EnvironmentName.uploadUrlExpirySeconds, 900, { min: 60, max: 3600 }),
  /** Largest accepted amount in US-dollar cents equivalent, the same rule as webhooks. */
  maxAmountUsdMinor,
});

export type CsvIntakeConfig = ReturnType<typeof loadCsvIntakeConfig>;
