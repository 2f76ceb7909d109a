/**
 * notifier in AWS: the target of the rule matching every "Transaction Processed" event
 * (transactionProcessedPattern), invoked asynchronously by EventBridge. Counts every decision as
 * the TransactionsDecided metric; a CSV row's decision is also counted once on its file, which is
 * completed with one SNS summary when every published row is decided.
 */
import { SNSClient } from "@aws-sdk/client-sns";
import { documentClient } from "../shared/dynamoDb";
import { EnvironmentName } from "../shared/environmentNames";
import { optionalEnvironment } from "../shared/environment";
import { tracer } from "../shared/powertools";
import { loadNotifierConfig } from "./config";
import { createNotifierHandler } from "./notifierHandler";

const snsEndpoint = optionalEnvironment(EnvironmentName.snsEndpoint);
const sns = snsEndpoint
  ? new SNSClient({ endpoint: snsEndpoint })
  : tracer.captureAWSv3Client(new SNSClient({}));

export const handler = createNotifierHandler({ config: loadNotifierConfig(), documentClient, sns });
