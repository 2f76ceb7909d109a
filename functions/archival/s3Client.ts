/**
 * One S3 client per container for the audit archive. S3_ENDPOINT points it at a local emulator
 * (fauxqs in the local runtime and tests), which only answers path-style requests; otherwise the
 * SDK's regional endpoint (through the VPC gateway endpoint) is used and calls are traced with X-Ray.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { EnvironmentName } from "../shared/environmentNames";
import { optionalEnvironment } from "../shared/environment";
import { tracer } from "../shared/powertools";

const endpoint = optionalEnvironment(EnvironmentName.s3Endpoint);

export const s3Client: S3Client = endpoint
  ? new S3Client({ endpoint, forcePathStyle: true })
  : tracer.captureAWSv3Client(new S3Client({}));
