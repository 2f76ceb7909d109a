/**
 * The TransactionStatus handler, built from its dependencies: the answer to
 * `GET /transactions/{transactionId}` and the StatusLookups count by outcome.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { correlateInvocation } from "../shared/correlation";
import { errorResponse, jsonResponse } from "../shared/httpResponses";
import { lambdaHandler, type LambdaHandler } from "../shared/lambdaHandler";
import { MetricDimension } from "../shared/metricNames";
import { logger, publishDimensionedCount } from "../shared/powertools";
import { refuseLookupRequest } from "../shared/lookupRequest";
import type { TransactionStatusConfig } from "./config";
import { lookUpTransaction, StatusStoreError, type StatusLookup } from "./statusLookup";
import { parseTransactionIdParameter } from "./transactionIdParameter";

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
    const refusal = refuseLookupRequest(event, {
      scope: "status",
      parameterError: parameter.valid ? undefined : parameter.error,
      parameterName: "Transaction id",
      countRefusal: countLookup,
    });
    // A malformed parameter is always refused above; the fallback only tells the compiler.
    if (!parameter.valid) return refusal ?? errorResponse(400, parameter.error);
    if (refusal) return refusal;
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
}
