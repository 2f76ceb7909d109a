/**
 * The pipeline's resources as the description names them (functions/shared/awsCallDeclaration.ts
 * `PipelineResource`), each with the attributes the functions' calls and environments take.
 * Each capability adds the resources it owns.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PipelineResourceArns } from "../components/platform";
import type { EnvironmentValues } from "../pipeline";

export type PipelineResources = EnvironmentValues<pulumi.Input<string>>["resources"];

/** The ARN of each resource, as the functions' declared calls resolve against. */
export function resourceArns(resources: PipelineResources): PipelineResourceArns {
  return Object.fromEntries(Object.entries(resources).map(([resource, values]) => [resource, values.arn]));
}
