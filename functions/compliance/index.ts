/**
 * ComplianceCheck: sanctions, high-risk jurisdictions, CTR and structuring for a validated
 * transaction (input `{transaction}`). Idempotent in effect: the 24-hour history is what sorts
 * before this transaction, so a re-run answers the same unless that history changed meanwhile;
 * the state machine keeps the first recorded decision either way.
 */
import type { Context } from "aws-lambda";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { findCustomerActivity } from "../shared/customerActivity";
import { documentClient } from "../shared/dynamoDb";
import { correlateInvocation, observeInvocation, stringAt } from "../shared/handlerObservability";
import { toAttributeMap } from "../shared/marshalRecord";
import { logger, metrics } from "../shared/powertools";
import { parseScreeningInput } from "../shared/screeningInput";
import type { ComplianceAssessment } from "../shared/stepContracts";
import { toUtcTimestamp } from "../shared/timestamps";
import { s3Client } from "../shared/s3";
import { assessCompliance, needsStructuringHistory, structuringWindowStart } from "./assessCompliance";
import { readComplianceConfig } from "./config";
import { bundledScreeningIndex } from "./sanctions/bundledList";
import {
  BucketScreenerSource,
  FixedScreenerSource,
  type ScreenerSource,
} from "./sanctions/screeningIndexSource";
import { loadScreeningLists } from "./screeningLists";

const config = readComplianceConfig();
const tableName = config.transactionsTable;
const lists = loadScreeningLists();
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

const metricByDecision = {
  CLEAR: "ComplianceClear",
  REVIEW: "ComplianceReview",
  BLOCK: "ComplianceBlock",
} as const;

export const handler = async (input: unknown, context: Context): Promise<ComplianceAssessment> =>
  observeInvocation(context, async () => {
    // Read before parsing so that a malformed input's failure carries it too (masked there).
    const transactionId = stringAt(input, "transaction", "transactionId");
    if (transactionId) correlateInvocation({ correlationId: transactionId, transactionId });
    const { transaction } = parseScreeningInput(input, "ComplianceCheck");
    const activity = needsStructuringHistory(transaction, lists)
      ? await findCustomerActivity(documentClient, {
          tableName,
          customerId: transaction.customerId,
          from: toUtcTimestamp(structuringWindowStart(transaction, lists)),
          to: transaction.occurredAt,
          excludeTransactionId: transaction.transactionId,
        })
      : { items: [], truncated: false };
    if (activity.truncated) logger.warn("Customer history truncated");
    const screener = await screenerSource.screener(new Date());
    const assessment = assessCompliance(transaction, activity.items, lists, screener);
    metrics.addMetric(metricByDecision[assessment.decision], MetricUnit.Count, 1);
    if (assessment.reportRequired) metrics.addMetric("ComplianceReportRequired", MetricUnit.Count, 1);
    logger.info("Compliance assessed", {
      decision: assessment.decision,
      rules: assessment.rules.map((rule) => rule.ruleId),
      listVersion: assessment.listVersion,
      screeningIndexVersion: assessment.screeningIndexVersion,
      sanctionsMatches: assessment.sanctionsMatches.map(({ field, list, entryNumber, score }) => ({
        field,
        list,
        entryNumber,
        score,
      })),
    });
    return { ...assessment, record: toAttributeMap(assessment) };
  });
