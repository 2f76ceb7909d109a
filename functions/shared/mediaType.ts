/**
 * Reads a request's Content-Type against the one media type a route takes, in UTF-8: the body
 * parsers and the signature check read UTF-8 and nothing else. Pure.
 */
import type { APIGatewayProxyEvent } from "aws-lambda";
import type { WireError } from "./httpResponses";

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

export interface ExpectedMediaType {
  /** e.g. "text/csv" */
  readonly mediaType: string;
  /** What the sender should do, ending the message: "Send the file with Content-Type: …". */
  readonly advice: string;
  /** The message when the charset is not UTF-8. */
  readonly notUtf8: string;
}

/** undefined when the Content-Type is acceptable, else the 415 error. */
export function unsupportedMediaType(
  contentType: string | undefined,
  expected: ExpectedMediaType,
): WireError | undefined {
  if (contentType === undefined || contentType.trim() === "") {
    return { code: "UNSUPPORTED_MEDIA_TYPE", message: `The request has no Content-Type. ${expected.advice}` };
  }
  const [mediaType, ...parameters] = contentType.split(";");
  if (mediaType.trim().toLowerCase() !== expected.mediaType) {
    return {
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: `Only ${expected.mediaType} is accepted. ${expected.advice}`,
    };
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
      return { code: "UNSUPPORTED_MEDIA_TYPE", message: `${expected.notUtf8} ${expected.advice}` };
    }
  }
  return undefined;
}
