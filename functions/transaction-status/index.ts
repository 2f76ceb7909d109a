/**
 * TransactionStatus: `GET /transactions/{transactionId}` behind API Gateway (REST, Lambda proxy).
 * Answers the stored transaction with its decision, RECEIVED for a delivery accepted but not yet
 * validated, 404 otherwise. A store failure is a 503 the client may retry, never a thrown error
 * (API Gateway would turn that into a bare 502).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { documentClient } from "../shared/dynamoDb";
import { correlateInvocation, observeInvocation } from "../shared/handlerObservability";
import { errorResponse, jsonResponse } from "../shared/httpResponses";
import { panInRequest } from "../shared/requestPans";
import { keyNotAllowedOnRoute } from "../shared/apiKeyScopes";
import { MetricDimension } from "../shared/metricNames";
import { logger, publishDimensionedCount } from "../shared/powertools";
import { loadTransactionStatusConfig } from "./config";
import { lookUpTransaction, StatusStoreError, type StatusLookup } from "./statusLookup";
import { parseTransactionIdParameter } from "./transactionIdParameter";

const config = loadTransactionStatusConfig();

/** Values of the `outcome` dimension of the StatusLookups metric. */
type LookupOutcome =
  StatusLookup["outcome"] | "InvalidRequest" | "KeyNotAllowed" | "StoreError" | "InternalError";

/** Seconds a client should wait before asking again after a 503. */
const retryAfterSeconds = "1";

function countLookup(outcome: LookupOutcome): void {
  publishDimensionedCount("StatusLookups", { [MetricDimension.outcome]: outcome });
}

function answer(lookup: StatusLookup): APIGatewayProxyResult {
  if (lookup.outcome === "NotFound") {
    return errorResponse(404, { code: "NOT_FOUND", message: "No transaction with this transaction_id" });
  }
  return jsonResponse(200, lookup.view);
}

/** The one place failures become HTTP answers: generic text, the cause only in the logs. */
function failureAnswer(error: unknown): APIGatewayProxyResult {
  const failure = error instanceof Error ? error : new Error(String(error));
  if (error instanceof StatusStoreError) {
    countLookup("StoreError");
    logger.error("Transaction store unavailable", failure);
    return errorResponse(
      503,
      { code: "SERVICE_UNAVAILABLE", message: "The transaction store is unavailable; retry later" },
      {},
      { "Retry-After": retryAfterSeconds },
    );
  }
  countLookup("InternalError");
  logger.error("Status lookup failed", failure);
  return errorResponse(500, { code: "INTERNAL_ERROR", message: "The status could not be read" });
}

export const handler = async (
  event: APIGatewayProxyEvent,
  context: Context,
): Promise<APIGatewayProxyResult> =>
  observeInvocation(context, async () => {
    correlateInvocation({ apiRequestId: event.requestContext?.requestId });
    const keyError = keyNotAllowedOnRoute(event, "status");
    if (keyError) {
      countLookup("KeyNotAllowed");
      logger.warn("API key not allowed on this route");
      return errorResponse(403, keyError);
    }
    const parameter = parseTransactionIdParameter(event.pathParameters?.transactionId);
    if (!parameter.valid) {
      countLookup("InvalidRequest");
      logger.info("Transaction id rejected", { code: parameter.error.code });
      return errorResponse(400, parameter.error);
    }
    const panError = panInRequest(event);
    if (panError) {
      countLookup("InvalidRequest");
      logger.info("Request refused", { code: panError.code, field: panError.field });
      return errorResponse(400, panError);
    }
    // Already refused if it held a card number; masked anyway, as every correlation id is.
    correlateInvocation({ correlationId: parameter.transactionId, transactionId: parameter.transactionId });
    try {
      const lookup = await lookUpTransaction(documentClient, config, parameter.transactionId);
      countLookup(lookup.outcome);
      logger.info("Status looked up", {
        outcome: lookup.outcome,
        ...(lookup.outcome === "NotFound" ? {} : { status: lookup.view.status }),
      });
      return answer(lookup);
    } catch (error) {
      return failureAnswer(error);
    }
  });
