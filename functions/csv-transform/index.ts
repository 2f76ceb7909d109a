/**
 * csv-transform in AWS: invoked asynchronously by the uploads bucket's notification for
 * `validated/*.csv`, by the bus's "csv-load-continued" rule with its own continuations, or by hand
 * with `{"continueFile": {"fileId"}}`; loads the file's valid rows into the pipeline (see
 * csvTransform.ts). A run that stops for time saves its checkpoint and publishes a "CSV Load
 * Continued" event, which starts the next run; only if the bus refuses it does the run fail with
 * TransformIncompleteError, leaving Lambda's retry of the event to resume it.
 */
import { documentClient } from "../shared/dynamoDb";
import { snsClient } from "../shared/sns";
import { eventBridgeClient } from "../shared/eventBridge";
import { s3Client } from "../shared/s3";
import { loadCsvTransformConfig } from "./config";
import { createCsvTransformHandler } from "./csvTransformHandler";

export const handler = createCsvTransformHandler({
  config: loadCsvTransformConfig(),
  documentClient,
  eventBridge: eventBridgeClient,
  s3: s3Client,
  sns: snsClient,
});
