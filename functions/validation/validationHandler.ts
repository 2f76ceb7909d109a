/**
 * The ValidateTransaction handler, built from its dependencies: an invalid transaction is an
 * outcome with reasons, a valid one is stored once, an archived one is not decided again.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { correlateInvocation, stringAt } from "../shared/correlation";
import { lambdaHandler, type LambdaHandler } from "../shared/lambdaHandler";
import { addCount, logger } from "../shared/powertools";
import type { ValidationOutcome } from "../shared/stepContracts";
import { isArchived, removeRecreatedItem } from "./archivedCheck";
import type { ValidationConfig } from "./config";
import { saveReceivedTransaction } from "./transactionStore";
import { validateReceivedDetail } from "./validateReceivedDetail";
import { archivedOutcome, invalidOutcome, validOutcome } from "./validationOutcome";

export interface ValidationHandlerDependencies {
  readonly config: ValidationConfig;
  readonly documentClient: DynamoDBDocumentClient;
  /** The clock; tests pin it. */
  readonly now?: () => Date;
}

export function createValidationHandler(
  dependencies: ValidationHandlerDependencies,
): LambdaHandler<unknown, ValidationOutcome> {
  const { config, documentClient } = dependencies;
  const clock = dependencies.now ?? (() => new Date());
  return lambdaHandler(async (detail) => {
    const now = clock();
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
      addCount("TransactionsInvalid");
      logger.info("Transaction invalid", {
        reasonCodes: result.reasons.map((reason) => reason.code),
      });
      if (
        config.archivedTransactionsTable &&
        (await isArchived(documentClient, config.archivedTransactionsTable, outcome.recordKey))
      ) {
        addCount("ArchivedTransactionsSkipped");
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
      addCount("TransactionsNotStorable");
      logger.warn("Transaction refused by the store", { reasonCodes: [saved.reason.code] });
      return invalidOutcome(result.transaction.transactionId, [saved.reason]);
    }
    if (
      config.archivedTransactionsTable &&
      (await isArchived(documentClient, config.archivedTransactionsTable, saved.transaction.transactionId))
    ) {
      if (saved.created)
        await removeRecreatedItem(documentClient, config.tableName, saved.transaction.transactionId);
      addCount("ArchivedTransactionsSkipped");
      logger.info("Transaction already archived; not decided again");
      return archivedOutcome(saved.transaction.transactionId);
    }
    addCount("TransactionsValidated");
    if (!saved.created) addCount("TransactionsAlreadyStored");
    logger.info("Transaction valid", { created: saved.created });
    return validOutcome(saved.transaction);
  });
}
