/**
 * Archive: decided transactions moved daily from the hot table to the versioned, encrypted audit
 * bucket. The Archival component builds its own function (pipeline/functions.ts `archival`).
 */
import { Archival } from "../components/archive";
import type { Platform } from "./platform";
import type { ResourceOwner } from "./resources";

export function deployArchive(platform: Platform): ResourceOwner<Archival> {
  const { config, data, network, ops, failures, opts } = platform;
  const archival = new Archival(
    "archival",
    {
      transactionsTableName: data.transactionsTable.name,
      transactionsTableArn: data.transactionsTable.arn,
      kmsKeyArn: data.kmsKeyArn,
      metricsNamespace: config.metricsNamespace,
      ...network.functionPlacement,
      logRetentionDays: config.logRetentionDays,
      logKmsKeyArn: data.kmsKeyArn,
      imagesToKeep: config.imagesToKeep,
      alarmActions: [ops.topicArn],
      scheduleExpression: config.archive.scheduleExpression,
      archiveAfterHours: config.archive.archiveAfterHours,
      chunkSize: config.archive.chunkSize,
      transitionToInfrequentAccessDays: config.archive.transitionToInfrequentAccessDays,
      transitionToGlacierDays: config.archive.transitionToGlacierDays,
      expireAfterDays: config.archive.expireAfterDays,
      objectLockRetentionDays: config.archive.objectLockRetentionDays,
      reservedConcurrency: config.archive.reservedConcurrency,
      onFailureDestinationArn: failures.queueArn,
      deletionProtection: config.deletionProtection,
    },
    opts,
  );
  return {
    component: archival,
    resources: { archivedTransactionsTable: archival.archivedTransactionsTable },
  };
}
