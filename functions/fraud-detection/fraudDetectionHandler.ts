/**
 * The FraudDetection handler, built from its dependencies: the customer's history in the rules'
 * window, and the assessment with its DynamoDB form.
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { correlateInvocation, stringAt } from "../shared/correlation";
import { findCustomerActivity } from "../shared/customerActivity";
import { lambdaHandler, type LambdaHandler } from "../shared/lambdaHandler";
import { toAttributeMap } from "../shared/marshalRecord";
import { MetricName } from "../shared/metricNames";
import { addCount, logger, metrics } from "../shared/powertools";
import { parseScreeningInput } from "../shared/screeningInput";
import type { FraudAssessment } from "../shared/stepContracts";
import { toUtcTimestamp } from "../shared/timestamps";
import { assessFraud, historyWindow } from "./assessFraud";
import type { FraudRules } from "./fraudRules";

export interface FraudDetectionDependencies {
  readonly documentClient: DynamoDBDocumentClient;
  readonly transactionsTable: string;
  readonly rules: FraudRules;
}

const metricByLevel = { LOW: "FraudLow", MEDIUM: "FraudMedium", HIGH: "FraudHigh" } as const;

export function createFraudDetectionHandler(
  dependencies: FraudDetectionDependencies,
): LambdaHandler<unknown, FraudAssessment> {
  const { documentClient, transactionsTable, rules } = dependencies;
  return lambdaHandler(async (input) => {
    // Read before parsing so that a malformed input's failure carries it too (masked there).
    const transactionId = stringAt(input, "transaction", "transactionId");
    if (transactionId) correlateInvocation({ correlationId: transactionId, transactionId });
    const { transaction } = parseScreeningInput(input, "FraudDetection");
    const window = historyWindow(transaction, rules);
    const activity = await findCustomerActivity(documentClient, {
      tableName: transactionsTable,
      customerId: transaction.customerId,
      from: toUtcTimestamp(window.from),
      to: toUtcTimestamp(window.to),
      excludeTransactionId: transaction.transactionId,
    });
    if (activity.truncated) logger.warn("Customer history truncated");
    const assessment = assessFraud(transaction, activity.items, rules);
    addCount(metricByLevel[assessment.level]);
    // One value per scored transaction: CloudWatch keeps the distribution (percentiles), not just a sum.
    metrics.addMetric(MetricName.fraudScore, MetricUnit.NoUnit, assessment.score);
    logger.info("Fraud assessed", {
      score: assessment.score,
      fraudLevel: assessment.level,
      signals: assessment.signals.map((signal) => signal.code),
    });
    return { ...assessment, record: toAttributeMap(assessment) };
  });
}
