/**
 * A function's environment as a schema: each variable it is given and where its value comes from
 * (an attribute of one of the pipeline's resources, a stack setting, or the function's own name).
 * The program resolves a schema against the stack's resources and configuration, the local
 * runtime against its emulated resources and options, so both hand a function the same variables.
 */
import type { PipelineResource } from "../functions/shared/awsCallDeclaration";

/** What of a resource a variable carries. */
export type ResourceAttribute = "name" | "arn" | "url" | "versionId";

/**
 * Settings the functions are configured with, decided per stack (Pulumi.<stack>.yaml) or per local
 * run, as the strings the environment carries.
 */
export type PipelineSetting =
  | "metricsNamespace"
  | "maxAmountUsdMinor"
  | "sanctionsReviewScore"
  | "sanctionsBlockScore"
  | "screeningListsRecheckSeconds"
  | "screeningListsMinimumRetainedShare"
  | "screeningListsSources"
  | "webhookMaxBodyBytes"
  | "intakeRecordRetentionHours"
  | "fileErrorLimit"
  | "uploadUrlExpirySeconds"
  | "reconcileAfterSeconds"
  | "reconcileMaxAttempts"
  | "archiveAfterHours"
  | "archiveChunkSize"
  | "archivedRecordRetentionDays";

export type EnvironmentSource =
  | { readonly resource: PipelineResource; readonly attribute: ResourceAttribute }
  /** `optional`: a stack may leave the setting unset, and the function then uses its own default. */
  | { readonly setting: PipelineSetting; readonly optional?: boolean }
  /** The function's folder: Powertools' service name, the `service` dimension of its metrics. */
  | { readonly serviceName: true };

/** Variable name (functions/shared/environmentNames.ts) → where its value comes from. */
export type EnvironmentSchema = Readonly<Record<string, EnvironmentSource>>;

export const nameOf = (resource: PipelineResource): EnvironmentSource => ({ resource, attribute: "name" });
export const arnOf = (resource: PipelineResource): EnvironmentSource => ({ resource, attribute: "arn" });
export const urlOf = (resource: PipelineResource): EnvironmentSource => ({ resource, attribute: "url" });
export const versionOf = (resource: PipelineResource): EnvironmentSource => ({
  resource,
  attribute: "versionId",
});
export const setting = (name: PipelineSetting, options: { optional?: boolean } = {}): EnvironmentSource => ({
  setting: name,
  ...options,
});
export const serviceName: EnvironmentSource = { serviceName: true };

/** The values a schema is resolved against: `T` is a plain string locally, a Pulumi input in the program. */
export interface EnvironmentValues<T> {
  readonly resources: Readonly<
    Partial<Record<PipelineResource, Readonly<Partial<Record<ResourceAttribute, T>>>>>
  >;
  readonly settings: Readonly<Partial<Record<PipelineSetting, T>>>;
}

/**
 * "complete": every source must resolve (an optional setting may be missing), else this throws
 * naming the function, the variable and the source (a deployed function must get all it is
 * described with). "available": variables whose value is missing are left out, as the local
 * runtime does for resources it does not emulate and settings it leaves to the functions' defaults.
 */
export type Resolution = "complete" | "available";

function describeSource(source: EnvironmentSource): string {
  if ("resource" in source) return `the ${source.attribute} of ${source.resource}`;
  if ("setting" in source) return `the setting ${source.setting}`;
  return "its service name";
}

/** The variables of `functionName`'s schema with their values. */
export function resolveEnvironment<T>(
  functionName: string,
  schema: EnvironmentSchema,
  values: EnvironmentValues<T>,
  resolution: Resolution,
): Record<string, T | string> {
  const environment: Record<string, T | string> = {};
  for (const [variable, source] of Object.entries(schema)) {
    let value: T | string | undefined;
    let required = resolution === "complete";
    if ("serviceName" in source) {
      value = functionName;
    } else if ("resource" in source) {
      value = values.resources[source.resource]?.[source.attribute];
    } else {
      value = values.settings[source.setting];
      required &&= source.optional !== true;
    }
    if (value !== undefined) environment[variable] = value;
    else if (required) {
      throw new Error(`${functionName}'s ${variable} is ${describeSource(source)}, which was not provided`);
    }
  }
  return environment;
}
