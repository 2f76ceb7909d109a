/**
 * The Pulumi program's body: deploys the pipeline described in pipeline/ from a validated stack
 * configuration, one capability at a time (platform, archive, processing, uploads, ingest,
 * monitoring), and answers the stack's outputs. `index.ts` calls this once with the current
 * stack's config; the program tests call it for each stack file.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ContainerFunction } from "../components/platform";
import { programFunctions, type ProgramFunction } from "../pipeline";
import type { StackConfig } from "../stackConfig";
import { deployArchive } from "./archive";
import { deployIngest, deployIngestSecrets } from "./ingest";
import { deployMonitoring } from "./monitoring";
import { deployPlatform } from "./platform";
import { deployProcessing, deployScreeningLists } from "./processing";
import { deployUploads, deployUploadStore } from "./uploads";

/** The stack's outputs, as deployPipeline answers them (index.ts exports each one). */
export type PipelineOutputs = ReturnType<typeof deployPipeline>;

export function deployPipeline(region: string, config: StackConfig) {
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
  // One value per function folder, the archival job's (built by the Archival component) included.
  const exportedFunctions: Record<string, ContainerFunction> = { ...functions, archival: archival.function };
  const byFunction = (pick: (fn: ContainerFunction) => pulumi.Output<string>) =>
    pulumi.all(
      Object.fromEntries(Object.entries(exportedFunctions).map(([folder, fn]) => [folder, pick(fn)])),
    );

  return {
    stateMachineArn: stateMachine.stateMachineArn,
    stateMachineRoleArn: stateMachine.roleArn,
    transactionsTableName: data.transactionsTable.name,
    alertsTopicArn: data.alertsTopicArn,
    deadLetterQueueUrl: data.deadLetterQueue.url,
    kmsKeyArn: data.kmsKeyArn,
    vpcId: network.vpcId,
    imageDigests: byFunction((fn) => fn.imageDigest),
    functionRoleArns: byFunction((fn) => fn.roleArn),
    functionNames: byFunction((fn) => fn.functionName),
    intakeTableName: data.intakeTable.name,
    apiUrl: api.urls.apiUrl,
    webhookUrl: api.urls.webhookUrl,
    statusApiKeyId: api.apiKeyId,
    eventBusName: routing.eventBusName,
    eventBusArn: routing.eventBusArn,
    eventArchiveName: routing.archiveName,
    routingDeadLetterQueueUrls: routing.targetDeadLetterQueueUrls,
    webhookSecretArn: signingSecret.secret.arn,
    archiveBucketName: archival.bucket.name,
    archivedTransactionsTableName: archival.archivedTransactionsTable.name,
    uploadUrl: api.urls.uploadUrl,
    uploadsUrl: api.urls.uploadsUrl,
    filesUrl: api.urls.filesUrl,
    uploadApiKeyId: api.uploadApiKeyId,
    uploadsBucketName: uploadStore.bucket.name,
    fileStatusTableName: uploadStore.statusTable.name,
    dashboardName: monitoring.dashboardName,
    opsTopicArn: ops.topicArn,
  };
}
