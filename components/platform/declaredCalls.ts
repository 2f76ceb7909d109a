/**
 * Turns a function's declared AWS calls (functions/<name>/awsCalls.ts) into the statements of its
 * role policy, and the declarations of all functions into the VPC's interface endpoints. Pure:
 * unit-tested without mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import type {
  DeclaredCall,
  FunctionAwsCalls,
  PipelineResource,
  ResourceReference,
} from "../../functions/shared/awsCallDeclaration";
import type { PolicyStatementSpec } from "./iamPolicy";

/** Services the VPC reaches through free gateway endpoints (route-table prefix lists) instead of interfaces. */
export const pipelineGatewayEndpointServices = ["dynamodb", "s3"] as const;

/** ARN of each pipeline resource a declaration may name. */
export type PipelineResourceArns = Readonly<Partial<Record<PipelineResource, pulumi.Input<string>>>>;

/** The resource a reference names, and the path under it ("" for the resource itself). */
export function splitReference(reference: ResourceReference): { resource: PipelineResource; path: string } {
  const slash = reference.indexOf("/");
  if (slash < 0) return { resource: reference as PipelineResource, path: "" };
  return { resource: reference.slice(0, slash) as PipelineResource, path: reference.slice(slash) };
}

/** One reference as an ARN; throws naming the function and the resource when it has none. */
function resolveReference(
  functionName: string,
  reference: ResourceReference,
  arns: PipelineResourceArns,
): pulumi.Input<string> {
  const { resource, path } = splitReference(reference);
  const arn = arns[resource];
  if (arn === undefined) {
    throw new Error(`${functionName}'s awsCalls name "${resource}", which this program does not provide`);
  }
  return path === "" ? arn : pulumi.interpolate`${arn}${path}`;
}

/** The role policy statements of a function's declaration, one per declared call, in order. */
export function declaredStatements(
  functionName: string,
  calls: FunctionAwsCalls,
  arns: PipelineResourceArns,
): PolicyStatementSpec[] {
  return calls.map((call: DeclaredCall) => ({
    sid: call.sid,
    actions: [...call.actions],
    resources: call.resources.map((reference) => resolveReference(functionName, reference, arns)),
    ...(call.condition === undefined
      ? {}
      : {
          condition: Object.fromEntries(
            Object.entries(call.condition).map(([operator, block]) => [
              operator,
              Object.fromEntries(
                Object.entries(block).map(([key, value]) => [
                  key,
                  typeof value === "string" ? value : [...value],
                ]),
              ),
            ]),
          ),
        }),
  }));
}

/**
 * The interface endpoints the functions' code needs: the service of every action the code sends
 * itself (not those an AWS service makes with the role), except the gateway-endpoint services.
 */
export function interfaceEndpointServicesFor(declarations: Iterable<FunctionAwsCalls>): string[] {
  const services = new Set<string>();
  for (const calls of declarations) {
    for (const call of calls) {
      if (call.via !== undefined) continue;
      for (const action of call.actions) services.add(action.split(":")[0]);
    }
  }
  const gateways: readonly string[] = pipelineGatewayEndpointServices;
  return [...services].filter((service) => !gateways.includes(service)).sort();
}
