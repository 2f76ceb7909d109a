/**
 * Pure builders and checks of the Archival component: the audit bucket's policy and lifecycle
 * rules, the archival function's IAM statements, and the argument rules. Nothing here creates a
 * resource, so the exact documents are unit-tested without Pulumi mocks.
 */
import type * as pulumi from "@pulumi/pulumi";
import { archiveStatePrefix, awsCalls as archivalAwsCalls } from "../../functions/archival/awsCalls";
import { archivePrefix } from "../../functions/shared/archiveLayout";
import { checkInteger } from "../platform/argumentChecks";
import { kmsOnlyTlsOnlyBucketPolicy } from "../platform/bucketPolicy";
import { declaredStatements } from "../platform/declaredCalls";
import type { PolicyStatementSpec } from "../platform/iamPolicy";

export { archiveStatePrefix };

/** The archival function's folder under functions/. */
export const archivalFunction = "archival";

/** POWERTOOLS_SERVICE_NAME of the archival function (its folder): EMF puts it on every metric as `service`. */
export const archivalServiceName = archivalFunction;

/** Metric the archival function emits (value 1) at the end of every run that finished without error. */
export const archivalRunsMetricName = "ArchivalRuns";

/** Days before S3 aborts an incomplete multipart upload and deletes its parts. */
export const abortIncompleteMultipartUploadDays = 7;

/**
 * Days an archive-location record outlives the archive object it points to, so
 * `GET /transactions/{id}` answers ARCHIVED for as long as the object may exist (365 + 35 = 400,
 * the function's own default).
 */
export const archivedRecordGraceDays = 35;

/** When archive objects change storage class and expire, in days after they were written. */
export interface ArchiveLifecycleDays {
  readonly transitionToInfrequentAccessDays: number;
  readonly transitionToGlacierDays: number;
  readonly expireAfterDays: number;
}

/**
 * Throws, naming the argument, unless S3 accepts the lifecycle days: STANDARD_IA no earlier than
 * 30 days (S3's minimum for that class), GLACIER at least 30 days after STANDARD_IA (S3 rejects a
 * rule that keeps objects in STANDARD_IA for less), expiry after GLACIER.
 */
export function checkLifecycleDays(days: ArchiveLifecycleDays): void {
  const { transitionToInfrequentAccessDays: ia, transitionToGlacierDays: glacier } = days;
  checkInteger("transitionToInfrequentAccessDays", ia, 30, 36_500);
  if (!Number.isSafeInteger(glacier) || glacier < ia + 30) {
    throw new Error(
      `transitionToGlacierDays must be an integer at least 30 days after transitionToInfrequentAccessDays (${ia}), got ${glacier}`,
    );
  }
  if (!Number.isSafeInteger(days.expireAfterDays) || days.expireAfterDays <= glacier) {
    throw new Error(
      `expireAfterDays must be an integer greater than transitionToGlacierDays (${glacier}), got ${days.expireAfterDays}`,
    );
  }
}

/** One rule of `aws.s3.BucketLifecycleConfiguration`, as plain data. */
export interface ArchiveLifecycleRule {
  readonly id: string;
  readonly status: "Enabled";
  readonly filter: { readonly prefix: string };
  readonly transitions?: { readonly days: number; readonly storageClass: "STANDARD_IA" | "GLACIER" }[];
  readonly expiration?: { readonly days: number };
  readonly noncurrentVersionExpiration: { readonly noncurrentDays: number };
  readonly abortIncompleteMultipartUpload: { readonly daysAfterInitiation: number };
}

/**
 * The bucket's lifecycle: archive parts and manifests under `transactions/` move to STANDARD_IA,
 * then GLACIER, and expire; the job's state objects under `state/` stay current (they are its
 * resume point). Versions replaced by a re-run or a manifest update are evidence of what was
 * there before, so they are kept as long as the archive itself before they expire.
 */
export function archiveLifecycleRules(days: ArchiveLifecycleDays): ArchiveLifecycleRule[] {
  return [
    {
      id: "archive-transactions",
      status: "Enabled",
      filter: { prefix: archivePrefix },
      transitions: [
        { days: days.transitionToInfrequentAccessDays, storageClass: "STANDARD_IA" },
        { days: days.transitionToGlacierDays, storageClass: "GLACIER" },
      ],
      expiration: { days: days.expireAfterDays },
      noncurrentVersionExpiration: { noncurrentDays: days.expireAfterDays },
      abortIncompleteMultipartUpload: { daysAfterInitiation: abortIncompleteMultipartUploadDays },
    },
    {
      id: "archive-state-history",
      status: "Enabled",
      filter: { prefix: archiveStatePrefix },
      noncurrentVersionExpiration: { noncurrentDays: days.expireAfterDays },
      abortIncompleteMultipartUpload: { daysAfterInitiation: abortIncompleteMultipartUploadDays },
    },
  ];
}

/** One Deny statement of the bucket policy. */
export type { BucketDenyStatement, BucketPolicyDocument } from "../platform/bucketPolicy";

/** The audit bucket's policy: TLS only, SSE-KMS only (see bucketPolicy.ts). */
export const archiveBucketPolicy = kmsOnlyTlsOnlyBucketPolicy;

/** What the archival function reads and writes. */
export interface ArchivalFunctionResources {
  readonly transactionsTableArn: pulumi.Input<string>;
  readonly archivedTransactionsTableArn: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
}

/**
 * The archival function's statements beyond logs, traces and VPC networking, generated from its
 * declared calls (functions/archival/awsCalls.ts).
 */
export function archivalFunctionStatements(resources: ArchivalFunctionResources): PolicyStatementSpec[] {
  return declaredStatements("archival", archivalAwsCalls, {
    transactionsTable: resources.transactionsTableArn,
    archivedTransactionsTable: resources.archivedTransactionsTableArn,
    archiveBucket: resources.bucketArn,
    pipelineKey: resources.kmsKeyArn,
  });
}
