/**
 * Finds full card numbers (PANs) so they can be rejected before anything is stored or logged
 * (PCI DSS: at most BIN + last four may be kept). A PAN here is 13-19 digits, possibly written in
 * groups separated by single spaces or dashes, that passes the Luhn check. Findings carry the JSON
 * path only, never the digits.
 */

export interface PanFinding {
  /** Path of the value, e.g. `metadata.notes[2]`; PAN-like text in keys is masked in the path. */
  readonly path: string;
  /** True when the PAN is in a property name rather than in a value. */
  readonly inKey: boolean;
}

interface TextWindow {
  readonly start: number;
  readonly end: number;
}

const minPanDigits = 13;
const maxPanDigits = 19;

/** Runs of digit groups joined by single spaces or dashes ("4111 1111-1111 1111"). */
const digitRun = /\d+(?:[ -]\d+)*/g;

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Where PANs sit in `text`. Every sequence of whole consecutive groups is tried, not just the whole
 * run, so "4111 1111 1111 1111 12/25" (a PAN followed by an expiry) is still caught. A single
 * group longer than 19 digits is some other identifier and is not searched inside: every long
 * number contains Luhn-valid slices, so searching them would reject every order reference.
 */
function panWindows(text: string): TextWindow[] {
  const windows: TextWindow[] = [];
  for (const run of text.matchAll(digitRun)) {
    const groups: TextWindow[] = [];
    const runStart = run.index ?? 0;
    for (const group of run[0].matchAll(/\d+/g)) {
      const start = runStart + (group.index ?? 0);
      groups.push({ start, end: start + group[0].length });
    }
    for (let first = 0; first < groups.length; first += 1) {
      let digits = "";
      for (let last = first; last < groups.length; last += 1) {
        digits += text.slice(groups[last].start, groups[last].end);
        if (digits.length > maxPanDigits) break;
        if (digits.length >= minPanDigits && passesLuhn(digits)) {
          windows.push({ start: groups[first].start, end: groups[last].end });
        }
      }
    }
  }
  return windows;
}

/** The digits of a JSON number as a person would write them (no exponent for integers). */
function numberText(value: number): string {
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

/** True when `text` contains a full card number. NFKC first, so full-width digits count too. */
export function containsPan(text: string): boolean {
  return panWindows(text.normalize("NFKC")).length > 0;
}

/** Masks every PAN digit except the last four: "4111 1111 1111 1111" -> "**** **** **** 1111". */
export function redactPanText(text: string): string {
  const normalised = text.normalize("NFKC");
  // Window positions are UTF-16 offsets, so split by code unit, not by code point.
  const characters = normalised.split("");
  for (const window of panWindows(normalised)) {
    let keep = 4;
    for (let index = window.end - 1; index >= window.start; index -= 1) {
      if (!/\d/.test(characters[index])) continue;
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

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Every place in a JSON-like value (strings, numbers and property names, at any depth) holding a
 * PAN. Iterative, so a hostile, deeply nested payload cannot overflow the stack.
 */
export function findPans(value: unknown): PanFinding[] {
  const findings: PanFinding[] = [];
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: "" }];
  const seen = new WeakSet<object>();
  while (pending.length > 0) {
    const current = pending.pop();
    if (!current) break;
    const item = current.value;
    if (typeof item === "string") {
      if (containsPan(item)) findings.push({ path: current.path, inKey: false });
    } else if (typeof item === "number") {
      if (Number.isFinite(item) && containsPan(numberText(item)))
        findings.push({ path: current.path, inKey: false });
    } else if (typeof item === "object" && item !== null && !seen.has(item)) {
      seen.add(item);
      if (Array.isArray(item)) {
        item.forEach((element, index) => pending.push({ value: element, path: pathOf(current.path, index) }));
      } else if (isPlainRecord(item)) {
        for (const [key, child] of Object.entries(item)) {
          const childPath = pathOf(current.path, key);
          if (containsPan(key)) findings.push({ path: childPath, inKey: true });
          pending.push({ value: child, path: childPath });
        }
      }
    }
  }
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
    return Number.isFinite(value) && containsPan(numberText(value))
      ? redactPanText(numberText(value))
      : value;
  }
  if (typeof value !== "object" || value === null) return value;
  if (depth >= maxRedactionDepth) return "[redacted: too deeply nested]";
  if (Array.isArray(value)) return value.map((element) => redactPans(element, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [redactPanText(key), redactPans(child, depth + 1)]),
  );
}
