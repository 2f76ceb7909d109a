/**
 * Every function of the pipeline, by its folder under functions/ (also its image tag and the
 * name of its resources in the stack): what capability it serves, where it runs, how long it may
 * run, the AWS calls it makes (functions/<name>/awsCalls.ts, the source of its role policy and of
 * the VPC's interface endpoints) and its environment. The program builds the functions from this
 * table and the local runtime runs them from it; a new function is registered here once.
 */
import { awsCalls as archival } from "../functions/archival/awsCalls";
import { awsCalls as compliance } from "../functions/compliance/awsCalls";
import { awsCalls as csvIntake } from "../functions/csv-intake/awsCalls";
import { awsCalls as csvTransform } from "../functions/csv-transform/awsCalls";
import { awsCalls as fileStatus } from "../functions/file-status/awsCalls";
import { awsCalls as fraudDetection } from "../functions/fraud-detection/awsCalls";
import { awsCalls as notifier } from "../functions/notifier/awsCalls";
import { awsCalls as reconciler } from "../functions/reconciler/awsCalls";
import { awsCalls as screeningListsRefresh } from "../functions/screening-lists-refresh/awsCalls";
import type { FunctionAwsCalls } from "../functions/shared/awsCallDeclaration";
import { EnvironmentName } from "../functions/shared/environmentNames";
import { awsCalls as transactionStatus } from "../functions/transaction-status/awsCalls";
import { awsCalls as validation } from "../functions/validation/awsCalls";
import { awsCalls as webhookIntake } from "../functions/webhook-intake/awsCalls";
import {
  arnOf,
  nameOf,
  resolveEnvironment,
  serviceName,
  setting,
  urlOf,
  versionOf,
  type EnvironmentSchema,
  type EnvironmentValues,
  type Resolution,
} from "./environment";

/** The part of the pipeline a function belongs to; the program deploys each part in its own module. */
export type Capability = "ingest" | "uploads" | "processing" | "archive";

/**
 * A function's Lambda timeout: a whole number of seconds, or the stack setting it is taken from
 * (stackConfig.ts: functions.timeoutSeconds, upload.intakeTimeoutSeconds, upload.loadTimeoutSeconds).
 */
export type FunctionTimeout =
  number | "functionTimeoutSeconds" | "uploadIntakeTimeoutSeconds" | "uploadLoadTimeoutSeconds";

export interface FunctionDescription {
  readonly capability: Capability;
  /**
   * The component that builds the function with what it serves (its bucket, schedule and alarm).
   * Absent: the program builds it as a ContainerFunction named after its folder.
   */
  readonly builtBy?: "Archival" | "ScreeningListsRefresh";
  /**
   * "vpc": in the pipeline's private subnets, AWS reached through the VPC endpoints. "internet":
   * outside the VPC, which has no route out, for a function that downloads from the internet (its
   * calls need no interface endpoint and its role no network-interface statements).
   */
  readonly network: "vpc" | "internet";
  readonly timeout: FunctionTimeout;
  /** Started by an EventBridge schedule (built with it by its component, or by Reconciliation). */
  readonly invokedOnSchedule?: boolean;
  readonly awsCalls: FunctionAwsCalls;
  readonly environment: EnvironmentSchema;
}

/** What every function the program builds is given: its metrics namespace and service name, the amount limit. */
const pipelineEnvironment = {
  [EnvironmentName.metricsNamespace]: setting("metricsNamespace"),
  [EnvironmentName.maxAmountUsdMinor]: setting("maxAmountUsdMinor"),
  [EnvironmentName.serviceName]: serviceName,
} as const;

