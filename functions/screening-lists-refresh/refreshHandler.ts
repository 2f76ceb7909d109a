/**
 * The ScreeningListsRefresh handler, built from its dependencies: one refresh an invocation, its
 * download time bounded by the invocation's remaining time.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { correlateInvocation } from "../shared/correlation";
import { lambdaHandler, type LambdaHandler } from "../shared/lambdaHandler";
import { addCount, logger } from "../shared/powertools";
import { scheduleEventIdOf, type ScheduledInvocation } from "../shared/scheduledInvocation";
import type { RefreshConfig } from "./config";
import { screeningListsRefreshedMetricName } from "./refreshMetric";
import {
  refreshScreeningLists,
  ScreeningListRefusedError,
  type RefreshOutcome,
} from "./refreshScreeningLists";

export interface RefreshHandlerDependencies {
  readonly config: RefreshConfig;
  readonly s3: S3Client;
  readonly fetch: typeof fetch;
  /** The clock; tests pin it. */
  readonly now?: () => Date;
}

/** Time kept for writing the new version before the function's own timeout. */
const writeMarginMs = 60_000;
const minimumDownloadMs = 10_000;

export function createRefreshHandler(
  dependencies: RefreshHandlerDependencies,
): LambdaHandler<ScheduledInvocation | null, RefreshOutcome> {
  const { config, s3 } = dependencies;
  return lambdaHandler(async (event, context) => {
    // A manual invocation (no schedule event id) keeps the request id lambdaHandler correlated it by.
    correlateInvocation({ correlationId: scheduleEventIdOf(event) });
    try {
      const outcome = await refreshScreeningLists(config.sources, {
        s3,
        bucket: config.bucket,
        fetch: dependencies.fetch,
        now: dependencies.now ?? (() => new Date()),
        minimumRetainedShare: config.minimumRetainedShare,
        downloadTimeoutMs: Math.max(minimumDownloadMs, context.getRemainingTimeInMillis() - writeMarginMs),
      });
      addCount(screeningListsRefreshedMetricName);
      logger.info("Screening lists refreshed", { ...outcome });
      return outcome;
    } catch (error) {
      if (error instanceof ScreeningListRefusedError) {
        addCount("ScreeningListsRefused");
        logger.error("Screening list refused: the current version stays", {
          list: error.list,
          error: error.message,
        });
      }
      throw error;
    }
  });
}
