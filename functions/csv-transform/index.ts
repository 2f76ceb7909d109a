/**
 * csv-transform in AWS: invoked asynchronously by the uploads bucket's notification for
 * `validated/*.csv`, by the bus's "csv-load-continued" rule with its own continuations, or by hand
 * with `{"continueFile": {"fileId"}}`; loads the file's valid rows into the pipeline (see
 * csvTransform.ts). A run that stops for time saves its checkpoint and publishes a "CSV Load
 * Continued" event, which starts the next run; only if the bus refuses it does the run fail with
 * TransformIncompleteError, leaving Lambda's retry of the event to resume it.
 */
import { SNSClient } from "@aws-sdk/client-sns";
import { documentClient } from "../shared/dynamoDb";
import { EnvironmentName } from "../shared/environmentNames";
import { optionalEnvironment } from "../shared/environment";
import { eventBridgeClient } from "../shared/eventBridge";
import { tracer } from "../shared/powertools";
import { s3Client } from "../shared/s3";
import { loadCsvTransformConfig } from "./config";
import { createCsvTransformHandler } from "./csvTransformHandler";

const snsEndpoint = optionalEnvironment(EnvironmentName.snsEndpoint);
const sns = snsEndpoint
  ? new SNSClient({ endpoint: snsEndpoint })
  : tracer.captureAWSv3Client(new SNSClient({}));

export const handler = createCsvTransformHandler({
  config: loadCsvTransformConfig(),
  documentClient,
  eventBridge: eventBridgeClient,
  s3: s3Client,
  sns,
});
