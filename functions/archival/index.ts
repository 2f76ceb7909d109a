/**
 * Archival: invoked by the daily EventBridge schedule (or by hand, with any event), moves decided
 * transactions older than ARCHIVE_AFTER_HOURS from the transactions table into the audit bucket
 * (see archivalRun.ts) and answers a summary of the run. It stops before the Lambda timeout and
 * the next run resumes; an error fails the invocation, and the next run recovers from it.
 */
import { createArchivalHandler } from "./archivalHandler";
import { loadArchivalConfig } from "./config";
import { dynamoDbClient } from "./dynamoDbClient";
import { s3Client } from "../shared/s3";

export const handler = createArchivalHandler({
  config: loadArchivalConfig(),
  dynamoDb: dynamoDbClient,
  s3: s3Client,
});
