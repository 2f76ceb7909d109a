/**
 * Turns an HTTP request into the event API Gateway's REST Lambda-proxy integration sends, so the
 * local server calls the handlers with what they receive in AWS: header names as the client sent
 * them (last value in `headers`, all in `multiValueHeaders`), path parameters as they appear in
 * the URL (REST APIs do not decode them), null for absent query strings, the body base64-encoded
 * when its Content-Type is one of the API's binary media types and as text otherwise, and a
 * request context with stage, resource path and caller.
 */
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { ingestApiBinaryMediaTypes } from "../pipeline";

export interface HttpRequestParts {
  readonly method: string;
  /** Path and query, as on the request line: "/transactions/abc?x=1". */
  readonly url: string;
  /** Node's `rawHeaders`: names as sent, alternating with values. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
}

export interface RouteMatch {
  /** The route template, e.g. "/transactions/{transactionId}". */
  readonly resourcePath: string;
  readonly pathParameters: Readonly<Record<string, string>> | null;
}

export interface ApiContext {
  readonly stage: string;
  /** The API key the caller presented, when the route required one. */
  readonly apiKey?: string;
  /** The id API Gateway would give that key. */
  readonly apiKeyId?: string;
  /** The stage's variables (each scope's key id). */
  readonly stageVariables?: Readonly<Record<string, string>>;
  readonly now?: Date;
}

function headerMaps(rawHeaders: readonly string[]): {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
} {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index];
    const value = rawHeaders[index + 1];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

function queryMaps(search: URLSearchParams): {
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
} {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of search) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return Object.keys(single).length === 0
    ? { queryStringParameters: null, multiValueQueryStringParameters: null }
    : { queryStringParameters: single, multiValueQueryStringParameters: multi };
}

/** Splits "/path?query" without decoding the path. */
export function splitRequestUrl(url: string): { path: string; search: URLSearchParams } {
  const queryStart = url.indexOf("?");
  return queryStart === -1
    ? { path: url, search: new URLSearchParams() }
    : { path: url.slice(0, queryStart), search: new URLSearchParams(url.slice(queryStart + 1)) };
}

/** API Gateway matches the media type alone, ignoring parameters such as charset. */
function isBinaryMediaType(headers: Readonly<Record<string, string>>): boolean {
  const contentType = Object.entries(headers).find(([name]) => name.toLowerCase() === "content-type")?.[1];
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  return mediaType !== undefined && ingestApiBinaryMediaTypes.includes(mediaType);
}

export function toApiGatewayEvent(
  request: HttpRequestParts,
  route: RouteMatch,
  context: ApiContext,
): APIGatewayProxyEvent {
  const { path, search } = splitRequestUrl(request.url);
  const { headers, multiValueHeaders } = headerMaps(request.rawHeaders);
  const now = context.now ?? new Date();
  const binary = isBinaryMediaType(headers);
  const userAgent = Object.entries(headers).find(([name]) => name.toLowerCase() === "user-agent")?.[1];
  return {
    resource: route.resourcePath,
    path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    ...queryMaps(search),
    pathParameters: route.pathParameters ? { ...route.pathParameters } : null,
    stageVariables: context.stageVariables ? { ...context.stageVariables } : null,
    body: request.body.length === 0 ? null : request.body.toString(binary ? "base64" : "utf8"),
    isBase64Encoded: binary && request.body.length > 0,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      authorizer: null,
      protocol: "HTTP/1.1",
      httpMethod: request.method,
      path: `/${context.stage}${path}`,
      stage: context.stage,
      requestId: randomUUID(),
      requestTimeEpoch: now.getTime(),
      resourceId: "local",
      resourcePath: route.resourcePath,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: context.apiKey ?? null,
        apiKeyId: context.apiKey === undefined ? null : (context.apiKeyId ?? null),
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: userAgent ?? null,
        userArn: null,
      },
    },
  };
}
