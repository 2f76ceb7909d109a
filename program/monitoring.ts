/**
 * Monitoring: the dashboard and alarms over every function, queue, rule and schedule the other
 * capabilities deployed (the ops topic they notify is the platform's). The keys name the alarms
 * and widgets, so shipped keys never change.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Archival } from "../components/archive";
import type { IngestApi } from "../components/ingest";
import { eventRuleNameFromArn, Monitoring } from "../components/monitoring";
import type { ContainerFunction } from "../components/platform";
import type {
  BusFunctionSubscription,
  EventRouting,
  Reconciliation,
  ScreeningListsRefresh,
  TransactionStateMachine,
} from "../components/processing";
import { amountLanes, routingTargetKeys, stackScopedName, type ProgramFunction } from "../pipeline";
import type { Platform } from "./platform";

/** What the dashboard and alarms watch. */
export interface MonitoredDeployment {
  /** Every function the program built, in the description's order. */
  readonly functions: Readonly<Record<ProgramFunction, ContainerFunction>>;
  readonly archival: Archival;
  readonly screeningLists: ScreeningListsRefresh;
  readonly api: IngestApi;
  readonly stateMachine: TransactionStateMachine;
  readonly routing: EventRouting;
  readonly reconciliation: Reconciliation;
  readonly subscriptions: Readonly<Record<string, BusFunctionSubscription>>;
}

export function deployMonitoring(platform: Platform, deployed: MonitoredDeployment): Monitoring {
  const { config, data, ops, failures, opts } = platform;
  const { functions, archival, screeningLists, api, stateMachine, routing, reconciliation, subscriptions } =
    deployed;
  const entryOf = <K extends string>(record: pulumi.Output<Record<K, string>>, key: K) =>
    record.apply((values) => values[key]);
  const bySubscription = (pick: (subscription: BusFunctionSubscription) => pulumi.Input<string>) =>
    Object.fromEntries(
      Object.entries(subscriptions).map(([name, subscription]) => [name, pick(subscription)]),
    );
  return new Monitoring(
    "monitoring",
    {
      // Fixed like the bus name: CloudWatch has no dashboard name prefixes, and stacks may share an account.
      dashboardName: stackScopedName(pulumi.getProject(), pulumi.getStack()),
      opsTopicArn: ops.topicArn,
      metricsNamespace: config.metricsNamespace,
      apiName: api.restApiName,
      apiStageName: api.stageName,
      stateMachineArn: stateMachine.stateMachineArn,
      functionNames: {
        ...Object.fromEntries(Object.entries(functions).map(([folder, fn]) => [folder, fn.functionName])),
        archival: archival.function.functionName,
        "screening-lists-refresh": screeningLists.function.functionName,
      },
      deadLetterQueueUrls: {
        "state-machine": data.deadLetterQueue.url,
        ...Object.fromEntries(
          routingTargetKeys.map((key) => [`routing-${key}`, entryOf(routing.targetDeadLetterQueueUrls, key)]),
        ),
        ...bySubscription((subscription) => subscription.deadLetterQueueUrl),
        "async-failures": failures.queueUrl,
        "archival-schedule": archival.schedule.deadLetterQueueUrl,
        "screening-lists-schedule": screeningLists.schedule.deadLetterQueueUrl,
        "reconciliation-schedule": reconciliation.schedule.deadLetterQueueUrl,
      },
      eventBusName: routing.eventBusName,
      eventRuleNames: {
        ...Object.fromEntries(
          amountLanes.map((lane) => [`routing-${lane}`, entryOf(routing.ruleNames, lane)]),
        ),
        "routing-high-alert": routing.highAlertRuleName,
        ...bySubscription((subscription) => subscription.ruleArn.apply(eventRuleNameFromArn)),
      },
      scheduleRuleNames: {
        archival: archival.schedule.ruleArn.apply(eventRuleNameFromArn),
        "screening-lists-refresh": screeningLists.schedule.ruleArn.apply(eventRuleNameFromArn),
        reconciliation: reconciliation.schedule.ruleArn.apply(eventRuleNameFromArn),
      },
      lambdaErrorRatePercent: config.monitoring.lambdaErrorRatePercent,
      apiServerErrorRatePercent: config.monitoring.apiServerErrorRatePercent,
      apiLatencyP99Milliseconds: config.monitoring.apiLatencyP99Milliseconds,
      webhookSignatureFailuresPer5Minutes: config.monitoring.webhookSignatureFailuresPer5Minutes,
    },
    opts,
  );
}
