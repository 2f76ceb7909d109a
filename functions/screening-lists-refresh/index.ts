/**
 * ScreeningListsRefresh: run on a schedule, outside the VPC (it downloads from the list
 * publishers; the VPC has no route out). Writes a new screening-index version when a list
 * changed, and counts every successful check as `ScreeningListsRefreshed`, the metric the
 * stale-list alarm watches. A refused or failed refresh throws: the invocation fails, the error
 * alarm fires, and the version screening uses now stays.
 */
import type { Context } from "aws-lambda";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { correlateInvocation, observeInvocation } from "../shared/handlerObservability";
import { logger, metrics } from "../shared/powertools";
import { s3Client } from "../shared/s3";
import { readRefreshConfig } from "./config";
import { screeningListsRefreshedMetricName } from "./refreshMetric";
import {
  refreshScreeningLists,
  ScreeningListRefusedError,
  type RefreshOutcome,
} from "./refreshScreeningLists";

const config = readRefreshConfig();

export const handler = async (
  event: { readonly id?: unknown } | null,
  context: Context,
): Promise<RefreshOutcome> =>
  observeInvocation(context, async () => {
    correlateInvocation({ correlationId: typeof event?.id === "string" ? event.id : context.awsRequestId });
    try {
      const outcome = await refreshScreeningLists(config.sources, {
        s3: s3Client,
        bucket: config.bucket,
        fetch,
        now: () => new Date(),
        minimumRetainedShare: config.minimumRetainedShare,
        // Leave time to write before the function's own timeout.
        downloadTimeoutMs: Math.max(10_000, context.getRemainingTimeInMillis() - 60_000),
      });
      metrics.addMetric(screeningListsRefreshedMetricName, MetricUnit.Count, 1);
      logger.info("Screening lists refreshed", { ...outcome });
      return outcome;
    } catch (error) {
      if (error instanceof ScreeningListRefusedError) {
        metrics.addMetric("ScreeningListsRefused", MetricUnit.Count, 1);
        logger.error("Screening list refused: the current version stays", {
          list: error.list,
          error: error.message,
        });
      }
      throw error;
    }
  });
