/**
 * The configuration every bucket of the pipeline carries (audit archive, uploads), created as
 * children of the component that owns the bucket: versioning, SSE-KMS with a bucket key, every
 * public-access block, the TLS-only / KMS-only policy and the owner's lifecycle rules. Child names
 * stay `<name>-bucket-*`, so moving a bucket onto this helper changes no URN.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { kmsOnlyTlsOnlyBucketPolicy } from "./bucketPolicy";

export interface SecureBucketConfigurationArgs {
  readonly bucket: aws.s3.Bucket;
  /** Customer-managed key of the default encryption. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly lifecycleRules: pulumi.Input<pulumi.Input<aws.types.input.s3.BucketLifecycleConfigurationRule>[]>;
}

export interface SecureBucketConfiguration {
  readonly versioning: aws.s3.BucketVersioning;
  /** Everything that configures the bucket; wait for all of it before using the bucket. */
  readonly resources: pulumi.Resource[];
}

export function configureSecureBucket(
  name: string,
  args: SecureBucketConfigurationArgs,
  parent: pulumi.Resource,
): SecureBucketConfiguration {
  const { bucket } = args;
  const versioning = new aws.s3.BucketVersioning(
    `${name}-bucket-versioning`,
    { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
    { parent },
  );
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-bucket-encryption`,
    {
      bucket: bucket.bucket,
      rules: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
          // One data key per bucket for a while instead of a KMS call per object.
          bucketKeyEnabled: true,
        },
      ],
    },
    { parent },
  );
  const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
    `${name}-bucket-public-access`,
    {
      bucket: bucket.bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    { parent },
  );
  // S3 refuses concurrent changes to one bucket's configuration, so the policy waits for the block.
  const policy = new aws.s3.BucketPolicy(
    `${name}-bucket-policy`,
    { bucket: bucket.bucket, policy: pulumi.jsonStringify(kmsOnlyTlsOnlyBucketPolicy(bucket.arn)) },
    { parent, dependsOn: [publicAccessBlock] },
  );
  // Lifecycle rules on noncurrent versions need versioning on first.
  const lifecycle = new aws.s3.BucketLifecycleConfiguration(
    `${name}-bucket-lifecycle`,
    { bucket: bucket.bucket, rules: args.lifecycleRules },
    { parent, dependsOn: [versioning] },
  );
  return { versioning, resources: [versioning, encryption, publicAccessBlock, policy, lifecycle] };
}
