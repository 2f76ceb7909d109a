/**
 * Ingest: how transactions come in. The payment providers' signing secrets, the webhook intake
 * and transaction-status functions, and the REST API built from the route table with the function
 * behind each route (the upload routes' functions are the uploads capability's).
 */
import * as pulumi from "@pulumi/pulumi";
import { IngestApi, WebhookSigningSecret } from "../components/ingest";
import type { ContainerFunction } from "../components/platform";
import type { EventRouting } from "../components/processing";
import { programFunctions, type CapabilityFunction, type IngestApiFunction } from "../pipeline";
import { webhookSigningDocument } from "../stackConfig";
import { deployFunctions, type CapabilityFunctions } from "./functions";
import type { Platform } from "./platform";
import type { PipelineResources, ResourceOwner } from "./resources";

/** The providers' signing secrets, which webhook-intake reads at cold start. */
export function deployIngestSecrets(platform: Platform): ResourceOwner<WebhookSigningSecret> {
  const { config, data, opts } = platform;
  const signingSecret = new WebhookSigningSecret(
    "webhook-signing",
    {
      document: pulumi.secret(JSON.stringify(webhookSigningDocument(config))),
      kmsKeyArn: data.kmsKeyArn,
    },
    opts,
  );
  return { component: signingSecret, resources: { signingSecret: signingSecret.secret } };
}

export interface IngestDeployment {
  readonly functions: CapabilityFunctions<"ingest">;
  readonly api: IngestApi;
}

export function deployIngest(
  platform: Platform,
  resources: PipelineResources,
  uploadFunctions: Readonly<
    Record<Exclude<IngestApiFunction, CapabilityFunction<"ingest">>, ContainerFunction>
  >,
  routing: EventRouting,
): IngestDeployment {
  const { config, data, opts } = platform;
  const functions = deployFunctions(programFunctions("ingest"), platform, resources);
  const routeFunctions: Record<IngestApiFunction, ContainerFunction> = { ...functions, ...uploadFunctions };

  const api = new IngestApi(
    "ingest",
    {
      webhookFunctionName: routeFunctions["webhook-intake"].functionName,
      webhookFunctionArn: routeFunctions["webhook-intake"].functionArn,
      statusFunctionName: routeFunctions["transaction-status"].functionName,
      statusFunctionArn: routeFunctions["transaction-status"].functionArn,
      csvIntakeFunctionName: routeFunctions["csv-intake"].functionName,
      csvIntakeFunctionArn: routeFunctions["csv-intake"].functionArn,
      fileStatusFunctionName: routeFunctions["file-status"].functionName,
      fileStatusFunctionArn: routeFunctions["file-status"].functionArn,
      uploadQuotaPerDay: config.upload.quotaPerDay,
      uploadThrottlingRateLimit: config.upload.throttlingRateLimit,
      uploadThrottlingBurstLimit: config.upload.throttlingBurstLimit,
      stageName: config.api.stageName,
      throttlingRateLimit: config.api.throttlingRateLimit,
      throttlingBurstLimit: config.api.throttlingBurstLimit,
      webhookThrottlingRateLimit: config.api.webhookThrottlingRateLimit,
      webhookThrottlingBurstLimit: config.api.webhookThrottlingBurstLimit,
      statusQuotaPerDay: config.api.statusQuotaPerDay,
      logRetentionDays: config.logRetentionDays,
      logKmsKeyArn: data.kmsKeyArn,
      manageAccountLogRole: config.api.manageAccountLogRole,
    },
    // Accepting webhooks before the lane rules exist would publish events nothing routes.
    { ...opts, dependsOn: [routing] },
  );

  return { functions, api };
}
