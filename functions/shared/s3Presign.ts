import type { S3Client } from "@aws-sdk/client-s3";
import { newS3Client } from "./s3";

/**
 * For presigned URLs only. With the SDK's default (`requestChecksumCalculation: WHEN_SUPPORTED`,
 * since 3.729) a presigned PutObject URL carries `x-amz-checksum-crc32=AAAAAA==`, the checksum of
 * the empty body present at signing time, and AWS then refuses every real upload through it
 * (aws/aws-sdk-js-v3#6994). The emulator ignores checksums, so the tests assert the URL instead.
 * It sends nothing itself, so it is not traced.
 */
export const s3PresignClient: S3Client = newS3Client({ requestChecksumCalculation: "WHEN_REQUIRED" }, false);
