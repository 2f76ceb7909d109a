/**
 * The archival handler, built from its dependencies: a run named by the schedule's event id (a
 * manual invocation by its request id), its summary logged and answered.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import { correlateInvocation } from "../shared/correlation";
import { lambdaHandler, type LambdaHandler } from "../shared/lambdaHandler";
import { addCount, jobLog, logger } from "../shared/powertools";
import { scheduledTimeOf, scheduleEventIdOf, type ScheduledInvocation } from "../shared/scheduledInvocation";
import { runArchival, type ArchivalSummary } from "./archivalRun";
import type { ArchivalConfig } from "./config";

export interface ArchivalHandlerDependencies {
  readonly config: ArchivalConfig;
  readonly dynamoDb: DynamoDBClient;
  readonly s3: S3Client;
}

export function createArchivalHandler(
  dependencies: ArchivalHandlerDependencies,
): LambdaHandler<ScheduledInvocation | null, ArchivalSummary> {
  return lambdaHandler(async (event, context) => {
    const scheduleEventId = scheduleEventIdOf(event);
    // A manual invocation (no schedule event id) keeps the request id lambdaHandler correlated it by.
    correlateInvocation({
      correlationId: scheduleEventId,
      scheduleEventId,
      scheduledTime: scheduledTimeOf(event),
    });
    const summary = await runArchival(
      { ...dependencies, log: jobLog, metrics: { count: addCount }, correlate: correlateInvocation },
      context,
    );
    logger.info("Archival run finished", { ...summary });
    return summary;
  });
}
