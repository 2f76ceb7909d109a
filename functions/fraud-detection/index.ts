/**
 * FraudDetection: scores a validated transaction against the customer's history (input
 * `{transaction}`). Idempotent in effect: the history is what sorts before this transaction, so a re-run answers
 * the same unless that history changed meanwhile (a late arrival with an earlier timestamp, a
 * status change); the state machine keeps the first recorded decision either way.
 */
import type { Context } from "aws-lambda";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { findCustomerActivity } from "../shared/customerActivity";
import { documentClient } from "../shared/dynamoDb";
import { EnvironmentName } from "../shared/environmentNames";
import { optionalJsonEnvironment, requireEnvironment } from "../shared/environment";
import { correlateInvocation, observeInvocation, stringAt } from "../shared/handlerObservability";
import { toAttributeMap } from "../shared/marshalRecord";
import { MetricName } from "../shared/metricNames";
import { logger, metrics } from "../shared/powertools";
import { parseScreeningInput } from "../shared/screeningInput";
import type { FraudAssessment } from "../shared/stepContracts";
import { toUtcTimestamp } from "../shared/timestamps";
import { assessFraud, historyWindow } from "./assessFraud";
import { loadFraudRules } from "./fraudRules";

const tableName = requireEnvironment(EnvironmentName.transactionsTable);
const rules = loadFraudRules(optionalJsonEnvironment(EnvironmentName.fraudRulesOverride));

const metricByLevel = { LOW: "FraudLow", MEDIUM: "FraudMedium", HIGH: "FraudHigh" } as const;

export const handler = async (input: unknown, context: Context): Promise<FraudAssessment> =>
  observeInvocation(context, async () => {
    // Read before parsing so that a malformed input's failure carries it too (masked there).
    const transactionId = stringAt(input, "transaction", "transactionId");
    if (transactionId) correlateInvocation({ correlationId: transactionId, transactionId });
    const { transaction } = parseScreeningInput(input, "FraudDetection");
    const window = historyWindow(transaction, rules);
    const activity = await findCustomerActivity(documentClient, {
      tableName,
      customerId: transaction.customerId,
      from: toUtcTimestamp(window.from),
      to: toUtcTimestamp(window.to),
      excludeTransactionId: transaction.transactionId,
    });
    if (activity.truncated) logger.warn("Customer history truncated");
    const assessment = assessFraud(transaction, activity.items, rules);
    metrics.addMetric(metricByLevel[assessment.level], MetricUnit.Count, 1);
    // One value per scored transaction: CloudWatch keeps the distribution (percentiles), not just a sum.
    metrics.addMetric(MetricName.fraudScore, MetricUnit.NoUnit, assessment.score);
    logger.info("Fraud assessed", {
      score: assessment.score,
      fraudLevel: assessment.level,
      signals: assessment.signals.map((signal) => signal.code),
    });
    return { ...assessment, record: toAttributeMap(assessment) };
  });
