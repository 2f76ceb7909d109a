/**
 * The Pulumi program's body: deploys the pipeline described in pipeline/ from a validated stack
 * configuration, one capability at a time (platform, archive, processing, uploads, ingest,
 * monitoring), and answers the stack's outputs. `index.ts` calls this once with the current
 * stack's config; the program tests call it for each stack file.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ContainerFunction } from "../components/platform";
import { programFunctions, type ProgramFunction, type RoutingTargetKey } from "../pipeline";
import type { StackConfig } from "../stackConfig";
import { deployArchive } from "./archive";
import { deployIngest, deployIngestSecrets } from "./ingest";
import { deployMonitoring } from "./monitoring";
import { deployPlatform } from "./platform";
import { deployProcessing, deployScreeningLists } from "./processing";
import { deployUploads, deployUploadStore } from "./uploads";

export interface PipelineOutputs {
  readonly stateMachineArn: pulumi.Output<string>;
  readonly stateMachineRoleArn: pulumi.Output<string>;
  readonly transactionsTableName: pulumi.Output<string>;
  readonly alertsTopicArn: pulumi.Output<string>;
  readonly deadLetterQueueUrl: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly vpcId: pulumi.Output<string>;
  readonly imageDigests: pulumi.Output<Record<string, string>>;
  readonly functionRoleArns: pulumi.Output<Record<string, string>>;
  readonly functionNames: pulumi.Output<Record<string, string>>;
  readonly intakeTableName: pulumi.Output<string>;
  readonly apiUrl: pulumi.Output<string>;
  readonly webhookUrl: pulumi.Output<string>;
  readonly statusApiKeyId: pulumi.Output<string>;
  readonly eventBusName: pulumi.Output<string>;
  readonly eventBusArn: pulumi.Output<string>;
  readonly eventArchiveName: pulumi.Output<string>;
  readonly routingDeadLetterQueueUrls: pulumi.Output<Record<RoutingTargetKey, string>>;
  readonly webhookSecretArn: pulumi.Output<string>;
  readonly archiveBucketName: pulumi.Output<string>;
  readonly uploadUrl: pulumi.Output<string>;
  readonly uploadsUrl: pulumi.Output<string>;
  readonly filesUrl: pulumi.Output<string>;
  readonly uploadApiKeyId: pulumi.Output<string>;
  readonly uploadsBucketName: pulumi.Output<string>;
  readonly fileStatusTableName: pulumi.Output<string>;
  readonly archivedTransactionsTableName: pulumi.Output<string>;
  readonly dashboardName: pulumi.Output<string>;
  readonly opsTopicArn: pulumi.Output<string>;
}

export function deployPipeline(region: string, config: StackConfig): PipelineOutputs {
  const platform = deployPlatform(region, config);
  // What the functions touch comes first: their calls and environments name it.
  const { component: archival, resources: archiveResources } = deployArchive(platform);
  const { component: screeningLists, resources: screeningResources } = deployScreeningLists(platform);
  const { component: signingSecret, resources: secretResources } = deployIngestSecrets(platform);
  const { component: uploadStore, resources: uploadResources } = deployUploadStore(platform);
  const resources = {
    ...platform.resources,
    ...archiveResources,
    ...screeningResources,
    ...secretResources,
    ...uploadResources,
  };

  const processing = deployProcessing(platform, resources);
  const uploads = deployUploads(platform, resources, uploadStore, processing.routing);
  const ingest = deployIngest(platform, resources, uploads.functions, processing.routing);
  const { stateMachine, routing, reconciliation } = processing;
  const { api } = ingest;
  const built = { ...processing.functions, ...uploads.functions, ...ingest.functions };
  // In the description's order: the dashboard lists them so.
  const functions = Object.fromEntries(programFunctions().map((folder) => [folder, built[folder]])) as Record<
    ProgramFunction,
    ContainerFunction
  >;

  const monitoring = deployMonitoring(platform, {
    functions,
    archival,
    screeningLists,
    api,
    stateMachine,
    routing,
    reconciliation,
    subscriptions: uploads.subscriptions,
  });

  const { data, network, ops } = platform;
  /** One value per function folder, the archival job's (owned by the Archival component) included. */
  const byFunction = (
    pick: (fn: ContainerFunction) => pulumi.Output<string>,
    archivalValue: pulumi.Output<string>,
  ) =>
    pulumi.all({
      ...(Object.fromEntries(Object.entries(functions).map(([folder, fn]) => [folder, pick(fn)])) as Record<
        string,
        pulumi.Output<string>
      >),
      archival: archivalValue,
    });

  return {
    stateMachineArn: stateMachine.stateMachineArn,
    stateMachineRoleArn: stateMachine.roleArn,
    transactionsTableName: data.transactionsTableName,
    alertsTopicArn: data.alertsTopicArn,
    deadLetterQueueUrl: data.deadLetterQueueUrl,
    kmsKeyArn: data.kmsKeyArn,
    vpcId: network.vpcId,
    imageDigests: byFunction((fn) => fn.imageDigest, archival.imageDigest),
    functionRoleArns: byFunction((fn) => fn.roleArn, archival.functionRoleArn),
    functionNames: byFunction((fn) => fn.functionName, archival.functionName),
    intakeTableName: data.intakeTableName,
    apiUrl: api.apiUrl,
    webhookUrl: api.webhookUrl,
    statusApiKeyId: api.apiKeyId,
    eventBusName: routing.eventBusName,
    eventBusArn: routing.eventBusArn,
    eventArchiveName: routing.archiveName,
    routingDeadLetterQueueUrls: routing.targetDeadLetterQueueUrls,
    webhookSecretArn: signingSecret.secretArn,
    archiveBucketName: archival.bucketName,
    archivedTransactionsTableName: archival.archivedTransactionsTableName,
    uploadUrl: api.uploadUrl,
    uploadsUrl: api.uploadsUrl,
    filesUrl: api.filesUrl,
    uploadApiKeyId: api.uploadApiKeyId,
    uploadsBucketName: uploadStore.bucketName,
    fileStatusTableName: uploadStore.statusTableName,
    dashboardName: monitoring.dashboardName,
    opsTopicArn: ops.topicArn,
  };
}
