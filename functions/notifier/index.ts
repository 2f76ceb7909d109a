/**
 * notifier in AWS: the target of the rule matching every "Transaction Processed" event
 * (transactionProcessedPattern), invoked asynchronously by EventBridge. Counts every decision as
 * the TransactionsDecided metric; a CSV row's decision is also counted once on its file, which is
 * completed with one SNS summary when every published row is decided.
 */
import { documentClient } from "../shared/dynamoDb";
import { snsClient } from "../shared/sns";
import { loadNotifierConfig } from "./config";
import { createNotifierHandler } from "./notifierHandler";

export const handler = createNotifierHandler({
  config: loadNotifierConfig(),
  documentClient,
  sns: snsClient,
});
