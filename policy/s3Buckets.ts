/**
 * What the S3 stack policies share: the stack's buckets and the configuration resources that
 * belong to each (encryption and public-access settings are separate resources since AWS
 * provider v4, so a bucket alone says nothing about them).
 */
import * as aws from "@pulumi/aws";
import type { PolicyResource } from "@pulumi/policy";
import { referencedBy } from "./stackReferences";

/** Buckets, under the v7 name and the deprecated V2 alias. */
export function bucketsOf(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.filter((resource) => resource.isType(aws.s3.Bucket) || resource.isType(aws.s3.BucketV2));
}

/** The configuration resources among `configurations` whose `bucket` input is this bucket. */
export function configurationsOf(
  bucket: PolicyResource,
  configurations: readonly PolicyResource[],
): PolicyResource[] {
  return configurations.filter(
    (configuration) =>
      referencedBy(configuration, "bucket", [bucket], (candidate) => candidate.props.bucket).length > 0,
  );
}
