/**
 * What every GET lookup behind the API (transaction status, file status) refuses before it reads
 * a table, in this order: an API key not allowed on the route (403), a malformed path parameter
 * (400), a card number anywhere in the request (400). Each refusal is counted through the caller's
 * own metric and logged by its code, never with the value. And how a lookup that went ahead
 * answers a failure: 503 (Retry-After) when its table cannot be read, 500 otherwise, never a thrown
 * error (API Gateway would turn that into a bare 502).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { keyNotAllowedOnRoute, type ApiKeyScope } from "./apiKeyScopes";
import { correlateInvocation } from "./correlation";
import { errorResponse, type WireError } from "./httpResponses";
import { MetricDimension } from "./metricNames";
import { logger, publishDimensionedCount } from "./powertools";
import { panInRequest } from "./requestPans";

/** The outcomes a refusal or a failure is counted under. */
export type LookupRefusal = "KeyNotAllowed" | "InvalidRequest";
export type LookupFailure = "StoreError" | "InternalError";

/** A path parameter as its parser reads it. */
export type LookupParameter = { readonly valid: true } | { readonly valid: false; readonly error: WireError };

/** One lookup: its route, its path parameter, its store, and the metric its outcomes are counted in. */
export interface LookupDescription {
  readonly scope: ApiKeyScope;
  /** The parameter as logged when refused ("File id"). */
  readonly parameterName: string;
  /** The store as the 503 and its log line name it ("file status store"). */
  readonly store: string;
  /** What the 500 says could not be read, and its log line ("file status"). */
  readonly subject: string;
  /** Whether a failure is the store's (a 503 the client may retry). */
  readonly isStoreError: (error: unknown) => boolean;
  /** Counted by `outcome` (dimension): its own outcomes, and refusals and failures. */
  readonly metricName: string;
}

export interface Lookup<Outcome extends string> extends LookupDescription {
  count(outcome: Outcome | LookupRefusal | LookupFailure): void;
}

export function describeLookup<Outcome extends string>(description: LookupDescription): Lookup<Outcome> {
  return {
    ...description,
    count: (outcome) =>
      publishDimensionedCount(description.metricName, { [MetricDimension.outcome]: outcome }),
  };
}

/** Seconds a client should wait before asking again after a 503. */
const retryAfterSeconds = "1";

/** The answer refusing the request, or the valid parameter when the lookup may go ahead. */
export function checkLookupRequest<P extends LookupParameter>(
  event: APIGatewayProxyEvent,
  parameter: P,
  lookup: Lookup<string>,
):
  { readonly refusal: APIGatewayProxyResult } | { readonly parameter: Extract<P, { readonly valid: true }> } {
  correlateInvocation({ apiRequestId: event.requestContext?.requestId });
  const keyError = keyNotAllowedOnRoute(event, lookup.scope);
  if (keyError) {
    lookup.count("KeyNotAllowed");
    logger.warn("API key not allowed on this route");
    return { refusal: errorResponse(403, keyError) };
  }
  if (!parameter.valid) {
    lookup.count("InvalidRequest");
    logger.info(`${lookup.parameterName} rejected`, { code: parameter.error.code });
    return { refusal: errorResponse(400, parameter.error) };
  }
  const panError = panInRequest(event);
  if (panError) {
    lookup.count("InvalidRequest");
    logger.info("Request refused", { code: panError.code, field: panError.field });
    return { refusal: errorResponse(400, panError) };
  }
  return { parameter: parameter as Extract<P, { readonly valid: true }> };
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** The one place a lookup's failures become HTTP answers: generic text, the cause only in the logs. */
export function lookupFailureAnswer(error: unknown, lookup: Lookup<string>): APIGatewayProxyResult {
  const failure = error instanceof Error ? error : new Error(String(error));
  if (lookup.isStoreError(error)) {
    lookup.count("StoreError");
    logger.error(`${capitalised(lookup.store)} unavailable`, failure);
    return errorResponse(
      503,
      { code: "SERVICE_UNAVAILABLE", message: `The ${lookup.store} is unavailable; retry later` },
      {},
      { "Retry-After": retryAfterSeconds },
    );
  }
  lookup.count("InternalError");
  logger.error(`${capitalised(lookup.subject)} lookup failed`, failure);
  return errorResponse(500, { code: "INTERNAL_ERROR", message: `The ${lookup.subject} could not be read` });
}
