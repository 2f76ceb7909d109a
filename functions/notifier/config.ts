/** The notifier's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import { environmentReader, required } from "../shared/environment";

export const loadNotifierConfig = environmentReader({
  fileStatusTable: required(EnvironmentName.fileStatusTable),
  /** Where each decided row's file is found (its intake record's deliveryId) and counted once. */
  intakeTable: required(EnvironmentName.intakeTable),
  /** Where file summaries go. */
  alertsTopicArn: required(EnvironmentName.alertsTopicArn),
});

export type NotifierConfig = ReturnType<typeof loadNotifierConfig>;
