/**
 * ValidateTransaction: the first step of the state machine (input `$.detail`). An invalid
 * transaction is a business outcome (valid: false with reasons), never an error; only a store
 * failure throws, so Step Functions retries it.
 */
import type { Context } from "aws-lambda";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { documentClient } from "../shared/dynamoDb";
import { correlateInvocation, observeInvocation, stringAt } from "../shared/handlerObservability";
import { logger, metrics } from "../shared/powertools";
import type { ValidationOutcome } from "../shared/stepContracts";
import { loadValidationConfig } from "./config";
import { saveReceivedTransaction } from "./transactionStore";
import { validateReceivedDetail } from "./validateReceivedDetail";
import { archivedOutcome, invalidOutcome, validOutcome } from "./validationOutcome";
import { isArchived, removeRecreatedItem } from "./archivedCheck";

const config = loadValidationConfig();

export const handler = async (detail: unknown, context: Context): Promise<ValidationOutcome> =>
  observeInvocation(context, async () => {
    const now = new Date();
    // Read before validation so that an invalid detail's lines carry it too (masked there).
    const transactionId = stringAt(detail, "transactionId");
    if (transactionId) correlateInvocation({ correlationId: transactionId, transactionId });
    const result = validateReceivedDetail(detail, { now, maxAmountUsdMinor: config.maxAmountUsdMinor });
    if (!result.valid) {
      const outcome = invalidOutcome(
        (detail as { transactionId?: unknown } | null)?.transactionId,
        result.reasons,
      );
      // A key holding a card number is recorded (and decided downstream) under a digest instead.
      if (outcome.recordKey !== transactionId) correlateInvocation({ recordKey: outcome.recordKey });
      metrics.addMetric("TransactionsInvalid", MetricUnit.Count, 1);
      logger.info("Transaction invalid", {
        reasonCodes: result.reasons.map((reason) => reason.code),
      });
      if (
        config.archivedTransactionsTable &&
        (await isArchived(documentClient, config.archivedTransactionsTable, outcome.recordKey))
      ) {
        metrics.addMetric("ArchivedTransactionsSkipped", MetricUnit.Count, 1);
        logger.info("Transaction already archived; not decided again");
        return archivedOutcome(outcome.recordKey);
      }
      return outcome;
    }
    const saved = await saveReceivedTransaction(documentClient, result.transaction, {
      tableName: config.tableName,
      receivedAt: now,
      occurredAtDefaulted: result.occurredAtDefaulted,
    });
    if (!saved.stored) {
      metrics.addMetric("TransactionsNotStorable", MetricUnit.Count, 1);
      logger.warn("Transaction refused by the store", { reasonCodes: [saved.reason.code] });
      return invalidOutcome(result.transaction.transactionId, [saved.reason]);
    }
    if (
      config.archivedTransactionsTable &&
      (await isArchived(documentClient, config.archivedTransactionsTable, saved.transaction.transactionId))
    ) {
      if (saved.created)
        await removeRecreatedItem(documentClient, config.tableName, saved.transaction.transactionId);
      metrics.addMetric("ArchivedTransactionsSkipped", MetricUnit.Count, 1);
      logger.info("Transaction already archived; not decided again");
      return archivedOutcome(saved.transaction.transactionId);
    }
    metrics.addMetric("TransactionsValidated", MetricUnit.Count, 1);
    if (!saved.created) metrics.addMetric("TransactionsAlreadyStored", MetricUnit.Count, 1);
    logger.info("Transaction valid", { created: saved.created });
    return validOutcome(saved.transaction);
  });
