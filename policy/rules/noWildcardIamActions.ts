import * as aws from "@pulumi/aws";
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { broadGrants } from "../iamPolicyDocument";

interface PolicyDocumentOf {
  /** Where the document sits, as the violation names it. */
  readonly label: string;
  readonly document: unknown;
}

/** The identity policy documents a resource carries, or undefined when it carries none. */
function identityPolicies(args: ResourceValidationArgs): PolicyDocumentOf[] | undefined {
  const attached =
    args.asType(aws.iam.RolePolicy) ??
    args.asType(aws.iam.Policy) ??
    args.asType(aws.iam.UserPolicy) ??
    args.asType(aws.iam.GroupPolicy);
  if (attached !== undefined) return [{ label: "policy", document: attached.policy }];
  const role = args.asType(aws.iam.Role);
  if (role === undefined) return undefined;
  return (
    (role.inlinePolicies ?? [])
      // `inlinePolicies: [{}]` carries no document: it tells the provider to remove unmanaged ones.
      .filter((inline) => inline.policy !== undefined && inline.policy !== "")
      .map((inline, index) => ({
        label: `inline policy "${inline.name ?? `#${index + 1}`}"`,
        document: inline.policy,
      }))
  );
}

/**
 * Every function and the state machine get exactly the actions they call. A wildcard grants
 * actions that do not exist yet too, which no review can have approved.
 */
export const noWildcardIamActions: ResourceValidationPolicy = {
  name: "no-wildcard-iam-actions",
  description:
    'IAM role policies, policies and inline policies allow no wildcard action ("*" or "service:*") and no NotAction.',
  validateResource: (args, reportViolation) => {
    const documents = identityPolicies(args);
    if (documents === undefined) return args.notApplicable("not an IAM identity policy or role");
    for (const { label, document } of documents) {
      for (const problem of broadGrants(document)) reportViolation(`${label}: ${problem}`);
    }
  },
};
