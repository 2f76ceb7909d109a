/** The bucket policy every bucket of the pipeline carries, as a pure builder. */
import * as pulumi from "@pulumi/pulumi";

export interface BucketDenyStatement {
  readonly Sid: string;
  readonly Effect: "Deny";
  readonly Principal: "*";
  readonly Action: string;
  readonly Resource: pulumi.Input<string> | pulumi.Input<string>[];
  readonly Condition: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface BucketPolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: BucketDenyStatement[];
}

/**
 * The policy of the pipeline's buckets (audit archive, uploads): only denials, so it grants
 * nothing (the roles' own policies do, and a presigned URL carries its signer's permissions) and
 * Block Public Access has nothing to object to.
 *
 * - Any request over plain HTTP, on the bucket and on every object.
 * - An upload asking for an encryption other than SSE-KMS (e.g. AES256). Uploads that name none
 *   get the bucket's default (SSE-KMS with the customer-managed key); the `Null` guard keeps the
 *   denial to requests that carry the header.
 */
export function kmsOnlyTlsOnlyBucketPolicy(bucketArn: pulumi.Input<string>): BucketPolicyDocument {
  const objects = pulumi.interpolate`${bucketArn}/*`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, objects],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyEncryptionOtherThanKms",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: objects,
        Condition: {
          StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
          Null: { "s3:x-amz-server-side-encryption": "false" },
        },
      },
    ],
  };
}
