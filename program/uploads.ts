/**
 * Uploads: back-office CSV files, validated (csv-intake), loaded row by row onto the bus
 * (csv-transform), counted to completion (notifier) and reported (file-status); the uploads
 * bucket's notifications and the bus subscriptions that drive them.
 */
import type { ContainerFunction } from "../components/platform";
import { BusFunctionSubscription, type EventRouting } from "../components/processing";
import { UploadNotifications, UploadStore } from "../components/uploads";
import {
  busSubscriptions,
  notifiedFunction,
  programFunctions,
  type BusSubscription,
  type BusSubscriptionName,
  type PipelineFunction,
} from "../pipeline";
import { deployFunctions, type CapabilityFunctions } from "./functions";
import type { Platform } from "./platform";
import type { PipelineResources, ResourceOwner } from "./resources";

/** The uploads bucket and the processing-status table. */
export function deployUploadStore(platform: Platform): ResourceOwner<UploadStore> {
  const { config, data, opts } = platform;
  const store = new UploadStore(
    "uploads",
    {
      kmsKeyArn: data.kmsKeyArn,
      rawUploadRetentionDays: config.upload.rawUploadRetentionDays,
      deletionProtection: config.deletionProtection,
    },
    opts,
  );
  return {
    component: store,
    resources: {
      fileStatusTable: store.statusTable,
      uploadsBucket: store.bucket,
    },
  };
}

export interface UploadsDeployment {
  readonly functions: CapabilityFunctions<"uploads">;
  readonly subscriptions: Record<BusSubscriptionName, BusFunctionSubscription>;
}

export function deployUploads(
  platform: Platform,
  resources: PipelineResources,
  store: UploadStore,
  routing: EventRouting,
): UploadsDeployment {
  const { config, data, opts } = platform;
  const functions = deployFunctions(programFunctions("uploads"), platform, resources);
  // The bucket's notifications and the bus subscriptions all start uploads functions.
  const uploadsFunction = (folder: PipelineFunction): ContainerFunction => {
    const fn = (functions as Partial<Record<PipelineFunction, ContainerFunction>>)[folder];
    if (fn === undefined) throw new Error(`${folder} is not a function of the uploads capability`);
    return fn;
  };

  new UploadNotifications(
    "uploads-notifications",
    {
      bucketName: store.bucket.name,
      bucketArn: store.bucket.arn,
      intakeFunctionArn: uploadsFunction(notifiedFunction("intake")).functionArn,
      transformFunctionArn: uploadsFunction(notifiedFunction("transform")).functionArn,
    },
    opts,
  );

  // On the bus's own name output, so each rule waits for the bus.
  const subscriptions = Object.fromEntries(
    (Object.entries(busSubscriptions) as [BusSubscriptionName, BusSubscription][]).map(
      ([name, subscription]) => [
        name,
        new BusFunctionSubscription(
          name,
          {
            eventBusName: routing.eventBusName,
            pattern: subscription.pattern,
            functionArn: uploadsFunction(subscription.function).functionArn,
            kmsKeyArn: data.kmsKeyArn,
            maximumRetryAttempts: config.routing.maximumRetryAttempts,
            maximumEventAgeSeconds: config.routing.maximumEventAgeSeconds,
          },
          opts,
        ),
      ],
    ),
  ) as Record<BusSubscriptionName, BusFunctionSubscription>;

  return { functions, subscriptions };
}