export const pipelineFunctions = {
  validation: {
    capability: "processing",
    network: "vpc",
    timeout: "functionTimeoutSeconds",
    awsCalls: validation,
    environment: {
      ...pipelineEnvironment,
      [EnvironmentName.transactionsTable]: nameOf("transactionsTable"),
      [EnvironmentName.archivedTransactionsTable]: nameOf("archivedTransactionsTable"),
    },
  },
  "fraud-detection": {
    capability: "processing",
    network: "vpc",
    timeout: "functionTimeoutSeconds",
    awsCalls: fraudDetection,
    environment: { ...pipelineEnvironment, [EnvironmentName.transactionsTable]: nameOf("transactionsTable") },
  },
  compliance: {
    capability: "processing",
    network: "vpc",
    timeout: "functionTimeoutSeconds",
    awsCalls: compliance,
    environment: {
      ...pipelineEnvironment,
      [EnvironmentName.transactionsTable]: nameOf("transactionsTable"),
      [EnvironmentName.sanctionsReviewScore]: setting("sanctionsReviewScore"),
      [EnvironmentName.sanctionsBlockScore]: setting("sanctionsBlockScore"),
      // Unset (the local runtime): the list bundled with the code.
      [EnvironmentName.screeningListsBucket]: nameOf("screeningListsBucket"),
      [EnvironmentName.screeningListsRecheckSeconds]: setting("screeningListsRecheckSeconds"),
    },
  },
  "webhook-intake": {
    capability: "ingest",
    network: "vpc",
    timeout: "functionTimeoutSeconds",
    awsCalls: webhookIntake,
    environment: {
      ...pipelineEnvironment,
      [EnvironmentName.intakeTable]: nameOf("intakeTable"),
      [EnvironmentName.eventBusName]: nameOf("eventBus"),
      [EnvironmentName.webhookSecretsArn]: arnOf("signingSecret"),
      [EnvironmentName.webhookSecretsVersion]: versionOf("signingSecret"),
      [EnvironmentName.webhookMaxBodyBytes]: setting("webhookMaxBodyBytes"),
      [EnvironmentName.intakeRecordRetentionHours]: setting("intakeRecordRetentionHours"),
    },
  },
  "transaction-status": {
    capability: "ingest",
    network: "vpc",
    timeout: "functionTimeoutSeconds",
    awsCalls: transactionStatus,
    environment: {
      ...pipelineEnvironment,
      [EnvironmentName.transactionsTable]: nameOf("transactionsTable"),
      [EnvironmentName.intakeTable]: nameOf("intakeTable"),
      [EnvironmentName.archivedTransactionsTable]: nameOf("archivedTransactionsTable"),
    },
  },
  "csv-intake": {
    capability: "uploads",
    network: "vpc",
    timeout: "uploadIntakeTimeoutSeconds",
    awsCalls: csvIntake,
    environment: {
      ...pipelineEnvironment,
      [EnvironmentName.uploadsBucket]: nameOf("uploadsBucket"),
      [EnvironmentName.fileStatusTable]: nameOf("fileStatusTable"),
      [EnvironmentName.fileErrorLimit]: setting("fileErrorLimit"),
      [EnvironmentName.uploadUrlExpirySeconds]: setting("uploadUrlExpirySeconds"),
    },
  },
  "file-status": {
    capability: "uploads",
    network: "vpc",
    timeout: "functionTimeoutSeconds",
    awsCalls: fileStatus,
    environment: { ...pipelineEnvironment, [EnvironmentName.fileStatusTable]: nameOf("fileStatusTable") },
  },
  "csv-transform": {
    capability: "uploads",
    network: "vpc",
    // Files of any size, on S3 and bus events.
    timeout: "uploadLoadTimeoutSeconds",
    awsCalls: csvTransform,
    environment: {
      ...pipelineEnvironment,
      [EnvironmentName.uploadsBucket]: nameOf("uploadsBucket"),
      [EnvironmentName.fileStatusTable]: nameOf("fileStatusTable"),
      [EnvironmentName.intakeTable]: nameOf("intakeTable"),
      [EnvironmentName.intakeRecordRetentionHours]: setting("intakeRecordRetentionHours"),
      [EnvironmentName.eventBusName]: nameOf("eventBus"),
      [EnvironmentName.alertsTopicArn]: arnOf("alertsTopic"),
    },
  },
  notifier: {
    capability: "uploads",
    network: "vpc",
    timeout: "functionTimeoutSeconds",
    awsCalls: notifier,
    environment: {
      ...pipelineEnvironment,
      [EnvironmentName.fileStatusTable]: nameOf("fileStatusTable"),
      [EnvironmentName.intakeTable]: nameOf("intakeTable"),
      [EnvironmentName.alertsTopicArn]: arnOf("alertsTopic"),
    },
  },
  reconciler: {
    capability: "processing",
    network: "vpc",
    // A run pages through at most a few thousand records; it stops well inside this.
    timeout: 300,
    invokedOnSchedule: true,
    awsCalls: reconciler,
    environment: {
      ...pipelineEnvironment,
      [EnvironmentName.intakeTable]: nameOf("intakeTable"),
      [EnvironmentName.transactionsTable]: nameOf("transactionsTable"),
      [EnvironmentName.archivedTransactionsTable]: nameOf("archivedTransactionsTable"),
      [EnvironmentName.fileStatusTable]: nameOf("fileStatusTable"),
      [EnvironmentName.uploadsBucket]: nameOf("uploadsBucket"),
      [EnvironmentName.eventBusName]: nameOf("eventBus"),
      [EnvironmentName.deadLetterQueueUrl]: urlOf("deadLetterQueue"),
      [EnvironmentName.alertsTopicArn]: arnOf("alertsTopic"),
      [EnvironmentName.reconcileAfterSeconds]: setting("reconcileAfterSeconds"),
      [EnvironmentName.reconcileMaxAttempts]: setting("reconcileMaxAttempts"),
    },
  },
  archival: {
    capability: "archive",
    builtBy: "Archival",
    network: "vpc",
    // The job stops cleanly before it and resumes on the next run.
    timeout: 900,
    invokedOnSchedule: true,
    awsCalls: archival,
    environment: {
      [EnvironmentName.transactionsTable]: nameOf("transactionsTable"),
      [EnvironmentName.archivedTransactionsTable]: nameOf("archivedTransactionsTable"),
      [EnvironmentName.archiveBucket]: nameOf("archiveBucket"),
      [EnvironmentName.archiveAfterHours]: setting("archiveAfterHours"),
      [EnvironmentName.archiveChunkSize]: setting("archiveChunkSize"),
      // Where an archived transaction went is known for as long as its object may exist.
      [EnvironmentName.archivedRecordRetentionDays]: setting("archivedRecordRetentionDays"),
      [EnvironmentName.serviceName]: serviceName,
      [EnvironmentName.metricsNamespace]: setting("metricsNamespace"),
    },
  },
  "screening-lists-refresh": {
    capability: "processing",
    builtBy: "ScreeningListsRefresh",
    network: "internet",
    timeout: 300,
    invokedOnSchedule: true,
    awsCalls: screeningListsRefresh,
    environment: {
      [EnvironmentName.screeningListsBucket]: nameOf("screeningListsBucket"),
      [EnvironmentName.screeningListsMinimumRetainedShare]: setting("screeningListsMinimumRetainedShare"),
      // Unset: the official lists' own addresses (functions/screening-lists-refresh/listSources.ts).
      [EnvironmentName.screeningListsSources]: setting("screeningListsSources", { optional: true }),
      [EnvironmentName.serviceName]: serviceName,
      [EnvironmentName.metricsNamespace]: setting("metricsNamespace"),
    },
  },
} as const satisfies Record<string, FunctionDescription>;

