import * as aws from "@pulumi/aws";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { validateBucketConfigurations } from "../s3Buckets";
import { known, unknownValue } from "../unknownValues";

/** Whether a configuration names a default algorithm ("aws:kms", "aws:kms:dsse", "AES256"). */
function setsDefaultEncryption(configuration: PolicyResource): boolean | typeof unknownValue {
  return known(() => {
    const rules: unknown = configuration.props.rules;
    return (
      Array.isArray(rules) &&
      rules.some((rule: { applyServerSideEncryptionByDefault?: { sseAlgorithm?: unknown } } | undefined) => {
        const algorithm = rule?.applyServerSideEncryptionByDefault?.sseAlgorithm;
        return typeof algorithm === "string" && algorithm !== "";
      })
    );
  });
}

/**
 * Archived transactions and uploaded files are customer data. The bucket's default encryption is
 * its own resource; without one the bucket relies on whatever the account default is.
 */
export const s3BucketEncrypted: StackValidationPolicy = {
  name: "s3-bucket-encrypted",
  description: "Every S3 bucket has a BucketServerSideEncryptionConfiguration with a default algorithm.",
  validateStack: validateBucketConfigurations(
    "BucketServerSideEncryptionConfiguration",
    (resource) =>
      resource.isType(aws.s3.BucketServerSideEncryptionConfiguration) ||
      resource.isType(aws.s3.BucketServerSideEncryptionConfigurationV2),
    (bucket, own, reportViolation) => {
      if (own.every((configuration) => setsDefaultEncryption(configuration) === false)) {
        reportViolation(
          `BucketServerSideEncryptionConfiguration of S3 bucket "${bucket.name}" sets no default sseAlgorithm`,
          bucket.urn,
        );
      }
    },
  ),
};
