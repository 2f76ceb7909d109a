/** The notifier's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import { requireEnvironment, type EnvironmentSource } from "../shared/environment";

export interface NotifierConfig {
  readonly fileStatusTable: string;
  /** Where each decided row's file is found (its intake record's deliveryId) and counted once. */
  readonly intakeTable: string;
  /** Where file summaries go. */
  readonly alertsTopicArn: string;
}

export function loadNotifierConfig(env: EnvironmentSource = process.env): NotifierConfig {
  return {
    fileStatusTable: requireEnvironment(EnvironmentName.fileStatusTable, env),
    intakeTable: requireEnvironment(EnvironmentName.intakeTable, env),
    alertsTopicArn: requireEnvironment(EnvironmentName.alertsTopicArn, env),
  };
}
