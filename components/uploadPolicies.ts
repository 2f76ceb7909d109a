/**
 * Pure builders of the CSV-upload components (UploadStore, UploadNotifications): the uploads
 * bucket's policy and lifecycle rules and the bucket's Lambda notification targets. Nothing here
 * creates a resource, so the exact documents are unit-tested without Pulumi mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { uploadLayout } from "../functions/shared/fileStatus";
import { kmsOnlyTlsOnlyBucketPolicy } from "./bucketPolicy";

/** Suffix of every file the pipeline accepts, in both prefixes of the uploads bucket. */
export const csvSuffix = ".csv";

/**
 * TTL attribute of the processing-status table: epoch seconds after which DynamoDB may delete a
 * file's status record. Items without it are kept.
 */
export const fileStatusTtlAttribute = "expiresAt";

/**
 * Days a replaced or expired version of an upload is kept. Uploads are transient copies of files
 * the back office still holds, so a replaced version is kept only long enough to recover from a
 * mistaken overwrite or delete.
 */
export const uploadNoncurrentVersionDays = 3;

/** Days before S3 aborts an incomplete multipart upload and deletes its parts. */
export const uploadAbortIncompleteMultipartDays = 1;

/** One rule of `aws.s3.BucketLifecycleConfiguration`, as plain data. */
export interface UploadLifecycleRule {
  readonly id: string;
  readonly status: "Enabled";
  readonly filter: { readonly prefix: string };
  readonly expiration: { readonly days: number };
  readonly noncurrentVersionExpiration: { readonly noncurrentDays: number };
  readonly abortIncompleteMultipartUpload: { readonly daysAfterInitiation: number };
}

/**
 * The uploads bucket's lifecycle: raw uploads (`uploads/`, as sent with a presigned PUT) and
 * checked files (`validated/`, what the loader reads) expire `rawUploadRetentionDays` after they
 * were written; by then the rows are in the transactions table and the file's outcome in the
 * status table. On a versioned bucket expiry only adds a delete marker, so the version it hides
 * is removed `uploadNoncurrentVersionDays` later; S3 then removes the expired delete marker itself
 * (an Expiration with Days does that, so no ExpiredObjectDeleteMarker rule is needed).
 */
export function uploadLifecycleRules(rawUploadRetentionDays: number): UploadLifecycleRule[] {
  const rule = (id: string, prefix: string): UploadLifecycleRule => ({
    id,
    status: "Enabled",
    filter: { prefix },
    expiration: { days: rawUploadRetentionDays },
    noncurrentVersionExpiration: { noncurrentDays: uploadNoncurrentVersionDays },
    abortIncompleteMultipartUpload: { daysAfterInitiation: uploadAbortIncompleteMultipartDays },
  });
  return [
    rule("expire-raw-uploads", uploadLayout.incomingPrefix),
    rule("expire-validated-uploads", uploadLayout.validatedPrefix),
  ];
}

/** The uploads bucket's policy: TLS only (presigned URLs included), SSE-KMS only (see bucketPolicy.ts). */
export const uploadBucketPolicy = kmsOnlyTlsOnlyBucketPolicy;

/** The functions the uploads bucket notifies. */
export interface UploadNotificationFunctions {
  /** Validates files sent with a presigned PUT (they land under `uploads/`). */
  readonly intakeFunctionArn: pulumi.Input<string>;
  /** Loads checked files (written under `validated/`). */
  readonly transformFunctionArn: pulumi.Input<string>;
}

/** One entry of `aws.s3.BucketNotification.lambdaFunctions`, as plain data. */
export interface UploadNotificationTarget {
  readonly id: string;
  readonly events: string[];
  readonly filterPrefix: string;
  readonly filterSuffix: string;
  readonly lambdaFunctionArn: pulumi.Input<string>;
}

/**
 * The bucket's Lambda targets: every object created under `uploads/` ending in `.csv` goes to the
 * intake function, every one under `validated/` to the transform function. The prefixes do not
 * overlap, which S3 requires of two configurations on the same event type. `ObjectCreated:*`
 * covers PUT, POST, copy and completed multipart uploads alike.
 */
export function uploadNotificationTargets(
  functions: UploadNotificationFunctions,
): UploadNotificationTarget[] {
  return [
    {
      id: "validate-presigned-upload",
      events: ["s3:ObjectCreated:*"],
      filterPrefix: uploadLayout.incomingPrefix,
      filterSuffix: csvSuffix,
      lambdaFunctionArn: functions.intakeFunctionArn,
    },
    {
      id: "load-validated-file",
      events: ["s3:ObjectCreated:*"],
      filterPrefix: uploadLayout.validatedPrefix,
      filterSuffix: csvSuffix,
      lambdaFunctionArn: functions.transformFunctionArn,
    },
  ];
}
