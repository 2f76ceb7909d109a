/**
 * Runs policy-pack rules the way @pulumi/policy's analyzer server does (server.js,
 * makeAnalyzeRpcFun and makeAnalyzeStackRpcFun) without the gRPC server `new PolicyPack` starts:
 * resource policies get a resource's inputs, stack policies every resource's outputs, both
 * wrapped in the library's own unknown-checking proxy; `notApplicable` and unknown values end a
 * check the same way they do there.
 *
 * What it cannot prove: what the real CLI passes in. The engine hands resource policies the
 * inputs after the provider's Check (which may add defaults) and stack policies the outputs in
 * the state, with unknown values during preview; the mocks give the program's own inputs and the
 * outputs they make up, and record no property dependencies.
 */
import {
  UnknownValueError,
  unknownCheckingProxy,
  type PolicyResource,
  type PolicyResourceOptions,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { unwrapSecrets, type RecordedResource } from "./pulumiMocks";

/**
 * The value the engine sends for a string that is unknown during preview (@pulumi/policy
 * proxy.js `unknownStringValue`); reading it through the proxy throws UnknownValueError.
 */
export const unknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One resource as the analyzer sees it. */
export interface PolicySubject {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** What resource policies see. */
  readonly inputs: Record<string, unknown>;
  /** What stack policies see. */
  readonly outputs: Record<string, unknown>;
  /** Property → URNs of the resources it was computed from, as the engine records them. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface Violation {
  readonly policy: string;
  /** Logical name of the resource the violation is about, when it names one. */
  readonly resource: string | undefined;
  readonly message: string;
}

export interface PolicyOutcome {
  readonly violations: Violation[];
  /** Resources (resource policies) or stacks (stack policies) the policy applied to. */
  readonly applied: number;
  /** Checks a value unknown at preview stopped; the engine reports these as advisory. */
  readonly unknown: string[];
}

export function urnOf(type: string, name: string, stack = "test", project = "transaction-pipeline"): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/** A hand-built resource whose inputs and outputs are the same. */
export function subject(
  type: string,
  name: string,
  props: Record<string, unknown>,
  propertyDependencies?: Readonly<Record<string, readonly string[]>>,
): PolicySubject {
  return { type, name, urn: urnOf(type, name), inputs: props, outputs: props, propertyDependencies };
}

/** The resources the mocks recorded; the mocks' made-up state stands in for the outputs. */
export function subjectsOf(resources: readonly RecordedResource[], stack = "test"): PolicySubject[] {
  return resources.map((resource) => ({
    type: resource.type,
    name: resource.name,
    urn: urnOf(resource.type, resource.name, stack),
    inputs: resource.inputs,
    outputs: unwrapSecrets(resource.state) as Record<string, unknown>,
  }));
}

class NotApplicable extends Error {}

const options: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function pulumiTypeOf(value: unknown): string | undefined {
  const type = (value as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof type === "string" && type !== "" ? type : undefined;
}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

/** The library's proxy: reading an unknown sentinel through it throws UnknownValueError. */
function proxied(props: Record<string, unknown>): Record<string, unknown> {
  return unknownCheckingProxy(props) as Record<string, unknown>;
}

const nameInUrn = (urn: string | undefined) => urn?.split("::").pop();

async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  subjects: readonly PolicySubject[],
  config: Record<string, unknown>,
): Promise<PolicyOutcome> {
  const violations: Violation[] = [];
  const unknown: string[] = [];
  let applied = 0;
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : policy.validateResource === undefined
      ? []
      : [policy.validateResource];
  for (const resource of subjects) {
    // The server's shortcut: a single typed validation never sees other types.
    const onlyType = validations.length === 1 ? pulumiTypeOf(validations[0]) : undefined;
    if (onlyType !== undefined && onlyType !== resource.type) continue;
    const props = proxied(resource.inputs);
    const isType = (resourceClass: unknown) => pulumiTypeOf(resourceClass) === resource.type;
    const args = {
      type: resource.type,
      props,
      urn: resource.urn,
      name: resource.name,
      opts: options,
      stackTags: new Map<string, string>(),
      isType,
      asType: (resourceClass: unknown) => (isType(resourceClass) ? props : undefined),
      getConfig: () => config,
      notApplicable,
    } as ResourceValidationArgs;
    let ran = false;
    for (const validation of validations) {
      try {
        await validation(args, (message) =>
          violations.push({ policy: policy.name, resource: resource.name, message }),
        );
        ran = true;
      } catch (error) {
        if (error instanceof UnknownValueError) {
          unknown.push(`${resource.name}: ${(error as Error).message}`);
        } else if (!(error instanceof NotApplicable)) {
          throw error;
        }
      }
    }
    if (ran) applied += 1;
  }
  return { violations, applied, unknown };
}

async function runStackPolicy(
  policy: StackValidationPolicy,
  subjects: readonly PolicySubject[],
  config: Record<string, unknown>,
): Promise<PolicyOutcome> {
  const violations: Violation[] = [];
  const onlyType = pulumiTypeOf(policy.validateStack);
  if (onlyType !== undefined && !subjects.some((resource) => resource.type === onlyType)) {
    return { violations, applied: 0, unknown: [] };
  }
  const resources = subjects.map((resource): PolicyResource => {
    const props = proxied(resource.outputs);
    const isType = (resourceClass: unknown) => pulumiTypeOf(resourceClass) === resource.type;
    return {
      type: resource.type,
      props,
      urn: resource.urn,
      name: resource.name,
      opts: options,
      dependencies: [],
      propertyDependencies: {},
      isType,
      asType: (resourceClass: unknown) => (isType(resourceClass) ? props : undefined),
    } as PolicyResource;
  });
  // Dependencies point at the same resource objects, as in the server.
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  subjects.forEach((resource, index) => {
    for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
      const targets = urns.flatMap((urn) => byUrn.get(urn) ?? []);
      resources[index].propertyDependencies[property] = targets;
      resources[index].dependencies.push(...targets);
    }
  });
  const args: StackValidationArgs = {
    resources,
    stackTags: new Map<string, string>(),
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
  try {
    await policy.validateStack(args, (message, urn) =>
      violations.push({ policy: policy.name, resource: nameInUrn(urn), message }),
    );
  } catch (error) {
    if (error instanceof UnknownValueError)
      return { violations, applied: 0, unknown: [(error as Error).message] };
    if (error instanceof NotApplicable) return { violations, applied: 0, unknown: [] };
    throw error;
  }
  return { violations, applied: 1, unknown: [] };
}

/** Runs one policy of either kind over the resources; `config` is what `getConfig` returns. */
export function runPolicy(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  subjects: readonly PolicySubject[],
  config: Record<string, unknown> = {},
): Promise<PolicyOutcome> {
  return "validateStack" in policy
    ? runStackPolicy(policy, subjects, config)
    : runResourcePolicy(policy, subjects, config);
}

/** `[resource, message]` of each violation, for exact comparisons. */
export function messagesOf(outcome: PolicyOutcome): [string | undefined, string][] {
  return outcome.violations.map((violation) => [violation.resource, violation.message]);
}
