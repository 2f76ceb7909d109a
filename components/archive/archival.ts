import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { archivedTransactionsTableDefinition } from "../../functions/shared/tableDefinitions";
import { functionEnvironment, pipelineFunctions } from "../../pipeline";
import {
  archivalFunctionStatements,
  archivalFunction,
  archivalRunsMetricName,
  archivalServiceName,
  archiveLifecycleRules,
  archivedRecordGraceDays,
  checkLifecycleDays,
} from "./policies";
import {
  checkComponentName,
  checkInteger,
  checkKmsKeyArn,
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
import { configureSecureBucket } from "../platform/secureBucket";
import type { NamedResource } from "../platform/resourceRefs";
import { pipelineTable } from "../platform/tableArgs";

/** Arguments of {@link Archival}; the function's build, log and image settings are a ContainerFunction's. */
export interface ArchivalArgs extends FunctionUpkeepArgs {
  /** Name of the transactions table the job archives from. Required. */
  readonly transactionsTableName: pulumi.Input<string>;
  /** ARN of that table (its `byDecidedDay` index is queried). Required. */
  readonly transactionsTableArn: pulumi.Input<string>;
  /** ARN of the customer-managed KMS key encrypting the bucket and the archived-transactions table. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** CloudWatch namespace of the function's metrics (and of the no-run alarm). Required. */
  readonly metricsNamespace: pulumi.Input<string>;
  /** Subnets the function runs in. Required. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security groups of the function's network interfaces. Required. */
  readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Memory of the function in MB, 128–10240. Default 1024. */
  readonly functionMemoryMb?: number;
  /** Timeout of the function in seconds, 60–900; the job stops cleanly before it and resumes next run. Default 900. */
  readonly functionTimeoutSeconds?: number;
  /** SNS topic ARNs the no-run alarm notifies on alarm and on recovery. Default none. */
  readonly alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
  /** When the job runs, an EventBridge `cron(...)` or `rate(...)` expression in UTC. Default "cron(15 2 * * ? *)". */
  readonly scheduleExpression?: string;
  /** Hours a decided transaction stays in the hot table before it is archived, 1–8760. Default 24. */
  readonly archiveAfterHours?: number;
  /** Transactions per archive object, 1–5000 (what the function accepts). Default 1000. */
  readonly chunkSize?: number;
  /** Days after which archive objects move to STANDARD_IA, at least 30 (the S3 minimum). Default 30. */
  readonly transitionToInfrequentAccessDays?: number;
  /** Days after which archive objects move to GLACIER, at least 30 after STANDARD_IA. Default 90. */
  readonly transitionToGlacierDays?: number;
  /** Days after which archive objects expire (and replaced versions, once replaced that long), after GLACIER. Default 365. */
  readonly expireAfterDays?: number;
  /**
   * Days S3 Object Lock keeps every new object version undeletable in COMPLIANCE mode (no one, not
   * even the account root, can shorten it), 1–expireAfterDays. Default none: no Object Lock.
   * Turning it on or off later replaces the bucket.
   */
  readonly objectLockRetentionDays?: number;
  /** Let `pulumi destroy` delete a bucket that still holds objects (locked versions stay regardless). Default false. */
  readonly forceDestroy?: boolean;
  /**
   * Reserved concurrency of the function; 1 keeps two runs from writing a partition's manifest at
   * once (a second invocation is throttled and retried). Default none: a new account's quota may
   * be too small to reserve anything.
   */
  readonly reservedConcurrency?: number;
  /**
   * SQS queue ARN that gets a run still failing after Lambda's two asynchronous retries. Default
   * none: such a run's event is discarded (the no-run alarm still fires two days later).
   */
  readonly onFailureDestinationArn?: pulumi.Input<string>;
  /** Refuse to delete the archived-transactions table; turn on in production. Default false. */
  readonly deletionProtection?: pulumi.Input<boolean>;
}

/** `<name>-audit-` prefixes the bucket name, and S3 allows prefixes of at most 37 characters. */
const maximumNameLength = 30;
const tableArnPattern = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}$/;

/** Retries of the schedule's target when Lambda refuses the invocation (throttling, service errors). */
const scheduleRetryPolicy = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 12 * 60 * 60 };

/**
 * The daily audit archive: a versioned, SSE-KMS, TLS-only S3 bucket with lifecycle tiers and
 * optional Object Lock, the archived-transactions table (where each archived transaction went),
 * the archival function run on a schedule, and an alarm when no run has succeeded for two days.
 *
 * The function is the child ContainerFunction named `name` itself, so `new Archival("archival", …)`
 * deploys it exactly as the pipeline deploys its other functions (one per folder, named after
 * it). Every AWS name is autonamed from `name`.
 */
export class Archival extends pulumi.ComponentResource {
  /** The audit bucket. */
  public readonly bucket: NamedResource;
  public readonly archivedTransactionsTable: NamedResource;
  /** The archival function: its name, ARN, role and the image digest it runs. */
  public readonly function: ContainerFunction;
  /** The schedule starting the function. */
  public readonly schedule: WatchedSchedule;

