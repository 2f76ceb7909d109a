/**
 * One S3 client per container for the audit archive, its calls traced with X-Ray (a no-op outside
 * Lambda). The SDK takes its endpoint from AWS_ENDPOINT_URL_S3 when set (fauxqs, in the local
 * runtime and tests, which only answers path-style requests, so the client then uses them);
 * otherwise the regional endpoint, through the VPC gateway endpoint.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { EnvironmentName } from "../shared/environmentNames";
import { optionalEnvironment } from "../shared/environment";
import { tracer } from "../shared/powertools";

export const s3Client: S3Client = tracer.captureAWSv3Client(
  new S3Client({ forcePathStyle: optionalEnvironment(EnvironmentName.s3Endpoint) !== undefined }),
);
