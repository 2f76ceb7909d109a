/**
 * The pipeline's resources as the description names them (functions/shared/awsCallDeclaration.ts
 * `PipelineResource`), each with the attributes the functions' calls and environments take.
 * Each capability adds the resources it owns.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PipelineResourceArns } from "../components/platform";
import type { EnvironmentValues } from "../pipeline";

export type PipelineResources = EnvironmentValues<pulumi.Input<string>>["resources"];

/**
 * A component the program deploys before the functions, with the pipeline resources it owns: the
 * functions' calls and environments name them, so they must exist first.
 */
export interface ResourceOwner<Component> {
  readonly component: Component;
  readonly resources: PipelineResources;
}

/** The ARN of each resource, as the functions' declared calls resolve against. */
export function resourceArns(resources: PipelineResources): PipelineResourceArns {
  return Object.fromEntries(Object.entries(resources).map(([resource, values]) => [resource, values.arn]));
}
