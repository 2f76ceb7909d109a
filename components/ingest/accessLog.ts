/**
 * The access-log line of the ingest API, as a pure builder (unit-tested without mocks).
 *
 * Only request metadata is logged: who called (source IP, user agent, API key id), which route,
 * the outcome and the latencies, and the ids that join a line to its X-Ray trace and to API
 * Gateway's execution log. Never the request body (card data may arrive in one before validation
 * rejects it), never request headers (webhook signatures and the API key itself travel in them),
 * and never the concrete path (`$context.path`) — `resourcePath` names the route template.
 */

/** Each access-log field and the `$context` variable API Gateway substitutes into it. */
export const ingestApiAccessLogFields: Readonly<Record<string, string>> = {
  requestId: "$context.requestId",
  extendedRequestId: "$context.extendedRequestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  integrationLatency: "$context.integration.latency",
  responseLatency: "$context.responseLatency",
  integrationError: "$context.integration.error",
  errorMessage: "$context.error.message",
  userAgent: "$context.identity.userAgent",
  xrayTraceId: "$context.xrayTraceId",
  apiKeyId: "$context.identity.apiKeyId",
};

/**
 * The stage's access-log format: one JSON object per request, every value a quoted string so
 * the template itself is valid JSON and CloudWatch Logs Insights discovers the fields.
 */
export function ingestApiAccessLogFormat(): string {
  return JSON.stringify(ingestApiAccessLogFields);
}
