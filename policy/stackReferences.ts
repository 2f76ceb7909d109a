/**
 * Finds which resources a property points at, for stack policies that relate two resources (a
 * bucket and its public-access block, a function and its image).
 */
import type { PolicyResource } from "@pulumi/policy";
import { known, unknownValue } from "./unknownValues";

/**
 * The `candidates` that `resource.props[property]` refers to. The engine records which resources
 * each property was computed from (`propertyDependencies`), which works even while the values are
 * unknown at preview; without that record (e.g. a resource built from literal values) equal known
 * values link them: `candidateValue` names the candidate output the property would hold.
 */
export function referencedBy(
  resource: PolicyResource,
  property: string,
  candidates: readonly PolicyResource[],
  candidateValue: (candidate: PolicyResource) => unknown,
): PolicyResource[] {
  const dependencyUrns = new Set((resource.propertyDependencies[property] ?? []).map((dep) => dep.urn));
  const byDependency = candidates.filter((candidate) => dependencyUrns.has(candidate.urn));
  if (byDependency.length > 0) return byDependency;
  const value = known((): unknown => resource.props[property]);
  if (value === unknownValue || value === undefined || value === null) return [];
  return candidates.filter((candidate) => known(() => candidateValue(candidate)) === value);
}
