import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ruleDeadLetterQueue } from "./deadLetterQueues";

/** What a schedule starts and how. */
export interface FunctionScheduleArgs {
  /** What the rule is for, in the console. */
  readonly description: string;
  /** EventBridge `cron(...)` or `rate(...)` expression, in UTC. */
  readonly scheduleExpression: string;
  readonly functionName: pulumi.Input<string>;
  readonly functionArn: pulumi.Input<string>;
  /** The target's id on the rule. */
  readonly targetId: string;
  /** Retries of the target when Lambda refuses the invocation (throttling, service errors). */
  readonly retryPolicy: { readonly maximumRetryAttempts: number; readonly maximumEventAgeInSeconds: number };
  /** Customer-managed KMS key encrypting the schedule's dead-letter queue. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** What the first run needs in place besides its grants (a bucket's configuration). Default none. */
  readonly dependsOn?: pulumi.Resource[];
}

/** The schedule's rule and where EventBridge puts a scheduled event it could not deliver. */
export interface FunctionSchedule {
  readonly rule: aws.cloudwatch.EventRule;
  readonly deadLetterQueue: aws.sqs.Queue;
}

/** A schedule as the components hand it over: what monitoring watches of it. */
export interface WatchedSchedule {
  readonly ruleArn: pulumi.Output<string>;
  /** Where EventBridge puts a scheduled event it could not deliver after its retries. */
  readonly deadLetterQueueUrl: pulumi.Output<string>;
}

export function watchedSchedule(schedule: FunctionSchedule): WatchedSchedule {
  return { ruleArn: schedule.rule.arn, deadLetterQueueUrl: schedule.deadLetterQueue.url };
}

/**
 * A rule on the account's default bus (scheduled rules live there) invoking one function, as
 * children of `parent` named from `name`: `<name>-schedule` (the rule), `-schedule-permission`
 * (the function lets this rule invoke it), `-schedule-dlq` and `-schedule-dlq-policy` (encrypted,
 * admitting only this rule) and `-schedule-target`, which waits for the grants so the first run
 * neither fails to invoke nor fails to dead-letter.
 */
export function functionSchedule(
  name: string,
  args: FunctionScheduleArgs,
  parent: pulumi.Resource,
): FunctionSchedule {
  const rule = new aws.cloudwatch.EventRule(
    `${name}-schedule`,
    { description: args.description, scheduleExpression: args.scheduleExpression },
    { parent },
  );
  const permission = new aws.lambda.Permission(
    `${name}-schedule-permission`,
    {
      function: args.functionName,
      action: "lambda:InvokeFunction",
      principal: "events.amazonaws.com",
      sourceArn: rule.arn,
    },
    { parent },
  );
  const { queue: deadLetterQueue, policy: queuePolicy } = ruleDeadLetterQueue(
    `${name}-schedule-dlq`,
    args.kmsKeyArn,
    rule.arn,
    parent,
  );
  new aws.cloudwatch.EventTarget(
    `${name}-schedule-target`,
    {
      rule: rule.name,
      targetId: args.targetId,
      arn: args.functionArn,
      retryPolicy: { ...args.retryPolicy },
      deadLetterConfig: { arn: deadLetterQueue.arn },
    },
    { parent, dependsOn: [permission, queuePolicy, ...(args.dependsOn ?? [])] },
  );
  return { rule, deadLetterQueue };
}

/** What a missed-success alarm watches: a count the function emits after each successful run. */
export interface MissedSuccessAlarmArgs {
  readonly alarmDescription: string;
  /** CloudWatch namespace of the function's metrics. */
  readonly metricsNamespace: pulumi.Input<string>;
  /** The metric the function emits (value 1) after every successful run. */
  readonly metricName: string;
  /** The function's service name: Powertools puts it on every metric as the `service` dimension. */
  readonly serviceName: string;
  readonly periodSeconds: number;
  /** Periods in a row without a success before the alarm fires. */
  readonly periods: number;
  /** Of those, how many must be without a success. Default all of them (CloudWatch's default). */
  readonly datapointsToAlarm?: number;
  readonly alarmActions: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * An alarm when a scheduled function has not succeeded for a while. A run that never happened
 * emits nothing: silence is the failure this alarm exists for, so missing data breaches.
 */
export function missedSuccessAlarm(
  name: string,
  args: MissedSuccessAlarmArgs,
  parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      alarmDescription: args.alarmDescription,
      namespace: args.metricsNamespace,
      metricName: args.metricName,
      dimensions: { service: args.serviceName },
      statistic: "Sum",
      period: args.periodSeconds,
      evaluationPeriods: args.periods,
      datapointsToAlarm: args.datapointsToAlarm,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
      alarmActions: args.alarmActions,
      okActions: args.alarmActions,
    },
    { parent },
  );
}
