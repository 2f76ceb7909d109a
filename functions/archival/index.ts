/**
 * Archival: invoked by the daily EventBridge schedule (or by hand, with any event), moves decided
 * transactions older than ARCHIVE_AFTER_HOURS from the transactions table into the audit bucket
 * (see archivalRun.ts) and answers a summary of the run. It stops before the Lambda timeout and
 * the next run resumes; an error fails the invocation, and the next run recovers from it.
 */
import type { Context } from "aws-lambda";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { correlateInvocation, observeInvocation } from "../shared/handlerObservability";
import { logger, metrics } from "../shared/powertools";
import { runArchival, type ArchivalLog, type ArchivalMetrics, type ArchivalSummary } from "./archivalRun";
import { loadArchivalConfig } from "./config";
import { dynamoDbClient } from "./dynamoDbClient";
import { s3Client } from "./s3Client";

const config = loadArchivalConfig();

const log: ArchivalLog = {
  info: (message, attributes = {}) => logger.info(message, attributes),
  warn: (message, attributes = {}) => logger.warn(message, attributes),
};

const archivalMetrics: ArchivalMetrics = {
  count: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
};

/** The fields of a scheduled event worth a log line; a manual invocation may send anything. */
interface ScheduledInvocation {
  readonly id?: unknown;
  readonly time?: unknown;
}

export const handler = async (
  event: ScheduledInvocation | null,
  context: Context,
): Promise<ArchivalSummary> =>
  observeInvocation(context, async () => {
    // A run is named by the schedule's event id; a manual invocation by its request id.
    const scheduleEventId = typeof event?.id === "string" && event.id.length > 0 ? event.id : undefined;
    correlateInvocation({
      correlationId: scheduleEventId ?? context.awsRequestId,
      scheduleEventId,
      scheduledTime: typeof event?.time === "string" ? event.time : undefined,
    });
    const summary = await runArchival(
      {
        config,
        dynamoDb: dynamoDbClient,
        s3: s3Client,
        log,
        metrics: archivalMetrics,
        correlate: correlateInvocation,
      },
      context,
    );
    logger.info("Archival run finished", { ...summary });
    return summary;
  });
