/**
 * Events for the csv-intake and file-status handlers: the API Gateway REST proxy fixtures
 * (tests/functions/fixtures/api-gateway/) with the test's body, headers or id, and an S3
 * ObjectCreated notification shaped exactly as S3 delivers it to Lambda (event version 2.1; keys
 * URL-encoded with spaces as "+").
 */
import type { APIGatewayProxyEvent, S3Event } from "aws-lambda";
import getFileFixture from "../fixtures/api-gateway/get-file.json";
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

/** An S3 ObjectCreated:Put notification for `key` (as stored; encoded here the way S3 encodes it). */
export function objectCreatedEvent(
  bucket: string,
  key: string,
  object: { readonly size: number; readonly eTag: string },
  eventName = "ObjectCreated:Put",
): S3Event {
  const encodedKey = encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/g, "/");
  return {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: "eu-west-1",
        eventTime: "2025-11-14T12:03:41.512Z",
        eventName,
        userIdentity: { principalId: "AWS:AROA2EXAMPLEROLEID:csv-intake" },
        requestParameters: { sourceIPAddress: "203.0.113.10" },
        responseElements: {
          "x-amz-request-id": "C3D13FE58DE4C810",
          "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD",
        },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: "csv-intake-uploads",
          bucket: {
            name: bucket,
            ownerIdentity: { principalId: "A3NL1KOZZKExample" },
            arn: `arn:aws:s3:::${bucket}`,
          },
          object: {
            key: encodedKey,
            size: object.size,
            eTag: object.eTag.replace(/"/g, ""),
            sequencer: "0055AED6DCD90281E5",
          },
        },
      },
    ],
  };
}
