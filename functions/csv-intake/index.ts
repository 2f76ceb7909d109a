/**
 * csv-intake in AWS: `POST /upload` and `POST /uploads` behind API Gateway (REST, Lambda proxy),
 * and the uploads bucket's ObjectCreated notifications for `uploads/*.csv`, built from the
 * function's environment and the shared DynamoDB and S3 clients.
 */
import { documentClient } from "../shared/dynamoDb";
import { s3Client } from "../shared/s3";
import { s3PresignClient } from "../shared/s3Presign";
import { loadCsvIntakeConfig } from "./config";
import { createCsvIntakeHandler } from "./csvIntake";

export const handler = createCsvIntakeHandler({
  config: loadCsvIntakeConfig(),
  documentClient,
  s3: s3Client,
  presignS3: s3PresignClient,
});