  constructor(name: string, args: ArchivalArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:archive:Archival", name, {}, opts);

    checkComponentName("Archival", name, maximumNameLength, "it names the function and prefixes the bucket");
    checkRequired(args, [
      "transactionsTableName",
      "transactionsTableArn",
      "kmsKeyArn",
      "metricsNamespace",
      "subnetIds",
      "securityGroupIds",
    ]);
    // Inputs that are still Outputs are checked by AWS at deploy time instead.
    if (typeof args.transactionsTableArn === "string" && !tableArnPattern.test(args.transactionsTableArn)) {
      throw new Error(`transactionsTableArn "${args.transactionsTableArn}" is not a DynamoDB table ARN`);
    }
    checkKmsKeyArn(args.kmsKeyArn);
    const memoryMb = args.functionMemoryMb ?? 1024;
    checkInteger("functionMemoryMb", memoryMb, 128, 10_240);
    const timeoutSeconds = args.functionTimeoutSeconds ?? pipelineFunctions[archivalFunction].timeout;
    checkInteger("functionTimeoutSeconds", timeoutSeconds, 60, 900);
    const scheduleExpression = args.scheduleExpression ?? "cron(15 2 * * ? *)";
    checkScheduleExpression(scheduleExpression);
    const archiveAfterHours = args.archiveAfterHours ?? 24;
    checkInteger("archiveAfterHours", archiveAfterHours, 1, 8_760);
    const chunkSize = args.chunkSize ?? 1000;
    checkInteger("chunkSize", chunkSize, 1, 5_000);
    const lifecycleDays = {
      transitionToInfrequentAccessDays: args.transitionToInfrequentAccessDays ?? 30,
      transitionToGlacierDays: args.transitionToGlacierDays ?? 90,
      expireAfterDays: args.expireAfterDays ?? 365,
    };
    checkLifecycleDays(lifecycleDays);
    const lockDays = args.objectLockRetentionDays;
    if (lockDays !== undefined) {
      checkInteger("objectLockRetentionDays", lockDays, 1, lifecycleDays.expireAfterDays);
    }

    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      {
        bucketPrefix: `${name}-audit-`,
        forceDestroy: args.forceDestroy ?? false,
        // Object Lock can only be asked for here, when the bucket is created.
        ...(lockDays === undefined ? {} : { objectLockEnabled: true }),
      },
      { parent: this },
    );
    const { versioning, resources: bucketConfiguration } = configureSecureBucket(
      name,
      { bucket, kmsKeyArn: args.kmsKeyArn, lifecycleRules: archiveLifecycleRules(lifecycleDays) },
      this,
    );
    if (lockDays !== undefined) {
      bucketConfiguration.push(
        new aws.s3.BucketObjectLockConfiguration(
          `${name}-bucket-object-lock`,
          {
            bucket: bucket.bucket,
            objectLockEnabled: "Enabled",
            rule: { defaultRetention: { mode: "COMPLIANCE", days: lockDays } },
          },
          { parent: this, dependsOn: [versioning] },
        ),
      );
    }

    const table = pipelineTable(
      `${name}-archived-transactions`,
      archivedTransactionsTableDefinition,
      { kmsKeyArn: args.kmsKeyArn, deletionProtection: args.deletionProtection },
      this,
    );

    const fn = new ContainerFunction(
      name,
      {
        functionDirectory: archivalFunction,
        buildContext: args.buildContext,
        memorySize: memoryMb,
        timeout: timeoutSeconds,
        reservedConcurrency: args.reservedConcurrency,
        onFailureDestinationArn: args.onFailureDestinationArn,
        logRetentionDays: args.logRetentionDays,
        logKmsKeyArn: args.logKmsKeyArn,
        imagesToKeep: args.imagesToKeep,
        subnetIds: args.subnetIds,
        securityGroupIds: args.securityGroupIds,
        policyStatements: archivalFunctionStatements({
          transactionsTableArn: args.transactionsTableArn,
          archivedTransactionsTableArn: table.arn,
          bucketArn: bucket.arn,
          kmsKeyArn: args.kmsKeyArn,
        }),
        environment: functionEnvironment(
          archivalFunction,
          {
            resources: {
              transactionsTable: { name: args.transactionsTableName },
              archivedTransactionsTable: { name: table.name },
              archiveBucket: { name: bucket.bucket },
            },
            settings: {
              archiveAfterHours: String(archiveAfterHours),
              archiveChunkSize: String(chunkSize),
              // Where an archived transaction went is known for as long as its object may exist.
              archivedRecordRetentionDays: String(lifecycleDays.expireAfterDays + archivedRecordGraceDays),
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
        description: "Starts the daily archival of decided transactions to the audit bucket",
        scheduleExpression,
        functionName: fn.functionName,
        functionArn: fn.functionArn,
        targetId: "archival-function",
        retryPolicy: scheduleRetryPolicy,
        kmsKeyArn: args.kmsKeyArn,
        // The first run finds the bucket fully configured.
        dependsOn: bucketConfiguration,
      },
      this,
    );

    missedSuccessAlarm(
      `${name}-no-successful-run`,
      {
        alarmDescription: `No ${name} run has finished successfully for two consecutive days`,
        metricsNamespace: args.metricsNamespace,
        metricName: archivalRunsMetricName,
        serviceName: archivalServiceName,
        periodSeconds: 86_400,
        periods: 2,
        alarmActions: args.alarmActions ?? [],
      },
      this,
    );

    this.bucket = { name: bucket.bucket, arn: bucket.arn };
    this.archivedTransactionsTable = { name: table.name, arn: table.arn };
    this.function = fn;
    this.schedule = watchedSchedule(schedule);
    this.registerOutputs({
      bucket: this.bucket,
      archivedTransactionsTable: this.archivedTransactionsTable,
      function: this.function,
      schedule: this.schedule,
    });
  }
}
