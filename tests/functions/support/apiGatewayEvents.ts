/**
 * API Gateway REST proxy events for the handlers behind the API, one fixture per route
 * (tests/functions/fixtures/api-gateway/) with the test's body, headers or id. S3 notifications
 * are in s3Events.ts; signed webhook deliveries in webhookRequests.ts.
 */
import type { APIGatewayProxyEvent } from "aws-lambda";
import getFileFixture from "../fixtures/api-gateway/get-file.json";
import getTransactionFixture from "../fixtures/api-gateway/get-transaction.json";
import postUploadFixture from "../fixtures/api-gateway/post-upload.json";
import postUploadsFixture from "../fixtures/api-gateway/post-uploads.json";

function withHeaders(event: APIGatewayProxyEvent, headers: Record<string, string>): APIGatewayProxyEvent {
  event.headers = headers;
  event.multiValueHeaders = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, [value]]),
  );
  return event;
}

export interface UploadEventOptions {
  /** Replaces the fixture's Content-Type; null removes the header. */
  readonly contentType?: string | null;
  /** Sends the body base64-encoded, as API Gateway does for a binary media type. */
  readonly base64?: boolean;
}

/** POST /upload carrying `body` (the exact bytes, when base64). */
export function uploadEvent(body: Buffer | string, options: UploadEventOptions = {}): APIGatewayProxyEvent {
  const event = structuredClone(postUploadFixture) as unknown as APIGatewayProxyEvent;
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers)) {
    if (value === undefined) continue;
    if (/^content-type$/i.test(name)) {
      if (options.contentType === null) continue;
      headers[name] = options.contentType ?? value;
    } else if (/^content-length$/i.test(name)) headers[name] = String(bytes.length);
    else headers[name] = value;
  }
  withHeaders(event, headers);
  event.isBase64Encoded = options.base64 ?? false;
  event.body = options.base64 ? bytes.toString("base64") : bytes.toString("utf8");
  return event;
}

/** POST /uploads (no body). */
export function uploadsEvent(): APIGatewayProxyEvent {
  return structuredClone(postUploadsFixture) as unknown as APIGatewayProxyEvent;
}

/** GET /files/{file_id} for `fileId` (null: no path parameters at all). */
export function getFileEvent(fileId: string | null): APIGatewayProxyEvent {
  const event = structuredClone(getFileFixture) as unknown as APIGatewayProxyEvent;
  event.path = `/files/${fileId ?? ""}`;
  event.pathParameters = fileId === null ? null : { file_id: fileId };
  return event;
}

/**
 * GET /transactions/{transactionId} for `rawParameter` as the client sent it in the path
 * (percent-encoded or not), with API Gateway's request id when given.
 */
export function getTransactionEvent(rawParameter: string | null, requestId?: string): APIGatewayProxyEvent {
  const event = structuredClone(getTransactionFixture) as APIGatewayProxyEvent;
  const path = `/transactions/${rawParameter ?? ""}`;
  return {
    ...event,
    path,
    pathParameters: rawParameter === null ? null : { transactionId: rawParameter },
    requestContext: {
      ...event.requestContext,
      path: `/${event.requestContext.stage}${path}`,
      ...(requestId === undefined ? {} : { requestId }),
    },
  };
}
