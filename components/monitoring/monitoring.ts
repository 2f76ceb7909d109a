import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkInteger, checkRequired } from "../platform/argumentChecks";
import { defaultAlarmThresholds, operationalAlarms, type AlarmThresholds } from "./alarms";
import { pipelineDashboard } from "./dashboard";
import {
  businessMetricServices,
  monitoringKeyPattern,
  queueNameFromUrl,
  type MonitoredResources,
} from "./resources";

/** Arguments of {@link Monitoring}. */
export interface MonitoringArgs {
  /** Dashboard name, unique in the account (stacks may share one), e.g. "<project>-<stack>"; never renamed once deployed. Required. */
  readonly dashboardName: string;
  /** ARN of the SNS topic every alarm notifies, on alarm and on recovery. Required. */
  readonly opsTopicArn: pulumi.Input<string>;
  /** CloudWatch namespace of the functions' embedded-format metrics. Required. */
  readonly metricsNamespace: pulumi.Input<string>;
  /** Name of the REST API (API Gateway's `ApiName` dimension). Required. */
  readonly apiName: pulumi.Input<string>;
  /** Stage of the REST API. Required. */
  readonly apiStageName: pulumi.Input<string>;
  /** ARN of the state machine. Required. */
  readonly stateMachineArn: pulumi.Input<string>;
  /**
   * Lambda function name per function folder, at least notifier, fraud-detection and
   * webhook-intake (their `service` dimension names the business metrics). Required.
   */
  readonly functionNames: Readonly<Record<string, pulumi.Input<string>>>;
  /** URL per dead-letter queue, keyed by what dead-letters into it (lowercase, dashes). Required. */
  readonly deadLetterQueueUrls: Readonly<Record<string, pulumi.Input<string>>>;
  /** Name of the custom event bus of `eventRuleNames`. Required. */
  readonly eventBusName: pulumi.Input<string>;
  /** Rule name per key, rules on `eventBusName` whose deliveries are charted. Default none. */
  readonly eventRuleNames?: Readonly<Record<string, pulumi.Input<string>>>;
  /** Rule name per key, scheduled rules on the account's default bus. Default none. */
  readonly scheduleRuleNames?: Readonly<Record<string, pulumi.Input<string>>>;
  /** A function's error alarm fires above this percentage of failed invocations in 5 minutes, (0, 100]. Default 5. */
  readonly lambdaErrorRatePercent?: number;
  /** The API alarm fires above this percentage of 5XX answers in 5 minutes, (0, 100]. Default 1. */
  readonly apiServerErrorRatePercent?: number;
  /** The latency alarm fires when p99 stays above this many milliseconds for 10 minutes, 100–29000. Default 3000. */
  readonly apiLatencyP99Milliseconds?: number;
  /** The signature alarm fires above this many failed webhook signatures in 5 minutes, at least 1. Default 20. */
  readonly webhookSignatureFailuresPer5Minutes?: number;
}

const dashboardNamePattern = /^[A-Za-z0-9_-]{1,255}$/;

function checkKeys(argument: string, record: Readonly<Record<string, unknown>> | undefined): void {
  for (const key of Object.keys(record ?? {})) {
    if (!monitoringKeyPattern.test(key)) {
      throw new Error(`${argument}: key "${key}" must be lowercase letters, digits and single dashes`);
    }
  }
}

function checkThresholds(thresholds: AlarmThresholds): void {
  const percent = (argument: keyof AlarmThresholds) => {
    const value = thresholds[argument];
    if (!(Number.isFinite(value) && value > 0 && value <= 100)) {
      throw new Error(`${argument} must be a percentage above 0 and at most 100, got ${value}`);
    }
  };
  percent("lambdaErrorRatePercent");
  percent("apiServerErrorRatePercent");
  checkInteger("apiLatencyP99Milliseconds", thresholds.apiLatencyP99Milliseconds, 100, 29_000);
  const failures = thresholds.webhookSignatureFailuresPer5Minutes;
  if (!(Number.isInteger(failures) && failures >= 1)) {
    throw new Error(`webhookSignatureFailuresPer5Minutes must be an integer of at least 1, got ${failures}`);
  }
}

