import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MetricName } from "../../functions/shared/metricNames";
import { checkScheduleExpression } from "../platform/argumentChecks";
import { functionSchedule, watchedSchedule, type WatchedSchedule } from "../platform/functionSchedule";

/** Arguments of {@link Reconciliation}. */
export interface ReconciliationArgs {
  /** Name of the reconciler function the schedule invokes. Required. */
  readonly functionName: pulumi.Input<string>;
  /** ARN of the reconciler function. Required. */
  readonly functionArn: pulumi.Input<string>;
  /** KMS key that encrypts the schedule's dead-letter queue. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** CloudWatch namespace the reconciler publishes its metrics in. Required. */
  readonly metricsNamespace: pulumi.Input<string>;
  /** How often the reconciler runs (EventBridge schedule expression). Default "rate(5 minutes)". */
  readonly scheduleExpression?: string;
  /**
   * Age in seconds of the oldest undecided transaction above which the alarm fires: the delivery
   * guarantee the reconcile settings give. Required.
   */
  readonly oldestUndecidedAlarmSeconds: number;
  /** SNS topic ARNs the alarm notifies on alarm and on recovery. Default none. */
  readonly alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
}

/** The `service` dimension Powertools gives the reconciler's metrics (its folder name). */
export const reconcilerServiceName = "reconciler";

/** Retries of the schedule's target when Lambda refuses the invocation; a later tick runs anyway. */
const scheduleRetryPolicy = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 300 };

/**
 * What keeps the delivery guarantee running: the reconciler on a schedule, and an alarm when the
 * oldest transaction it found undecided is older than the guarantee (or when it stops reporting,
 * which is the same breach seen from outside). The function itself is a ContainerFunction the
 * pipeline builds like the others.
 */
export class Reconciliation extends pulumi.ComponentResource {
  /** The schedule starting the function. */
  public readonly schedule: WatchedSchedule;

  constructor(name: string, args: ReconciliationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:processing:Reconciliation", name, {}, opts);

    const scheduleExpression = args.scheduleExpression ?? "rate(5 minutes)";
    checkScheduleExpression(scheduleExpression);
    if (!Number.isInteger(args.oldestUndecidedAlarmSeconds) || args.oldestUndecidedAlarmSeconds < 60) {
      throw new Error(
        `oldestUndecidedAlarmSeconds must be a whole number of seconds, at least 60, got ${args.oldestUndecidedAlarmSeconds}`,
      );
    }

    const schedule = functionSchedule(
      name,
      {
        description: "Re-drives or dead-letters transactions accepted but not decided in time",
        scheduleExpression,
        functionName: args.functionName,
        functionArn: args.functionArn,
        targetId: "reconciler-function",
        retryPolicy: scheduleRetryPolicy,
        kmsKeyArn: args.kmsKeyArn,
      },
      this,
    );

    const alarmActions = args.alarmActions ?? [];
    new aws.cloudwatch.MetricAlarm(
      `${name}-oldest-undecided`,
      {
        alarmDescription: `A transaction accepted more than ${Math.round(
          args.oldestUndecidedAlarmSeconds / 60,
        )} minutes ago is still undecided: the delivery guarantee is broken`,
        namespace: args.metricsNamespace,
        metricName: MetricName.oldestUndecidedAgeSeconds,
        dimensions: { service: reconcilerServiceName },
        statistic: "Maximum",
        // Two 15-minute periods: a schedule of up to 15 minutes reports in each.
        period: 900,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        threshold: args.oldestUndecidedAlarmSeconds,
        comparisonOperator: "GreaterThanThreshold",
        // Every run reports the age (0 when nothing is late): silence means the reconciler is not running.
        treatMissingData: "breaching",
        alarmActions,
        okActions: alarmActions,
      },
      { parent: this },
    );

    this.schedule = watchedSchedule(schedule);
    this.registerOutputs({
      schedule: this.schedule,
    });
  }
}
