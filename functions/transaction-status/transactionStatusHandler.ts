/**
 * The TransactionStatus handler, built from its dependencies: the answer to
 * `GET /transactions/{transactionId}` and the StatusLookups count by outcome.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { correlateInvocation } from "../shared/correlation";
import { errorResponse, jsonResponse } from "../shared/httpResponses";
import { lambdaHandler, type LambdaHandler } from "../shared/lambdaHandler";
import { logger } from "../shared/powertools";
import { checkLookupRequest, describeLookup, lookupFailureAnswer } from "../shared/lookupRequest";
import type { TransactionStatusConfig } from "./config";
import { lookUpTransaction, StatusStoreError, type StatusLookup } from "./statusLookup";
import { parseTransactionIdParameter } from "./transactionIdParameter";

const statusLookup = describeLookup<StatusLookup["outcome"]>({
  scope: "status",
  parameterName: "Transaction id",
  store: "transaction store",
  subject: "status",
  isStoreError: (error) => error instanceof StatusStoreError,
  metricName: "StatusLookups",
});

function answer(lookup: StatusLookup): APIGatewayProxyResult {
  if (lookup.outcome === "NotFound") {
    return errorResponse(404, { code: "NOT_FOUND", message: "No transaction with this transaction_id" });
  }
  return jsonResponse(200, lookup.view);
}

export interface TransactionStatusDependencies {
  readonly config: TransactionStatusConfig;
  readonly documentClient: DynamoDBDocumentClient;
}

export function createTransactionStatusHandler(
  dependencies: TransactionStatusDependencies,
): LambdaHandler<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const { config, documentClient } = dependencies;
  return lambdaHandler(async (event) => {
    const parameter = parseTransactionIdParameter(event.pathParameters?.transactionId);
    const checked = checkLookupRequest(event, parameter, statusLookup);
    if ("refusal" in checked) return checked.refusal;
    const { transactionId } = checked.parameter;
    // Already refused if it held a card number; masked anyway, as every correlation id is.
    correlateInvocation({ correlationId: transactionId, transactionId });
    try {
      const lookup = await lookUpTransaction(documentClient, config, transactionId);
      statusLookup.count(lookup.outcome);
      logger.info("Status looked up", {
        outcome: lookup.outcome,
        ...(lookup.outcome === "NotFound" ? {} : { status: lookup.view.status }),
      });
      return answer(lookup);
    } catch (error) {
      return lookupFailureAnswer(error, statusLookup);
    }
  });
}
