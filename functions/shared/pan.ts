/**
 * Finds full card numbers (PANs) in text and in JSON-like values (strings, numbers and property
 * names at any depth) so they can be rejected before anything is stored, and masks them in
 * anything that is logged or answered (PCI DSS: at most BIN + last four may be kept). What counts
 * as a card number is decided in panDetection.ts. Findings carry the JSON path only, never the
 * digits.
 */

export interface PanFinding {
  /** Path of the value, e.g. `metadata.notes[2]`; PAN-like text in keys is masked in the path. */
  readonly path: string;
  /** True when the PAN is in a property name rather than in a value. */
  readonly inKey: boolean;
}

import { walkNested } from "./nestedValues";
import { cardNumberWindows, normaliseForPanScan } from "./panDetection";

/** The digits of a JSON number as a person would write them (no exponent for integers). */
function numberText(value: number): string {
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

/** True when `text` contains a full card number, however it is rendered. */
export function containsPan(text: string): boolean {
  return cardNumberWindows(normaliseForPanScan(text)).length > 0;
}

/**
 * Masks every card-number digit except the last four: "4111 1111 1111 1111" -> "**** **** ****
 * 1111". Text holding a card number comes back normalised (the rendering that hid it is gone);
 * other text comes back unchanged.
 */
export function redactPanText(text: string): string {
  const normalised = normaliseForPanScan(text);
  const windows = cardNumberWindows(normalised);
  if (windows.length === 0) return text;
  // Window positions are UTF-16 offsets, so split by code unit, not by code point.
  const characters = normalised.split("");
  for (const window of windows) {
    let keep = 4;
    for (let index = window.end - 1; index >= window.start; index -= 1) {
      if (!/[0-9]/.test(characters[index])) continue;
      if (keep > 0) keep -= 1;
      else characters[index] = "*";
    }
  }
  return characters.join("");
}

function pathOf(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  const safeKey = redactPanText(key);
  if (/^[A-Za-z_$][\w$]*$/.test(safeKey)) return parent ? `${parent}.${safeKey}` : safeKey;
  return `${parent}[${JSON.stringify(safeKey)}]`;
}

function isPanNumber(value: number): boolean {
  return Number.isFinite(value) && containsPan(numberText(value));
}

/**
 * Every place in a JSON-like value (strings, numbers and property names, at any depth) holding a
 * PAN. Iterative, so a hostile, deeply nested payload cannot overflow the stack.
 */
export function findPans(value: unknown): PanFinding[] {
  const findings: PanFinding[] = [];
  walkNested(value, "", pathOf, {
    value: (item, path) => {
      if (typeof item === "string" ? containsPan(item) : typeof item === "number" && isPanNumber(item)) {
        findings.push({ path, inKey: false });
      }
    },
    property: (key, _child, path) => {
      if (containsPan(key)) findings.push({ path, inKey: true });
    },
  });
  return findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const maxRedactionDepth = 64;

/**
 * A copy of a JSON-like value with every PAN masked (keys included), for logging something that
 * might hold one. Numbers that are PANs become masked strings.
 */
export function redactPans(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactPanText(value);
  if (typeof value === "number") {
    return isPanNumber(value) ? redactPanText(numberText(value)) : value;
  }
  if (typeof value !== "object" || value === null) return value;
  if (depth >= maxRedactionDepth) return "[redacted: too deeply nested]";
  if (Array.isArray(value)) return value.map((element) => redactPans(element, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [redactPanText(key), redactPans(child, depth + 1)]),
  );
}
