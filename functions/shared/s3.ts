/**
 * S3 clients, one of each per container. The SDK takes their endpoint from AWS_ENDPOINT_URL_S3 when
 * set (the local runtime and tests point it at fauxqs, which only answers path-style requests, so
 * the clients then use them); otherwise the regional endpoint, through the VPC gateway endpoint.
 */
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { EnvironmentName } from "./environmentNames";
import { optionalEnvironment } from "./environment";
import { tracer } from "./powertools";

/** An emulator's endpoint, which answers path-style requests only. */
export const s3PathStyle = optionalEnvironment(EnvironmentName.s3Endpoint) !== undefined;

function newS3Client(config: S3ClientConfig, traced: boolean): S3Client {
  const client = new S3Client({ ...config, forcePathStyle: s3PathStyle });
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
