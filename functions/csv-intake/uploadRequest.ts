/**
 * Reads a POST /upload request: the media type (text/csv, UTF-8) and the body's exact bytes. API
 * Gateway hands a body over base64-encoded when its Content-Type is one of the API's binary media
 * types, which is the only way bytes that are not UTF-8 arrive unchanged; otherwise as a string.
 * Pure.
 */
import type { APIGatewayProxyEvent } from "aws-lambda";
import type { WireError } from "../shared/httpResponses";
import { unsupportedMediaType as unsupportedMediaTypeOf } from "../shared/mediaType";
import { csvMediaType } from "./uploadStorage";

export { headerValue } from "../shared/mediaType";

const csvUpload = {
  mediaType: csvMediaType,
  advice: `Send the file with Content-Type: ${csvMediaType} (optionally ; charset=utf-8).`,
  notUtf8: "Only UTF-8 files are accepted; save the file as UTF-8.",
};

/** undefined when the Content-Type is acceptable, else the 415 error. */
export function unsupportedMediaType(contentType: string | undefined): WireError | undefined {
  return unsupportedMediaTypeOf(contentType, csvUpload);
}

/** The body's bytes: base64-decoded when API Gateway encoded it, else the UTF-8 of the string. */
export function bodyBytes(event: APIGatewayProxyEvent): Buffer {
  if (event.body === null || event.body === undefined) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, "base64") : Buffer.from(event.body, "utf8");
}
