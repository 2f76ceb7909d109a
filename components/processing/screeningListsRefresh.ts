import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { functionEnvironment, pipelineFunctions } from "../../pipeline";
import {
  checkComponentName,
  checkInteger,
  checkRequired,
  checkScheduleExpression,
} from "../platform/argumentChecks";
import { ContainerFunction, type FunctionUpkeepArgs } from "../platform/containerFunction";
import {
  functionSchedule,
  missedSuccessAlarm,
  watchedSchedule,
  type WatchedSchedule,
} from "../platform/functionSchedule";
import { declaredStatements } from "../platform/declaredCalls";
import {
  screeningListsLifecycleRules,
  screeningListsRefreshedMetricName,
  screeningListsRefreshServiceName,
} from "./screeningListsPolicies";
import { configureSecureBucket } from "../platform/secureBucket";
import type { NamedResource } from "../platform/resourceRefs";

/** Arguments of {@link ScreeningListsRefresh}; the function's build, log and image settings are a ContainerFunction's. */
export interface ScreeningListsRefreshArgs extends FunctionUpkeepArgs {
  /** ARN of the customer-managed KMS key encrypting the lists bucket. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** CloudWatch namespace of the function's metrics (and of the stale-list alarm). Required. */
  readonly metricsNamespace: pulumi.Input<string>;
  /** JSON array of the list files to download (`[{list, url, format}]`). Default: the function's built-in OFAC SDN source. */
  readonly listSources?: pulumi.Input<string>;
  /** When the refresh runs, an EventBridge `cron(...)` or `rate(...)` expression in UTC. Default "rate(6 hours)". */
  readonly scheduleExpression?: string;
  /** Hours without a successful refresh after which the stale-list alarm fires, 1–168. Default 36. */
  readonly staleAfterHours?: number;
  /** Share (0–1] of a list's current entry count a new file must keep to be accepted. Default 0.9. */
  readonly minimumRetainedShare?: number;
  /** Days index versions are kept (what a past decision was screened against), at least 30. Default 2555 (7 years). */
  readonly keepVersionsDays?: number;
  /** SNS topic ARNs the stale-list alarm notifies on alarm and on recovery. Default none. */
  readonly alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Reserved concurrency of the function; 1 keeps two refreshes from racing on latest.json (a
   * second invocation is throttled and retried). Default none: a new account's quota may be too
   * small to reserve anything, and the scheduled runs are hours apart.
   */
  readonly reservedConcurrency?: number;
  /**
   * SQS queue ARN that gets a scheduled run still failing after Lambda's two asynchronous retries.
   * Default none: such a run's event is discarded (the stale-list alarm still fires later).
   */
  readonly onFailureDestinationArn?: pulumi.Input<string>;
  /** Let `pulumi destroy` delete the bucket while it holds versions. Default false. */
  readonly forceDestroy?: boolean;
}

/** `<name>-lists-` prefixes the bucket name, and S3 allows prefixes of at most 37 characters. */
const maximumNameLength = 30;
const scheduleRetryPolicy = { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 60 * 60 };

/** The refresh function's folder under functions/ and its description. */
const refreshFunction = "screening-lists-refresh";
const refresh = pipelineFunctions[refreshFunction];

/**
 * The sanctions lists kept current: an encrypted, versioned bucket of screening-index versions,
 * the refresh function run on a schedule outside the VPC (it downloads from the publishers; the
 * VPC has no route out), and an alarm when no refresh has succeeded for `staleAfterHours`. The
 * compliance function reads the bucket through the S3 gateway endpoint.
 */
export class ScreeningListsRefresh extends pulumi.ComponentResource {
  /** The bucket of screening-index versions. */
  public readonly bucket: NamedResource;
  /** The refresh function. */
  public readonly function: ContainerFunction;
  /** The schedule starting the function. */
  public readonly schedule: WatchedSchedule;

  constructor(name: string, args: ScreeningListsRefreshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:compliance:ScreeningListsRefresh", name, {}, opts);

    checkComponentName("ScreeningListsRefresh", name, maximumNameLength);
    checkRequired(args, ["kmsKeyArn", "metricsNamespace"]);
    const scheduleExpression = args.scheduleExpression ?? "rate(6 hours)";
    checkScheduleExpression(scheduleExpression);
    const staleAfterHours = args.staleAfterHours ?? 36;
    // CloudWatch evaluates at most 7 days of hourly periods.
    checkInteger("staleAfterHours", staleAfterHours, 1, 168);
    const keepVersionsDays = args.keepVersionsDays ?? 2555;
    checkInteger("keepVersionsDays", keepVersionsDays, 30, 36_500);
    const share = args.minimumRetainedShare ?? 0.9;
    if (!(share > 0 && share <= 1)) {
      throw new Error(`minimumRetainedShare must be above 0 and at most 1, got ${share}`);
    }

    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { bucketPrefix: `${name}-lists-`, forceDestroy: args.forceDestroy ?? false },
      { parent: this },
    );
    const { resources: bucketConfiguration } = configureSecureBucket(
      name,
      { bucket, kmsKeyArn: args.kmsKeyArn, lifecycleRules: screeningListsLifecycleRules(keepVersionsDays) },
      this,
    );

    const fn = new ContainerFunction(
      name,
      {
        functionDirectory: refreshFunction,
        buildContext: args.buildContext,
        memorySize: 1024,
        timeout: refresh.timeout,
        reservedConcurrency: args.reservedConcurrency,
        logRetentionDays: args.logRetentionDays,
        logKmsKeyArn: args.logKmsKeyArn,
        imagesToKeep: args.imagesToKeep,
        // It downloads from the list publishers, and the VPC has no route out.
        outsideVpc: refresh.network === "internet",
        onFailureDestinationArn: args.onFailureDestinationArn,
        policyStatements: declaredStatements(refreshFunction, refresh.awsCalls, {
          screeningListsBucket: bucket.arn,
          pipelineKey: args.kmsKeyArn,
        }),
        environment: functionEnvironment(
          refreshFunction,
          {
            resources: { screeningListsBucket: { name: bucket.bucket } },
            settings: {
              screeningListsMinimumRetainedShare: String(share),
              screeningListsSources: args.listSources,
              metricsNamespace: args.metricsNamespace,
            },
          },
          "complete",
        ),
      },
      { parent: this },
    );

    const schedule = functionSchedule(
      name,
      {
        description: "Refreshes the sanctions screening lists from their publishers",
        scheduleExpression,
        functionName: fn.functionName,
        functionArn: fn.functionArn,
        targetId: "refresh-function",
        retryPolicy: scheduleRetryPolicy,
        kmsKeyArn: args.kmsKeyArn,
        dependsOn: bucketConfiguration,
      },
      this,
    );

    // Every hour of the window without a success: one success anywhere in it keeps the alarm OK.
    missedSuccessAlarm(
      `${name}-stale-lists`,
      {
        alarmDescription: `No sanctions-list refresh has succeeded for ${staleAfterHours} hours: screening uses an old list`,
        metricsNamespace: args.metricsNamespace,
        metricName: screeningListsRefreshedMetricName,
        serviceName: screeningListsRefreshServiceName,
        periodSeconds: 3600,
        periods: staleAfterHours,
        datapointsToAlarm: staleAfterHours,
        alarmActions: args.alarmActions ?? [],
      },
      this,
    );

    this.bucket = { name: bucket.bucket, arn: bucket.arn };
    this.function = fn;
    this.schedule = watchedSchedule(schedule);
    this.registerOutputs({
      bucket: this.bucket,
      function: this.function,
      schedule: this.schedule,
    });
  }
}
