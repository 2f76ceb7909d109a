/**
 * The webhook wire format (snake_case JSON, see DESIGN.md "Wire formats") and its translation to
 * the canonical candidate transaction. Numbers are parsed losslessly: an amount sent as a JSON
 * number is judged from its original text ("10.10", "1e3"), never from a binary float.
 */
import { createHash } from "node:crypto";
import { isLosslessNumber, parse as parseLosslessJson } from "lossless-json";
import { redactPanText } from "../shared/pan";

/** Wire field → canonical field. Anything else in the body is ignored (after the PAN scan). */
export const wireToCanonicalField: Readonly<Record<string, string>> = {
  transaction_id: "transactionId",
  amount: "amount",
  currency: "currency",
  customer_id: "customerId",
  merchant_id: "merchantId",
  provider: "provider",
  timestamp: "occurredAt",
  merchant_category_code: "merchantCategoryCode",
  customer_country: "customerCountry",
  merchant_country: "merchantCountry",
  customer_name: "customerName",
  merchant_name: "merchantName",
  card: "card",
  metadata: "metadata",
};

const canonicalToWireField: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(wireToCanonicalField).map(([wire, canonical]) => [canonical, wire]),
);

/** The wire name of a canonical field path (`customerId` → `customer_id`, `card.last4` stays). */
export function wireFieldPath(canonicalPath: string): string {
  const match = /^([A-Za-z]+)(.*)$/s.exec(canonicalPath);
  if (!match) return canonicalPath;
  const [, head = "", rest = ""] = match;
  return (canonicalToWireField[head] ?? head) + rest;
}

export type WebhookBodyParse =
  | {
      readonly ok: true;
      /** Numbers as their original text (strings): for the card-number scan and the payload hash. */
      readonly textView: Record<string, unknown>;
      /** Numbers as JS numbers, except `amount`, which keeps its text. */
      readonly valueView: Record<string, unknown>;
    }
  | { readonly ok: false; readonly message: string };

type NumberMapper = (text: string, path: readonly string[]) => unknown;

function mapNumbers(value: unknown, mapper: NumberMapper, path: readonly string[]): unknown {
  if (isLosslessNumber(value)) return mapper(value.value, path);
  if (Array.isArray(value))
    return value.map((element, index) => mapNumbers(element, mapper, [...path, String(index)]));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [key, mapNumbers(child, mapper, [...path, key])]),
    );
  }
  return value;
}

/** Nesting beyond this is refused before any recursive walk (the metadata limit is far lower). */
const maxNestingDepth = 32;

function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") {
      depth += 1;
      if (depth > limit) return true;
    } else if (char === "}" || char === "]") depth -= 1;
  }
  return false;
}

/**
 * The number a JSON number's text names, or NaN (which validation refuses as not storable) when a
 * binary float would name another one: exponent notation ("1e-400" would become 0) and decimals
 * that underflow to zero.
 */
function exactNumber(text: string): number {
  const value = Number(text);
  if (/e/i.test(text) || (value === 0 && /[1-9]/.test(text))) return Number.NaN;
  return value;
}

export function parseWebhookBody(rawBody: string): WebhookBodyParse {
  if (rawBody.trim() === "") return { ok: false, message: "The body is empty; send a JSON object." };
  if (nestingExceeds(rawBody, maxNestingDepth)) {
    return { ok: false, message: `The body is nested more than ${maxNestingDepth} levels deep.` };
  }
  let parsed: unknown;
  try {
    parsed = parseLosslessJson(rawBody);
  } catch (error) {
    // lossless-json's message gives the position and the problem (including duplicate keys), never data.
    // A duplicate-key message names the key, which could be a card number.
    const detail = redactPanText(error instanceof Error ? error.message : "unreadable");
    return { ok: false, message: `The body is not valid JSON: ${detail}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: "The body must be a JSON object." };
  }
  const textView = mapNumbers(parsed, (text) => text, []) as Record<string, unknown>;
  const valueView = mapNumbers(
    parsed,
    (text, path) => (path.length === 1 && path[0] === "amount" ? text : exactNumber(text)),
    [],
  ) as Record<string, unknown>;
  return { ok: true, textView, valueView };
}

/** The candidate transaction (canonical names) from the wire body; unknown fields are left out. */
export function candidateFromWire(
  valueView: Record<string, unknown>,
  provider: string,
): Record<string, unknown> {
  const candidate: Record<string, unknown> = { source: "webhook", provider };
  for (const [wire, canonical] of Object.entries(wireToCanonicalField)) {
    if (wire === "provider") continue;
    if (valueView[wire] !== undefined) candidate[canonical] = valueView[wire];
  }
  return candidate;
}

/** Canonical JSON (keys sorted, numbers as sent) so key order and whitespace do not change the hash. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * SHA-256 of the body's content, from the text view: key order, whitespace and number-vs-string
 * spelling of the same digits do not count; any changed value does.
 */
export function payloadHash(textView: Record<string, unknown>): string {
  return createHash("sha256").update(canonicalJson(textView)).digest("hex");
}
