/**
 * TransactionStatus: `GET /transactions/{transactionId}` behind API Gateway (REST, Lambda proxy).
 * Answers the stored transaction with its decision, RECEIVED for a delivery accepted but not yet
 * validated, 404 otherwise. A store failure is a 503 the client may retry, never a thrown error
 * (API Gateway would turn that into a bare 502).
 */
import { documentClient } from "../shared/dynamoDb";
import { loadTransactionStatusConfig } from "./config";
import { createTransactionStatusHandler } from "./transactionStatusHandler";

export const handler = createTransactionStatusHandler({
  config: loadTransactionStatusConfig(),
  documentClient,
});
