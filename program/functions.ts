/**
 * Builds the functions the program owns (pipeline/functions.ts) as ContainerFunctions: each one's
 * timeout, role policy and environment from its description, its on-failure destination and
 * reserved concurrency from how the description says it is started.
 */
import { ContainerFunction, declaredStatements } from "../components/platform";
import {
  describeFunction,
  functionAwsCalls,
  functionEnvironment,
  invokedAsynchronously,
  isStateMachineStep,
  type Capability,
  type CapabilityFunction,
  type ProgramFunction,
} from "../pipeline";
import type { Platform } from "./platform";
import { resourceArns, type PipelineResources } from "./resources";
import { pipelineSettings, timeoutSeconds } from "./settings";

/** The functions the program built for one capability, by folder. */
export type CapabilityFunctions<C extends Capability> = Record<CapabilityFunction<C>, ContainerFunction>;

export function deployFunctions<F extends ProgramFunction>(
  folders: readonly F[],
  platform: Platform,
  resources: PipelineResources,
): Record<F, ContainerFunction> {
  const { config, data, network, failures, opts } = platform;
  const arns = resourceArns(resources);
  const settings = pipelineSettings(config);
  const functions = {} as Record<F, ContainerFunction>;
  for (const folder of folders) {
    functions[folder] = new ContainerFunction(
      folder,
      {
        functionDirectory: folder,
        memorySize: config.functions.memoryMb,
        timeout: timeoutSeconds(describeFunction(folder).timeout, config),
        reservedConcurrency: isStateMachineStep(folder) ? config.functions.reservedConcurrency : undefined,
        logRetentionDays: config.logRetentionDays,
        logKmsKeyArn: data.kmsKeyArn,
        imagesToKeep: config.imagesToKeep,
        ...network.functionPlacement,
        policyStatements: declaredStatements(folder, functionAwsCalls[folder], arns),
        onFailureDestinationArn: invokedAsynchronously(folder) ? failures.queueArn : undefined,
        environment: functionEnvironment(folder, { resources, settings }, "complete"),
      },
      opts,
    );
  }
  return functions;
}
