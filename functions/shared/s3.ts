/**
 * S3 clients, one of each per container. S3_ENDPOINT points them at a local emulator (fauxqs in
 * the local runtime and tests), which only answers path-style requests; otherwise the SDK's
 * regional endpoint (through the VPC gateway endpoint) is used and calls are traced with X-Ray.
 */
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { EnvironmentName } from "./environmentNames";
import { optionalEnvironment } from "./environment";
import { tracer } from "./powertools";

const endpoint = optionalEnvironment(EnvironmentName.s3Endpoint);

function newS3Client(config: S3ClientConfig, traced: boolean): S3Client {
  if (endpoint) return new S3Client({ ...config, endpoint, forcePathStyle: true });
  const client = new S3Client(config);
  return traced ? tracer.captureAWSv3Client(client) : client;
}

/** For the function's own requests (their bodies carry the SDK's default CRC32 checksums). */
export const s3Client: S3Client = newS3Client({}, true);

/**
 * For presigned URLs only. With the SDK's default (`requestChecksumCalculation: WHEN_SUPPORTED`,
 * since 3.729) a presigned PutObject URL carries `x-amz-checksum-crc32=AAAAAA==`, the checksum of
 * the empty body present at signing time, and AWS then refuses every real upload through it
 * (aws/aws-sdk-js-v3#6994). The emulator ignores checksums, so the tests assert the URL instead.
 * It sends nothing itself, so it is not traced.
 */
export const s3PresignClient: S3Client = newS3Client({ requestChecksumCalculation: "WHEN_REQUIRED" }, false);
