/**
 * The S3 client, one per container (csv-intake's presigning client is built the same way, in
 * s3Presign.ts). The SDK takes its endpoint from AWS_ENDPOINT_URL_S3 when set (the local runtime
 * and tests point it at fauxqs, which only answers path-style requests, so the client then uses
 * them); otherwise the regional endpoint, through the VPC gateway endpoint.
 */
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { EnvironmentName } from "./environmentNames";
import { endpointFromEnvironment, optionalEnvironment } from "./environment";
import { tracer } from "./powertools";

/** An emulator's endpoint, which answers path-style requests only. */
const s3PathStyle = optionalEnvironment(EnvironmentName.s3Endpoint) !== undefined;

export function newS3Client(config: S3ClientConfig, traced: boolean): S3Client {
  const client = new S3Client({
    ...config,
    ...endpointFromEnvironment(EnvironmentName.s3Endpoint),
    forcePathStyle: s3PathStyle,
  });
  return traced ? tracer.captureAWSv3Client(client) : client;
}

/** For the function's own requests (their bodies carry the SDK's default CRC32 checksums). */
export const s3Client: S3Client = newS3Client({}, true);
