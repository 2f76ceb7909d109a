/**
 * ComplianceCheck: sanctions, high-risk jurisdictions, CTR and structuring for a validated
 * transaction (input `{transaction}`). Idempotent in effect: the 24-hour history is what sorts
 * before this transaction, so a re-run answers the same unless that history changed meanwhile;
 * the state machine keeps the first recorded decision either way.
 */
import { documentClient } from "../shared/dynamoDb";
import { logger } from "../shared/powertools";
import { s3Client } from "../shared/s3";
import { createComplianceHandler } from "./complianceHandler";
import { readComplianceConfig } from "./config";
import { bundledScreeningIndex } from "./sanctions/bundledList";
import {
  BucketScreenerSource,
  FixedScreenerSource,
  type ScreenerSource,
} from "./sanctions/screeningIndexSource";
import { loadScreeningLists } from "./screeningLists";

const config = readComplianceConfig();
const screenerSource: ScreenerSource =
  config.screeningListsBucket === undefined
    ? new FixedScreenerSource(bundledScreeningIndex, config.thresholds)
    : new BucketScreenerSource({
        s3: s3Client,
        bucket: config.screeningListsBucket,
        thresholds: config.thresholds,
        recheckMs: config.recheckMs,
        fallback: bundledScreeningIndex,
        warn: (message, details) => logger.warn(message, details),
      });
// In Lambda, load and index the lists during the init phase (a failure is retried by the first
// invocation); elsewhere (the local runtime, tests) the name index is built when a name first
// needs screening.
if (process.env.AWS_EXECUTION_ENV !== undefined) {
  screenerSource
    .screener(new Date())
    .then((screener) => screener.warm())
    .catch(() => undefined);
}

export const handler = createComplianceHandler({
  documentClient,
  transactionsTable: config.transactionsTable,
  lists: loadScreeningLists(),
  screenerSource,
});
