/**
 * The card-number check for what surrounds an HTTP request's body: header names and values, path
 * parameters (percent-decoded, as a client meant them) and query parameter names and values. Every
 * API handler refuses a request carrying one before anything else reads it, with an error that
 * says where the number was and never what it was.
 */
import type { APIGatewayProxyEvent } from "aws-lambda";
import type { WireError } from "./httpResponses";
import { containsPan } from "./pan";
import { ValidationReasonCode } from "./reasonCodes";

type Parameters = Readonly<Record<string, string | undefined>> | null | undefined;
type MultiValueParameters = Readonly<Record<string, readonly string[] | undefined>> | null | undefined;

/** decodeURIComponent where it can, the raw text where the escape is malformed. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function entriesOf(single: Parameters, multi: MultiValueParameters): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(single ?? {})) entries.push([name, value ?? ""]);
  for (const [name, values] of Object.entries(multi ?? {})) {
    for (const value of values ?? []) entries.push([name, value]);
  }
  return entries;
}

function holdsPan(entries: ReadonlyArray<[string, string]>, decode: boolean): boolean {
  const read = decode ? decoded : (text: string) => text;
  return entries.some(([name, value]) => containsPan(read(name)) || containsPan(read(value)));
}

function refusal(where: string, field: string): WireError {
  return {
    code: ValidationReasonCode.panDetected,
    message: `${where} must not contain a full card number (PAN)`,
    field,
  };
}

/** The refusal for the first place outside the body holding a card number, or undefined. */
export function panInRequest(event: APIGatewayProxyEvent): WireError | undefined {
  if (holdsPan(entriesOf(event.headers, event.multiValueHeaders), false)) {
    return refusal("A request header", "headers");
  }
  if (holdsPan(entriesOf(event.pathParameters, undefined), true) || containsPan(decoded(event.path ?? ""))) {
    return refusal("The request path", "path");
  }
  if (holdsPan(entriesOf(event.queryStringParameters, event.multiValueQueryStringParameters), true)) {
    return refusal("The query string", "query");
  }
  return undefined;
}
