/**
 * Processing: the state machine's steps (validation, fraud detection, compliance) and the state
 * machine, the bus whose lane rules start it, the reconciler that re-drives what an execution
 * lost, and the sanctions lists' refresh that compliance screens against.
 */
import {
  EventRouting,
  Reconciliation,
  ScreeningListsRefresh,
  TransactionStateMachine,
} from "../components/processing";
import { programFunctions, stateMachineSteps } from "../pipeline";
import { deliveryGuaranteeMinutes, scheduleMinutes } from "../stackConfig";
import { deployFunctions, type CapabilityFunctions } from "./functions";
import type { Platform } from "./platform";
import type { PipelineResources, ResourceOwner } from "./resources";

/** The screening lists: a bucket compliance reads, refreshed on a schedule. */
export function deployScreeningLists(platform: Platform): ResourceOwner<ScreeningListsRefresh> {
  const { config, data, ops, failures, opts } = platform;
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
  return { component: screeningLists, resources: { screeningListsBucket: screeningLists.bucket } };
}

export interface ProcessingDeployment {
  readonly functions: CapabilityFunctions<"processing">;
  readonly stateMachine: TransactionStateMachine;
  readonly routing: EventRouting;
  readonly reconciliation: Reconciliation;
}

export function deployProcessing(platform: Platform, resources: PipelineResources): ProcessingDeployment {
  const { config, data, ops, eventBus, opts } = platform;
  const functions = deployFunctions(programFunctions("processing"), platform, resources);

  const stateMachine = new TransactionStateMachine(
    "transactions",
    {
      validateFunctionArn: functions[stateMachineSteps.validate].functionArn,
      fraudDetectionFunctionArn: functions[stateMachineSteps.fraudDetection].functionArn,
      complianceFunctionArn: functions[stateMachineSteps.complianceCheck].functionArn,
      transactionsTableName: data.transactionsTable.name,
      transactionsTableArn: data.transactionsTable.arn,
      alertsTopicArn: data.alertsTopicArn,
      deadLetterQueueUrl: data.deadLetterQueue.url,
      deadLetterQueueArn: data.deadLetterQueue.arn,
      kmsKeyArn: data.kmsKeyArn,
      highValueAlertUsdMinor: config.highValueAlertUsd * 100,
      functionTimeoutSeconds: config.functions.timeoutSeconds,
      logRetentionDays: config.logRetentionDays,
      includeExecutionData: config.includeExecutionData,
      logLevel: config.stateMachineLogLevel,
      eventBusName: eventBus.name,
      eventBusArn: eventBus.arn,
    },
    opts,
  );

  const routing = new EventRouting(
    "routing",
    {
      busName: eventBus.name,
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

  return { functions, stateMachine, routing, reconciliation };
}
