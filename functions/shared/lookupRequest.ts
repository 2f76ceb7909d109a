/**
 * What every GET lookup behind the API (transaction status, file status) refuses before it reads
 * a table, in this order: an API key not allowed on the route (403), a malformed path parameter
 * (400), a card number anywhere in the request (400). Each refusal is counted through the caller's
 * own metric and logged by its code, never with the value.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { keyNotAllowedOnRoute, type ApiKeyScope } from "./apiKeyScopes";
import { correlateInvocation } from "./correlation";
import { errorResponse, type WireError } from "./httpResponses";
import { logger } from "./powertools";
import { panInRequest } from "./requestPans";

/** The outcomes a refusal is counted under. */
export type LookupRefusal = "KeyNotAllowed" | "InvalidRequest";

export interface LookupRequestCheck {
  readonly scope: ApiKeyScope;
  /** What the path parameter's parser refused, if it did; `name` says which parameter. */
  readonly parameterError: WireError | undefined;
  readonly parameterName: string;
  readonly countRefusal: (outcome: LookupRefusal) => void;
}

/** The answer refusing the request, or undefined when the lookup may go ahead. */
export function refuseLookupRequest(
  event: APIGatewayProxyEvent,
  check: LookupRequestCheck,
): APIGatewayProxyResult | undefined {
  correlateInvocation({ apiRequestId: event.requestContext?.requestId });
  const keyError = keyNotAllowedOnRoute(event, check.scope);
  if (keyError) {
    check.countRefusal("KeyNotAllowed");
    logger.warn("API key not allowed on this route");
    return errorResponse(403, keyError);
  }
  if (check.parameterError) {
    check.countRefusal("InvalidRequest");
    logger.info(`${check.parameterName} rejected`, { code: check.parameterError.code });
    return errorResponse(400, check.parameterError);
  }
  const panError = panInRequest(event);
  if (panError) {
    check.countRefusal("InvalidRequest");
    logger.info("Request refused", { code: panError.code, field: panError.field });
    return errorResponse(400, panError);
  }
  return undefined;
}
