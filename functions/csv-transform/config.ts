/** csv-transform's configuration, read once at cold start. */
import { defaultMaxRowErrors } from "../shared/csvTransactions";
import { EnvironmentName } from "../shared/environmentNames";
import { environmentReader, integer, required } from "../shared/environment";
import { intakeRecordRetentionHours, maxAmountUsdMinor } from "../shared/sharedSettings";

export const loadCsvTransformConfig = environmentReader({
  /** Hours a row's intake record is kept (the webhook intake's bounds too). */
  retentionHours: intakeRecordRetentionHours,
  /** Bucket holding `validated/<fileId>.csv`. */
  uploadsBucket: required(EnvironmentName.uploadsBucket),
  fileStatusTable: required(EnvironmentName.fileStatusTable),
  /** Intake-records table: the dedupe records of webhook deliveries and CSV rows. */
  intakeTable: required(EnvironmentName.intakeTable),
  eventBusName: required(EnvironmentName.eventBusName),
  /** Where the summary of a file completed at the end of its load goes. */
  alertsTopicArn: required(EnvironmentName.alertsTopicArn),
  /** The same limit the upload was validated with, so both read the same rows as valid. */
  maxAmountUsdMinor,
  /** Row errors kept in the status record (csv-intake's limit); CONFLICT rows beyond it are only counted. */
  fileErrorLimit: integer(EnvironmentName.fileErrorLimit, defaultMaxRowErrors),
});

export type CsvTransformConfig = ReturnType<typeof loadCsvTransformConfig>;
