/**
 * The local stand-ins for the stack's tables, topic, queues and buckets, created on the emulators
 * from the same definitions the stack deploys, and the values the functions' environments are
 * resolved against (pipeline/environment.ts) locally.
 */
import { join } from "node:path";
import { CreateTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  archivedTransactionsTableDefinition,
  fileStatusTableDefinition,
  intakeRecordsTableDefinition,
  transactionsTableDefinition,
} from "../functions/shared/tableDefinitions";
import { projectName, stackScopedName, type EnvironmentValues } from "../pipeline";
import { createDurableBuckets } from "./durableObjects";
import type { Emulators } from "./emulators";
import { createTableInput } from "./tableSpecs";

/** Names of the local resources, the same roles the stack outputs name in AWS. */
export const localResourceNames = {
  transactionsTable: "transactions-local",
  intakeTable: "intake-records-local",
  eventBus: stackScopedName(projectName, "local"),
  alertsTopic: "alerts-local",
  alertsInbox: "alerts-inbox-local",
  deadLetterQueue: "dead-letters-local",
  uploadsBucket: "uploads-local",
  fileStatusTable: "file-status-local",
  archiveBucket: "audit-archive-local",
  archivedTransactionsTable: "archived-transactions-local",
} as const;

/** What the emulators answer when the resources are created. */
export interface LocalResources {
  readonly alertsTopicArn: string;
  /** A queue subscribed to the alerts topic (raw delivery), where the local alerts can be read. */
  readonly alertsInboxUrl: string;
  readonly deadLetterQueueUrl: string;
}

/**
 * Creates the tables, the alerts topic with its inbox, the dead-letter queue and the buckets.
 * With a data directory, tables that survived a restart are kept and bucket objects are written
 * to disk before the emulator answers each PUT.
 */
export async function createLocalResources(
  emulators: Emulators,
  dynamoDb: DynamoDBClient,
  dataDirectory: string | undefined,
): Promise<LocalResources> {
  for (const [table, definition] of [
    [localResourceNames.transactionsTable, transactionsTableDefinition],
    [localResourceNames.intakeTable, intakeRecordsTableDefinition],
    [localResourceNames.fileStatusTable, fileStatusTableDefinition],
    [localResourceNames.archivedTransactionsTable, archivedTransactionsTableDefinition],
  ] as const) {
    await dynamoDb
      .send(new CreateTableCommand(createTableInput(table, definition)))
      .catch((error: unknown) => {
        // A persisted data directory already has its tables.
        if (!(error instanceof Error && error.name === "ResourceInUseException")) throw error;
      });
  }
  const alertsTopicArn = emulators.fauxqs.createTopic(localResourceNames.alertsTopic).topicArn;
  const alertsInboxUrl = emulators.fauxqs.createQueue(localResourceNames.alertsInbox).queueUrl;
  emulators.fauxqs.subscribe({
    topic: localResourceNames.alertsTopic,
    queue: localResourceNames.alertsInbox,
    attributes: { RawMessageDelivery: "true" },
  });
  const deadLetterQueueUrl = emulators.fauxqs.createQueue(localResourceNames.deadLetterQueue).queueUrl;
  const buckets = [localResourceNames.uploadsBucket, localResourceNames.archiveBucket];
  if (dataDirectory === undefined) {
    for (const bucket of buckets) emulators.fauxqs.createBucket(bucket);
  } else {
    await createDurableBuckets(join(dataDirectory, "s3"), buckets, (bucket) =>
      emulators.fauxqs.createBucket(bucket),
    );
  }
  return { alertsTopicArn, alertsInboxUrl, deadLetterQueueUrl };
}

/** The settings a local run decides (the stack's others are left to the functions' defaults). */
export interface LocalSettings {
  readonly archiveAfterHours: number;
  readonly reconcileAfterSeconds: number;
  readonly reconcileMaxAttempts: number;
}

/**
 * The local resources and settings as the functions' environments take them. The screening-lists
 * bucket and the signing secret are not emulated: compliance screens against the list bundled
 * with its code, and webhook-intake is handed the local secret.
 */
export function localEnvironmentValues(
  resources: LocalResources,
  settings: LocalSettings,
): EnvironmentValues<string> {
  return {
    resources: {
      transactionsTable: { name: localResourceNames.transactionsTable },
      intakeTable: { name: localResourceNames.intakeTable },
      fileStatusTable: { name: localResourceNames.fileStatusTable },
      archivedTransactionsTable: { name: localResourceNames.archivedTransactionsTable },
      uploadsBucket: { name: localResourceNames.uploadsBucket },
      archiveBucket: { name: localResourceNames.archiveBucket },
      eventBus: { name: localResourceNames.eventBus },
      alertsTopic: { arn: resources.alertsTopicArn },
      deadLetterQueue: { url: resources.deadLetterQueueUrl },
    },
    settings: {
      archiveAfterHours: String(settings.archiveAfterHours),
      reconcileAfterSeconds: String(settings.reconcileAfterSeconds),
      reconcileMaxAttempts: String(settings.reconcileMaxAttempts),
    },
  };
}