/**
 * The pipeline's operational view: one CloudWatch dashboard (API intake, decisions, fraud
 * scores, the state machine, every function, dead-letter queue and event rule, each metric named
 * by its resource's dimensions) and the operational alarms (functions' error rate and throttles,
 * failed and timed-out executions, any dead-lettered message, API 5XX rate and p99 latency,
 * webhook signature failures), all notifying the ops topic.
 *
 * Alarms are autonamed from `<name>-<key>`; the dashboard has the fixed name given, as
 * CloudWatch has no name prefixes for dashboards.
 */
export class Monitoring extends pulumi.ComponentResource {
  public readonly dashboardName: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:monitoring:Monitoring", name, {}, opts);

    if (!monitoringKeyPattern.test(name)) {
      throw new Error(`Monitoring name "${name}" must be lowercase letters, digits and single dashes`);
    }
    if (!dashboardNamePattern.test(args.dashboardName ?? "")) {
      throw new Error(
        `dashboardName "${args.dashboardName}" must be 1-255 letters, digits, "-" or "_" (CloudWatch's rule)`,
      );
    }
    checkRequired(args, [
      "opsTopicArn",
      "metricsNamespace",
      "apiName",
      "apiStageName",
      "stateMachineArn",
      "eventBusName",
    ]);
    checkKeys("functionNames", args.functionNames);
    checkKeys("deadLetterQueueUrls", args.deadLetterQueueUrls);
    checkKeys("eventRuleNames", args.eventRuleNames);
    checkKeys("scheduleRuleNames", args.scheduleRuleNames);
    for (const service of Object.values(businessMetricServices)) {
      if (args.functionNames?.[service] === undefined) {
        throw new Error(
          `functionNames must include "${service}": its metrics' service dimension names the business widgets and alarms`,
        );
      }
    }
    const thresholds: AlarmThresholds = {
      lambdaErrorRatePercent: args.lambdaErrorRatePercent ?? defaultAlarmThresholds.lambdaErrorRatePercent,
      apiServerErrorRatePercent:
        args.apiServerErrorRatePercent ?? defaultAlarmThresholds.apiServerErrorRatePercent,
      apiLatencyP99Milliseconds:
        args.apiLatencyP99Milliseconds ?? defaultAlarmThresholds.apiLatencyP99Milliseconds,
      webhookSignatureFailuresPer5Minutes:
        args.webhookSignatureFailuresPer5Minutes ??
        defaultAlarmThresholds.webhookSignatureFailuresPer5Minutes,
    };
    checkThresholds(thresholds);

    const resources: MonitoredResources = {
      metricsNamespace: args.metricsNamespace,
      apiName: args.apiName,
      apiStageName: args.apiStageName,
      stateMachineArn: args.stateMachineArn,
      functionNames: args.functionNames,
      // Queues are known by URL to their owners; SQS metrics by name.
      deadLetterQueueNames: Object.fromEntries(
        Object.entries(args.deadLetterQueueUrls).map(([key, url]) => [
          key,
          pulumi.output(url).apply(queueNameFromUrl),
        ]),
      ),
      eventBusName: args.eventBusName,
      eventRuleNames: args.eventRuleNames ?? {},
      scheduleRuleNames: args.scheduleRuleNames ?? {},
    };

    const actions = [args.opsTopicArn];
    const alarms = operationalAlarms(resources, thresholds).map(
      (spec) =>
        [
          spec.key,
          new aws.cloudwatch.MetricAlarm(
            `${name}-${spec.key}`,
            { ...spec.inputs, alarmActions: actions, okActions: actions },
            { parent: this },
          ),
        ] as const,
    );

    const region = aws.getRegionOutput({}, { parent: this }).region;
    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: args.dashboardName,
        dashboardBody: pulumi.jsonStringify(
          pulumi.output(
            pipelineDashboard(
              resources,
              region,
              alarms.map(([, alarm]) => alarm.arn),
            ),
          ),
        ),
      },
      { parent: this },
    );

    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({ dashboardName: this.dashboardName });
  }
}
