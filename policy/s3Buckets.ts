/**
 * What the S3 stack policies share: the stack's buckets and the configuration resources that
 * belong to each (encryption and public-access settings are separate resources since AWS
 * provider v4, so a bucket alone says nothing about them).
 */
import * as aws from "@pulumi/aws";
import type { PolicyResource, ReportViolation, StackValidation } from "@pulumi/policy";
import { referencedBy } from "./stackReferences";

/** Buckets, under the v7 name and the deprecated V2 alias. */
function bucketsOf(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.filter((resource) => resource.isType(aws.s3.Bucket) || resource.isType(aws.s3.BucketV2));
}

/** The configuration resources among `configurations` whose `bucket` input is this bucket. */
function configurationsOf(
  bucket: PolicyResource,
  configurations: readonly PolicyResource[],
): PolicyResource[] {
  return configurations.filter(
    (configuration) =>
      referencedBy(configuration, "bucket", [bucket], (candidate) => candidate.props.bucket).length > 0,
  );
}

/**
 * A stack validation that checks every bucket against its own configuration resources of one
 * kind: `isConfiguration` picks the kind among the stack's resources, named `configurationName`
 * in the message when a bucket has none; `check` judges the ones a bucket has.
 */
export function validateBucketConfigurations(
  configurationName: string,
  isConfiguration: (resource: PolicyResource) => boolean,
  check: (bucket: PolicyResource, own: PolicyResource[], reportViolation: ReportViolation) => void,
): StackValidation {
  return (args, reportViolation) => {
    const buckets = bucketsOf(args.resources);
    if (buckets.length === 0) return args.notApplicable("no S3 buckets in this stack");
    const configurations = args.resources.filter(isConfiguration);
    for (const bucket of buckets) {
      const own = configurationsOf(bucket, configurations);
      if (own.length === 0) {
        reportViolation(`S3 bucket "${bucket.name}" has no ${configurationName}`, bucket.urn);
      } else {
        check(bucket, own, reportViolation);
      }
    }
  };
}
