/**
 * The ComplianceCheck handler, built from its dependencies: the customer's 24-hour history when
 * structuring needs it, the current screener, and the assessment with its DynamoDB form.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { correlateInvocation, stringAt } from "../shared/correlation";
import { findCustomerActivity } from "../shared/customerActivity";
import { lambdaHandler, type LambdaHandler } from "../shared/lambdaHandler";
import { toAttributeMap } from "../shared/marshalRecord";
import { addCount, logger } from "../shared/powertools";
import { parseScreeningInput } from "../shared/screeningInput";
import type { ComplianceAssessment } from "../shared/stepContracts";
import { toUtcTimestamp } from "../shared/timestamps";
import { assessCompliance, needsStructuringHistory, structuringWindowStart } from "./assessCompliance";
import type { ScreenerSource } from "./sanctions/screeningIndexSource";
import type { ScreeningLists } from "./screeningLists";

export interface ComplianceHandlerDependencies {
  readonly documentClient: DynamoDBDocumentClient;
  readonly transactionsTable: string;
  readonly lists: ScreeningLists;
  readonly screenerSource: ScreenerSource;
  /** The clock; tests pin it. */
  readonly now?: () => Date;
}

const metricByDecision = {
  CLEAR: "ComplianceClear",
  REVIEW: "ComplianceReview",
  BLOCK: "ComplianceBlock",
} as const;

export function createComplianceHandler(
  dependencies: ComplianceHandlerDependencies,
): LambdaHandler<unknown, ComplianceAssessment> {
  const { documentClient, transactionsTable, lists, screenerSource } = dependencies;
  const clock = dependencies.now ?? (() => new Date());
  return lambdaHandler(async (input) => {
    // Read before parsing so that a malformed input's failure carries it too (masked there).
    const transactionId = stringAt(input, "transaction", "transactionId");
    if (transactionId) correlateInvocation({ correlationId: transactionId, transactionId });
    const { transaction } = parseScreeningInput(input, "ComplianceCheck");
    const activity = needsStructuringHistory(transaction, lists)
      ? await findCustomerActivity(documentClient, {
          tableName: transactionsTable,
          customerId: transaction.customerId,
          from: toUtcTimestamp(structuringWindowStart(transaction, lists)),
          to: transaction.occurredAt,
          excludeTransactionId: transaction.transactionId,
        })
      : { items: [], truncated: false };
    if (activity.truncated) logger.warn("Customer history truncated");
    const screener = await screenerSource.screener(clock());
    const assessment = assessCompliance(transaction, activity.items, lists, screener);
    addCount(metricByDecision[assessment.decision]);
    if (assessment.reportRequired) addCount("ComplianceReportRequired");
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
}
