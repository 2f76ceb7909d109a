/**
 * Wires the pipeline's components from a validated stack configuration. `index.ts` calls this
 * once with the current stack's config; the program tests call it for each stack file.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Archival } from "../components/archival";
import { BusFunctionSubscription } from "../components/busFunctionSubscription";
import { UploadNotifications } from "../components/uploadNotifications";
import { UploadStore } from "../components/uploadStore";
import { ContainerFunction } from "../components/containerFunction";
import {
  declaredStatements,
  interfaceEndpointServicesFor,
  type PipelineResourceArns,
} from "../components/declaredCalls";
import { FailureQueue } from "../components/failureQueue";
import { DataStores } from "../components/dataStores";
import { EventRouting } from "../components/eventRouting";
import { IngestApi } from "../components/ingestApi";
import { Monitoring } from "../components/monitoring";
import { eventRuleNameFromArn } from "../components/monitoringResources";
import { MonitoringTopic } from "../components/monitoringTopic";
import { Network } from "../components/network";
import { ScreeningListsRefresh } from "../components/screeningListsRefresh";
import { TransactionStateMachine } from "../components/transactionStateMachine";
import { WebhookSigningSecret } from "../components/webhookSigningSecret";
import { Reconciliation } from "../components/reconciliation";
import {
  deliveryGuaranteeMinutes,
  scheduleMinutes,
  webhookSigningDocument,
  type StackConfig,
} from "../stackConfig";
import {
  amountLanes,
  busSubscriptions,
  describeFunction,
  functionAwsCalls,
  functionEnvironment,
  invokedAsynchronously,
  isStateMachineStep,
  programFunctions,
  routingTargetKeys,
  stateMachineSteps,
  vpcFunctionAwsCalls,
  type BusSubscription,
  type BusSubscriptionName,
  type EnvironmentValues,
  type ProgramFunction,
  type RoutingTargetKey,
} from "../pipeline";
import { pipelineSettings, timeoutSeconds } from "./settings";

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
  // Every taggable resource carries the stack's tags through the provider's default tags.
  const provider = new aws.Provider("aws", {
    region: region as aws.Region,
    defaultTags: { tags: config.tags },
  });
  const opts: pulumi.ComponentResourceOptions = { providers: { aws: provider } };

  // Interface endpoints for exactly the services some function's code calls (gateway endpoints
  // serve DynamoDB and S3); AWS services acting with a role reach KMS, logs and SQS themselves.
  const network = new Network(
    "network",
    {
      cidrBlock: config.vpcCidr,
      interfaceEndpointServices: interfaceEndpointServicesFor(vpcFunctionAwsCalls()),
    },
    opts,
  );
  const data = new DataStores(
    "data",
    {
      alertEmail: config.alertEmail,
      alertSmsNumber: config.alertSms,
      deletionProtection: config.deletionProtection,
    },
    opts,
  );
  // Before everything it watches: components that own alarms (Archival) notify it too.
  const ops = new MonitoringTopic(
    "ops",
    { kmsKeyArn: data.kmsKeyArn, emails: config.monitoring.opsEmails },
    opts,
  );

  // The bus name is fixed per stack (EventBridge has no name prefixes) and known before the bus
  // exists, so the state machine can publish to it while the bus's rules target the state machine.
  const eventBusName = `${pulumi.getProject()}-${pulumi.getStack()}`;
  const invokeOpts = { provider };
  const eventBusArn = pulumi.interpolate`arn:${aws.getPartitionOutput({}, invokeOpts).partition}:events:${
    aws.getRegionOutput({}, invokeOpts).region
  }:${aws.getCallerIdentityOutput({}, invokeOpts).accountId}:event-bus/${eventBusName}`;

  const signingSecret = new WebhookSigningSecret(
    "webhook-signing",
    {
      document: pulumi.secret(JSON.stringify(webhookSigningDocument(config))),
      kmsKeyArn: data.kmsKeyArn,
    },
    opts,
  );

  const failures = new FailureQueue("async-failures", { kmsKeyArn: data.kmsKeyArn }, opts);

  const archival = new Archival(
    "archival",
    {
      transactionsTableName: data.transactionsTableName,
      transactionsTableArn: data.transactionsTableArn,
      kmsKeyArn: data.kmsKeyArn,
      metricsNamespace: config.metricsNamespace,
      subnetIds: network.privateSubnetIds,
      securityGroupIds: [network.lambdaSecurityGroupId],
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

  // Outside the VPC (it downloads from the list publishers); the screening functions read its bucket.
  const screeningLists = new ScreeningListsRefresh(
    "screening-lists",
    {
      kmsKeyArn: data.kmsKeyArn,
      metricsNamespace: config.metricsNamespace,
      scheduleExpression: config.sanctions.refreshSchedule,
      staleAfterHours: config.sanctions.staleAfterHours,
      minimumRetainedShare: config.sanctions.minimumRetainedShare,
      ...(config.sanctions.sources === undefined
        ? {}
        : { listSources: JSON.stringify(config.sanctions.sources) }),
      logRetentionDays: config.logRetentionDays,
      logKmsKeyArn: data.kmsKeyArn,
      imagesToKeep: config.imagesToKeep,
      alarmActions: [ops.topicArn],
      reservedConcurrency: config.sanctions.reservedConcurrency,
      onFailureDestinationArn: failures.queueArn,
    },
    opts,
  );

  const uploads = new UploadStore(
    "uploads",
    {
      kmsKeyArn: data.kmsKeyArn,
      rawUploadRetentionDays: config.upload.rawUploadRetentionDays,
      deletionProtection: config.deletionProtection,
    },
    opts,
  );
  // What the functions' declared calls (functions/<name>/awsCalls.ts) and environments name.
  const resources: EnvironmentValues<pulumi.Input<string>>["resources"] = {
    transactionsTable: { name: data.transactionsTableName, arn: data.transactionsTableArn },
    archivedTransactionsTable: {
      name: archival.archivedTransactionsTableName,
      arn: archival.archivedTransactionsTableArn,
    },
    intakeTable: { name: data.intakeTableName, arn: data.intakeTableArn },
    fileStatusTable: { name: uploads.statusTableName, arn: uploads.statusTableArn },
    uploadsBucket: { name: uploads.bucketName, arn: uploads.bucketArn },
    eventBus: { name: eventBusName, arn: eventBusArn },
    alertsTopic: { arn: data.alertsTopicArn },
    pipelineKey: { arn: data.kmsKeyArn },
    signingSecret: { arn: signingSecret.secretArn, versionId: signingSecret.versionId },
    screeningListsBucket: { name: screeningLists.bucketName, arn: screeningLists.bucketArn },
    deadLetterQueue: { arn: data.deadLetterQueueArn, url: data.deadLetterQueueUrl },
  };
  const resourceArns: PipelineResourceArns = Object.fromEntries(
    Object.entries(resources).map(([resource, values]) => [resource, values.arn]),
  );
  const settings = pipelineSettings(config);

  const functions = {} as Record<ProgramFunction, ContainerFunction>;
  for (const folder of programFunctions()) {
    functions[folder] = new ContainerFunction(
      folder,
      {
        functionDirectory: folder,
        memorySize: config.functions.memoryMb,
        timeout: timeoutSeconds(describeFunction(folder).timeout, config),
        reservedConcurrency: isStateMachineStep(folder) ? config.functions.reservedConcurrency : undefined,
        logRetentionDays: config.logRetentionDays,
        logKmsKeyArn: data.kmsKeyArn,
        imagesToKeep: config.imagesToKeep,
        subnetIds: network.privateSubnetIds,
        securityGroupIds: [network.lambdaSecurityGroupId],
        policyStatements: declaredStatements(folder, functionAwsCalls[folder], resourceArns),
        onFailureDestinationArn: invokedAsynchronously(folder) ? failures.queueArn : undefined,
        environment: functionEnvironment(folder, { resources, settings }, "complete"),
      },
      opts,
    );
  }

  const stateMachine = new TransactionStateMachine(
    "transactions",
    {
      validateFunctionArn: functions[stateMachineSteps.validate].functionArn,
      fraudDetectionFunctionArn: functions[stateMachineSteps.fraudDetection].functionArn,
      complianceFunctionArn: functions[stateMachineSteps.complianceCheck].functionArn,
      transactionsTableName: data.transactionsTableName,
      transactionsTableArn: data.transactionsTableArn,
      alertsTopicArn: data.alertsTopicArn,
      deadLetterQueueUrl: data.deadLetterQueueUrl,
      deadLetterQueueArn: data.deadLetterQueueArn,
      kmsKeyArn: data.kmsKeyArn,
      highValueAlertUsdMinor: config.highValueAlertUsd * 100,
      functionTimeoutSeconds: config.functions.timeoutSeconds,
      logRetentionDays: config.logRetentionDays,
      includeExecutionData: config.includeExecutionData,
      logLevel: config.stateMachineLogLevel,
      eventBusName,
      eventBusArn,
    },
    opts,
  );

  const routing = new EventRouting(
    "routing",
    {
      busName: eventBusName,
      stateMachineArn: stateMachine.stateMachineArn,
      alertsTopicArn: data.alertsTopicArn,
      kmsKeyArn: data.kmsKeyArn,
      laneThresholds: { highAboveUsd: config.routing.highAboveUsd, lowBelowUsd: config.routing.lowBelowUsd },
      archiveRetentionDays: config.routing.archiveRetentionDays,
      maximumRetryAttempts: config.routing.maximumRetryAttempts,
      maximumEventAgeSeconds: config.routing.maximumEventAgeSeconds,
    },
    opts,
  );

  const api = new IngestApi(
    "ingest",
    {
      webhookFunctionName: functions["webhook-intake"].functionName,
      webhookFunctionArn: functions["webhook-intake"].functionArn,
      statusFunctionName: functions["transaction-status"].functionName,
      statusFunctionArn: functions["transaction-status"].functionArn,
      csvIntakeFunctionName: functions["csv-intake"].functionName,
      csvIntakeFunctionArn: functions["csv-intake"].functionArn,
      fileStatusFunctionName: functions["file-status"].functionName,
      fileStatusFunctionArn: functions["file-status"].functionArn,
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

  new UploadNotifications(
    "uploads-notifications",
    {
      bucketName: uploads.bucketName,
      bucketArn: uploads.bucketArn,
      intakeFunctionArn: functions["csv-intake"].functionArn,
      transformFunctionArn: functions["csv-transform"].functionArn,
    },
    opts,
  );
  const subscriptions = Object.fromEntries(
    (Object.entries(busSubscriptions) as [BusSubscriptionName, BusSubscription][]).map(
      ([name, subscription]) => [
        name,
        new BusFunctionSubscription(
          name,
          {
            eventBusName: routing.eventBusName,
            pattern: subscription.pattern,
            functionArn: functions[subscription.function as ProgramFunction].functionArn,
            kmsKeyArn: data.kmsKeyArn,
            maximumRetryAttempts: config.routing.maximumRetryAttempts,
            maximumEventAgeSeconds: config.routing.maximumEventAgeSeconds,
          },
          opts,
        ),
      ],
    ),
  ) as Record<BusSubscriptionName, BusFunctionSubscription>;

  const reconciliation = new Reconciliation(
    "reconciliation",
    {
      functionName: functions.reconciler.functionName,
      functionArn: functions.reconciler.functionArn,
      kmsKeyArn: data.kmsKeyArn,
      metricsNamespace: config.metricsNamespace,
      scheduleExpression: config.reconcile.scheduleExpression,
      oldestUndecidedAlarmSeconds:
        deliveryGuaranteeMinutes(config.reconcile, scheduleMinutes(config.reconcile.scheduleExpression)) * 60,
      alarmActions: [ops.topicArn],
    },
    opts,
  );

  const entryOf = <K extends string>(record: pulumi.Output<Record<K, string>>, key: K) =>
    record.apply((values) => values[key]);
  const monitoring = new Monitoring(
    "monitoring",
    {
      // Fixed like the bus name: CloudWatch has no dashboard name prefixes, and stacks may share an account.
      dashboardName: `${pulumi.getProject()}-${pulumi.getStack()}`,
      opsTopicArn: ops.topicArn,
      metricsNamespace: config.metricsNamespace,
      apiName: api.restApiName,
      apiStageName: api.stageName,
      stateMachineArn: stateMachine.stateMachineArn,
      functionNames: {
        ...Object.fromEntries(Object.entries(functions).map(([folder, fn]) => [folder, fn.functionName])),
        archival: archival.functionName,
        "screening-lists-refresh": screeningLists.functionName,
      },
      deadLetterQueueUrls: {
        "state-machine": data.deadLetterQueueUrl,
        ...Object.fromEntries(
          routingTargetKeys.map((key) => [`routing-${key}`, entryOf(routing.targetDeadLetterQueueUrls, key)]),
        ),
        "csv-decisions": subscriptions["csv-decisions"].deadLetterQueueUrl,
        "csv-load-continued": subscriptions["csv-load-continued"].deadLetterQueueUrl,
        "async-failures": failures.queueUrl,
        "archival-schedule": archival.scheduleDeadLetterQueueUrl,
        "screening-lists-schedule": screeningLists.scheduleDeadLetterQueueUrl,
        "reconciliation-schedule": reconciliation.scheduleDeadLetterQueueUrl,
      },
      eventBusName: routing.eventBusName,
      eventRuleNames: {
        ...Object.fromEntries(
          amountLanes.map((lane) => [`routing-${lane}`, entryOf(routing.ruleNames, lane)]),
        ),
        "routing-high-alert": routing.highAlertRuleName,
        "csv-decisions": subscriptions["csv-decisions"].ruleArn.apply(eventRuleNameFromArn),
        "csv-load-continued": subscriptions["csv-load-continued"].ruleArn.apply(eventRuleNameFromArn),
      },
      scheduleRuleNames: {
        archival: archival.scheduleRuleArn.apply(eventRuleNameFromArn),
        "screening-lists-refresh": screeningLists.scheduleRuleArn.apply(eventRuleNameFromArn),
        reconciliation: reconciliation.scheduleRuleArn.apply(eventRuleNameFromArn),
      },
      lambdaErrorRatePercent: config.monitoring.lambdaErrorRatePercent,
      apiServerErrorRatePercent: config.monitoring.apiServerErrorRatePercent,
      apiLatencyP99Milliseconds: config.monitoring.apiLatencyP99Milliseconds,
      webhookSignatureFailuresPer5Minutes: config.monitoring.webhookSignatureFailuresPer5Minutes,
    },
    opts,
  );

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
    uploadsBucketName: uploads.bucketName,
    fileStatusTableName: uploads.statusTableName,
    dashboardName: monitoring.dashboardName,
    opsTopicArn: ops.topicArn,
  };
}
