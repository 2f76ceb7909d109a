import * as aws from "@pulumi/aws";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { validateBucketConfigurations } from "../s3Buckets";
import { known, unknownValue } from "../unknownValues";

/** Each flag closes one way a bucket or its objects become public; all four are needed. */
const publicAccessFlags = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
] as const;

/** The flags a block leaves off (unknown ones are not counted: they are decided at `pulumi up`). */
function flagsLeftOff(block: PolicyResource): string[] {
  return publicAccessFlags.filter((flag) => {
    const value = known((): unknown => block.props[flag]);
    return value !== unknownValue && value !== true;
  });
}

/** No bucket of the pipeline is ever meant to be public; one misapplied policy or ACL must not make it so. */
export const s3PublicAccessBlocked: StackValidationPolicy = {
  name: "s3-public-access-blocked",
  description: "Every S3 bucket has a BucketPublicAccessBlock with all four flags true.",
  validateStack: validateBucketConfigurations(
    "BucketPublicAccessBlock",
    (resource) => resource.isType(aws.s3.BucketPublicAccessBlock),
    (bucket, own, reportViolation) => {
      for (const block of own) {
        const off = flagsLeftOff(block);
        if (off.length > 0) {
          reportViolation(
            `BucketPublicAccessBlock of S3 bucket "${bucket.name}" leaves ${off.join(", ")} off`,
            bucket.urn,
          );
        }
      }
    },
  ),
};
