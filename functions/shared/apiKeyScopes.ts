/**
 * Which API key opens which route. API Gateway admits any key of the stage's usage plans on every
 * key-protected method, so keys alone would let the upload key read every transaction. Each
 * handler therefore compares the caller's key id (`requestContext.identity.apiKeyId`, set by API
 * Gateway from the key it checked) with the id of the key its route is for, which the stage hands
 * over as a stage variable: set by whoever deploys the API, never by a caller.
 */
import type { APIGatewayProxyEvent } from "aws-lambda";
import type { WireError } from "./httpResponses";

/** The status key reads transactions; the upload (back-office) key uploads files and reads their status. */
export type ApiKeyScope = "status" | "upload";

/** The stage variable holding the id of each scope's key. */
export const apiKeyStageVariables: Readonly<Record<ApiKeyScope, string>> = {
  status: "statusApiKeyId",
  upload: "uploadApiKeyId",
};

/** undefined when the caller's key is the one for `scope`, else the 403 error. Anything missing refuses. */
export function keyNotAllowedOnRoute(event: APIGatewayProxyEvent, scope: ApiKeyScope): WireError | undefined {
  const allowed = event.stageVariables?.[apiKeyStageVariables[scope]];
  const presented = event.requestContext?.identity?.apiKeyId;
  if (allowed && presented && presented === allowed) return undefined;
  return { code: "FORBIDDEN", message: "This API key is not allowed on this route." };
}
