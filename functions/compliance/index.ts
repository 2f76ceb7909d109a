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
import { EnvironmentName } from "../shared/environmentNames";
import { requireEnvironment } from "../shared/environment";
import { correlateInvocation, observeInvocation, stringAt } from "../shared/handlerObservability";
import { toAttributeMap } from "../shared/marshalRecord";
import { logger, metrics } from "../shared/powertools";
import { parseScreeningInput } from "../shared/screeningInput";
import type { ComplianceAssessment } from "../shared/stepContracts";
import { toUtcTimestamp } from "../shared/timestamps";
import { assessCompliance, needsStructuringHistory, structuringWindowStart } from "./assessCompliance";
import { loadScreeningLists } from "./screeningLists";

const tableName = requireEnvironment(EnvironmentName.transactionsTable);
const lists = loadScreeningLists();

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
    const assessment = assessCompliance(transaction, activity.items, lists);
    metrics.addMetric(metricByDecision[assessment.decision], MetricUnit.Count, 1);
    if (assessment.reportRequired) metrics.addMetric("ComplianceReportRequired", MetricUnit.Count, 1);
    logger.info("Compliance assessed", {
      decision: assessment.decision,
      rules: assessment.rules.map((rule) => rule.ruleId),
      listVersion: assessment.listVersion,
    });
    return { ...assessment, record: toAttributeMap(assessment) };
  });
