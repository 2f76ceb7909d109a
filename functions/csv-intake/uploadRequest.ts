/**
 * Reads a POST /upload request: the media type (text/csv, UTF-8) and the body's exact bytes. API
 * Gateway hands a body over base64-encoded when its Content-Type is one of the API's binary media
 * types, which is the only way bytes that are not UTF-8 arrive unchanged; otherwise as a string.
 * Pure.
 */
import type { APIGatewayProxyEvent } from "aws-lambda";
import type { WireError } from "../shared/httpResponses";
import { csvMediaType } from "./uploadStorage";

/** Case-insensitive header lookup (API Gateway REST keeps the case the client sent). */
export function headerValue(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [header, value] of Object.entries(event.headers ?? {})) {
    if (header.toLowerCase() === wanted && typeof value === "string") return value;
  }
  return undefined;
}

/** Charsets whose bytes are UTF-8 (ASCII is a subset). */
const utf8Charsets = new Set(["utf-8", "utf8", "us-ascii"]);

/** undefined when the Content-Type is acceptable, else the 415 error. */
export function unsupportedMediaType(contentType: string | undefined): WireError | undefined {
  const expected = `Send the file with Content-Type: ${csvMediaType} (optionally ; charset=utf-8).`;
  if (contentType === undefined || contentType.trim() === "") {
    return { code: "UNSUPPORTED_MEDIA_TYPE", message: `The request has no Content-Type. ${expected}` };
  }
  const [mediaType, ...parameters] = contentType.split(";");
  if (mediaType.trim().toLowerCase() !== csvMediaType) {
    return { code: "UNSUPPORTED_MEDIA_TYPE", message: `Only ${csvMediaType} is accepted. ${expected}` };
  }
  for (const parameter of parameters) {
    const [name, ...rest] = parameter.split("=");
    if (name.trim().toLowerCase() !== "charset") continue;
    const charset = rest
      .join("=")
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .toLowerCase();
    if (!utf8Charsets.has(charset)) {
      return {
        code: "UNSUPPORTED_MEDIA_TYPE",
        message: `Only UTF-8 files are accepted; save the file as UTF-8. ${expected}`,
      };
    }
  }
  return undefined;
}

/** The body's bytes: base64-decoded when API Gateway encoded it, else the UTF-8 of the string. */
export function bodyBytes(event: APIGatewayProxyEvent): Buffer {
  if (event.body === null || event.body === undefined) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, "base64") : Buffer.from(event.body, "utf8");
}
