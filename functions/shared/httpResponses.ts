/**
 * API Gateway proxy answers in the pipeline's wire format (snake_case JSON, see DESIGN.md):
 * errors are always `{"error": {"code", "message", "field"?}}`, and no answer ever echoes a
 * secret, a signature or a card number.
 */
import type { APIGatewayProxyResult } from "aws-lambda";
import { redactPans } from "./pan";

export interface WireError {
  readonly code: string;
  readonly message: string;
  /** The request field at fault, in the wire's own (snake_case) naming. */
  readonly field?: string;
}

const jsonHeaders = {
  "Content-Type": "application/json",
  // Answers carry transaction data: never cached by a browser or a shared proxy.
  "Cache-Control": "no-store",
} as const;

/** A stored JSON answer replayed as it was first given: same status, same headers, same bytes. */
export function replayedJsonResponse(statusCode: number, body: string): APIGatewayProxyResult {
  return { statusCode, headers: { ...jsonHeaders }, body };
}

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  // The last check before anything leaves: a card number that reached an answer is masked.
  return { statusCode, headers: { ...jsonHeaders, ...headers }, body: JSON.stringify(redactPans(body)) };
}

export function errorResponse(
  statusCode: number,
  error: WireError,
  extra: Readonly<Record<string, unknown>> = {},
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  return jsonResponse(statusCode, { error: { ...error, ...extra } }, headers);
}
