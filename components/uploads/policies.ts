/**
 * Pure builders of the UploadStore component: the uploads bucket's policy and lifecycle rules (its
 * notifications are pipeline/uploadNotifications.ts). Nothing here creates a resource, so the
 * exact documents are unit-tested without Pulumi mocks.
 */
import { uploadLayout } from "../../functions/shared/fileStatus";
import { kmsOnlyTlsOnlyBucketPolicy } from "../platform/bucketPolicy";

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
