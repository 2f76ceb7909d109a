/**
 * The compliance function's AWS calls beyond the transactions-table query it always made: reading
 * the screening-index versions, through the S3 gateway endpoint.
 */
import type { AwsCall } from "../screening-lists-refresh/awsCalls";

export const screeningReaderAwsCalls: readonly AwsCall[] = [
  { operation: "s3:GetObject", resource: "screening-lists bucket: latest.json" },
  { operation: "s3:GetObject", resource: "screening-lists bucket: indexes/*" },
  { operation: "kms:Decrypt", resource: "pipeline KMS key" },
];
