/**
 * How a stored item becomes one line of an archive part: plain JSON (what Athena and jq read),
 * written from the raw DynamoDB attribute values so nothing is rounded on the way. Pure.
 *
 * - S, BOOL, NULL, M and L map to their JSON counterparts; map keys are sorted, so the same item
 *   always gives the same line (a rewritten part is byte-identical, and a part can be compared
 *   with the table again after a crash).
 * - N is written as the number text DynamoDB returned, so 123456789012345678901 keeps every digit.
 * - SS / NS / BS become sorted arrays, B a base64 string: JSON has no sets or bytes.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

export type StoredItem = Record<string, AttributeValue>;

/** JSON's number grammar; DynamoDB's canonical number text always fits it. */
const jsonNumberPattern = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function numberJson(text: string): string {
  // Never expected; a string keeps the value rather than producing invalid JSON.
  return jsonNumberPattern.test(text) ? text : JSON.stringify(text);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

function compareNumberTexts(left: string, right: string): number {
  return Number(left) - Number(right) || (left < right ? -1 : left > right ? 1 : 0);
}

function sortedStrings(values: readonly string[]): string[] {
  return [...values].sort();
}

function mapJson(entries: Record<string, AttributeValue>): string {
  const keys = Object.keys(entries).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${valueJson(entries[key])}`).join(",")}}`;
}

export function valueJson(value: AttributeValue): string {
  if (value.S !== undefined) return JSON.stringify(value.S);
  if (value.N !== undefined) return numberJson(value.N);
  if (value.BOOL !== undefined) return value.BOOL ? "true" : "false";
  if (value.NULL !== undefined) return "null";
  if (value.M !== undefined) return mapJson(value.M);
  if (value.L !== undefined) return `[${value.L.map(valueJson).join(",")}]`;
  if (value.SS !== undefined) return JSON.stringify(sortedStrings(value.SS));
  if (value.NS !== undefined) return `[${[...value.NS].sort(compareNumberTexts).map(numberJson).join(",")}]`;
  if (value.B !== undefined) return JSON.stringify(base64(value.B));
  if (value.BS !== undefined) return JSON.stringify(sortedStrings(value.BS.map(base64)));
  throw new TypeError(`unsupported DynamoDB attribute value with keys ${Object.keys(value).join(", ")}`);
}

/** The archive line of an item (no trailing newline). */
export function itemLine(item: StoredItem): string {
  return mapJson(item);
}

/** The transaction id of an archive line, or undefined when the line is not an archived item. */
export function lineTransactionId(line: string, partitionKey: string): string | undefined {
  try {
    const parsed = JSON.parse(line) as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
    const id = (parsed as Record<string, unknown>)[partitionKey];
    return typeof id === "string" && id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/** NDJSON text of a part: one line per item, each ended by a newline. */
export function partText(items: readonly StoredItem[]): string {
  return items.map((item) => `${itemLine(item)}\n`).join("");
}

/** The lines of a part's NDJSON text (the final newline does not start another line). */
export function partLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
