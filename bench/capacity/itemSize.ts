/**
 * DynamoDB item sizes and the request units they cost, by the rules of the DynamoDB Developer
 * Guide ("Item sizes and formats", "Read/write capacity mode"): strings count their UTF-8 bytes,
 * numbers about one byte per two significant digits plus one, lists and maps 3 bytes plus 1 per
 * element, and every attribute name its own bytes. One write request unit covers 1 KB written;
 * one read request unit covers 4 KB read strongly consistent, or 8 KB eventually consistent.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

export type AttributeMap = Record<string, AttributeValue>;

const utf8 = (text: string): number => Buffer.byteLength(text, "utf8");

function numberBytes(text: string): number {
  // Sign, decimal point and exponent are not stored; leading and trailing zeros are trimmed.
  const digits = text.replace(/^-/, "").split(/e/i)[0].replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

/** Bytes of one attribute value (without its name). */
export function attributeValueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, item) => sum + utf8(item), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, item) => sum + numberBytes(item), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, item) => sum + item.length, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, item) => sum + 1 + attributeValueBytes(item), 0);
  if (value.M !== undefined) {
    return (
      3 +
      Object.entries(value.M).reduce(
        (sum, [name, item]) => sum + 1 + utf8(name) + attributeValueBytes(item),
        0,
      )
    );
  }
  return 0;
}

/** Bytes of a whole item: every attribute's name plus its value. */
export function itemBytes(item: AttributeMap): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + utf8(name) + attributeValueBytes(value),
    0,
  );
}

/** Write request units of writing an item of `bytes` (an update counts the larger of before and after). */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

/** Read request units of reading `bytes` in one request (GetItem, or the summed items of a Query page). */
export function readUnits(bytes: number, consistency: "strong" | "eventual"): number {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return consistency === "strong" ? units : units / 2;
}