export type PipelineFunction = keyof typeof pipelineFunctions;

/** Every function, in the table's order. */
export const pipelineFunctionNames = Object.keys(pipelineFunctions) as PipelineFunction[];

/** A function's description, widened to the common shape. */
export function describeFunction(folder: PipelineFunction): FunctionDescription {
  return pipelineFunctions[folder];
}

/** The functions the program builds itself, of one capability or of all, in the table's order. */
export function programFunctions(capability?: Capability): ProgramFunction[] {
  return pipelineFunctionNames.filter((folder): folder is ProgramFunction => {
    const description = describeFunction(folder);
    return (
      description.builtBy === undefined && (capability === undefined || description.capability === capability)
    );
  });
}

/** Each function's declared AWS calls, by folder. */
export const functionAwsCalls = Object.fromEntries(
  pipelineFunctionNames.map((folder) => [folder, describeFunction(folder).awsCalls]),
) as Readonly<Record<PipelineFunction, FunctionAwsCalls>>;

/** The declarations of the functions in the VPC: what its interface endpoints serve. */
export function vpcFunctionAwsCalls(): FunctionAwsCalls[] {
  return pipelineFunctionNames
    .filter((folder) => describeFunction(folder).network === "vpc")
    .map((folder) => functionAwsCalls[folder]);
}

/** A function's environment, resolved against `values` (see resolveEnvironment). */
export function functionEnvironment<T>(
  folder: PipelineFunction,
  values: EnvironmentValues<T>,
  resolution: Resolution,
): Record<string, T | string> {
  return resolveEnvironment(folder, describeFunction(folder).environment, values, resolution);
}

/** The functions the program builds itself as ContainerFunctions (the others are built by their components). */
export type ProgramFunction = {
  [K in PipelineFunction]: (typeof pipelineFunctions)[K] extends { readonly builtBy: string } ? never : K;
}[PipelineFunction];

/** The functions of a capability that the program builds. */
export type CapabilityFunction<C extends Capability> = {
  [K in ProgramFunction]: (typeof pipelineFunctions)[K]["capability"] extends C ? K : never;
}[ProgramFunction];
