/**
 * csv-transform in AWS: invoked asynchronously by the uploads bucket's notification for
 * `validated/*.csv`, by the bus's "csv-load-continued" rule with its own continuations, or by hand
 * with `{"continueFile": {"fileId"}}`; loads the file's valid rows into the pipeline (see
 * csvTransform.ts). A run that stops for time saves its checkpoint and publishes a "CSV Load
 * Continued" event, which starts the next run; only if the bus refuses it does the run fail with
 * TransformIncompleteError, leaving Lambda's retry of the event to resume it.
 */
import type { Context } from "aws-lambda";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { SNSClient } from "@aws-sdk/client-sns";
import { documentClient } from "../shared/dynamoDb";
import { EnvironmentName } from "../shared/environmentNames";
import { optionalEnvironment } from "../shared/environment";
import { eventBridgeClient } from "../shared/eventBridge";
import { correlateInvocation, observeInvocation } from "../shared/handlerObservability";
import { logger, metrics, tracer } from "../shared/powertools";
import { s3Client } from "../shared/s3";
import { loadCsvTransformConfig } from "./config";
import {
  runCsvTransform,
  type CsvTransformResult,
  type TransformLog,
  type TransformMetrics,
} from "./csvTransform";

const config = loadCsvTransformConfig();

const snsEndpoint = optionalEnvironment(EnvironmentName.snsEndpoint);
const sns = snsEndpoint
  ? new SNSClient({ endpoint: snsEndpoint })
  : tracer.captureAWSv3Client(new SNSClient({}));

const log: TransformLog = {
  info: (message, attributes = {}) => logger.info(message, attributes),
  warn: (message, attributes = {}) => logger.warn(message, attributes),
};

const transformMetrics: TransformMetrics = {
  count: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
};

export const handler = async (event: unknown, context: Context): Promise<CsvTransformResult> =>
  observeInvocation(context, () =>
    runCsvTransform(
      {
        config,
        documentClient,
        eventBridge: eventBridgeClient,
        s3: s3Client,
        sns,
        log,
        metrics: transformMetrics,
        correlate: correlateInvocation,
      },
      event,
      context,
    ),
  );
