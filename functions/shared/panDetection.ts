/**
 * What counts as a full card number (PAN), in one place: every boundary (webhook bodies and
 * headers, path and query parameters, CSV cells, log lines, error messages) asks this module.
 *
 * Text is normalised first, so a number cannot hide behind its rendering: NFKC (fullwidth digits,
 * no-break and thin spaces), every Unicode decimal digit to its ASCII digit (Arabic-Indic,
 * Persian, Devanagari, ...), and format characters (zero-width spaces, soft hyphens, direction
 * marks) removed. A candidate is then 13-19 digits in consecutive groups joined by any run of
 * characters that are neither letters nor digits ("4111.1111_1111/1111", double spaces, tabs,
 * newlines, dashes of every width). It is a card number when it passes Luhn and starts with an
 * issuer's IIN at a length that issuer uses: that last check keeps epoch milliseconds, order
 * references and phone numbers (Luhn-valid one time in ten) from being mistaken for cards.
 */

/** One issuer's IIN prefixes (as [first, last] ranges of equal-length prefixes) and PAN lengths. */
interface IssuerRange {
  readonly brand: string;
  readonly prefixes: ReadonlyArray<readonly [string, string]>;
  readonly lengths: readonly number[];
}

const single = (prefix: string): readonly [string, string] => [prefix, prefix];
const upTo19 = (shortest: number): number[] =>
  Array.from({ length: 20 - shortest }, (_, index) => shortest + index);

/** Issuer ranges and lengths as the networks publish them; lengths below 13 are out of scope (see README). */
export const issuerRanges: readonly IssuerRange[] = [
  { brand: "Visa", prefixes: [single("4")], lengths: [13, 16, 19] },
  {
    brand: "Mastercard",
    prefixes: [
      ["51", "55"],
      ["2221", "2720"],
    ],
    lengths: [16],
  },
  { brand: "American Express", prefixes: [single("34"), single("37")], lengths: [15] },
  {
    brand: "Discover",
    prefixes: [single("6011"), ["644", "649"], single("65"), ["622126", "622925"]],
    lengths: upTo19(16),
  },
  { brand: "JCB", prefixes: [["3528", "3589"]], lengths: upTo19(16) },
  {
    brand: "Diners Club",
    prefixes: [["300", "305"], single("3095"), single("36"), ["38", "39"]],
    lengths: upTo19(14),
  },
  { brand: "UnionPay", prefixes: [single("62"), ["8100", "8171"]], lengths: upTo19(16) },
  {
    brand: "Maestro",
    prefixes: [
      single("5018"),
      single("5020"),
      single("5038"),
      single("5893"),
      single("6304"),
      single("6759"),
      ["6761", "6763"],
    ],
    lengths: upTo19(13),
  },
];

export const minPanDigits = 13;
export const maxPanDigits = 19;

function hasIssuer(digits: string): boolean {
  return issuerRanges.some(
    (issuer) =>
      issuer.lengths.includes(digits.length) &&
      issuer.prefixes.some(([first, last]) => {
        const prefix = digits.slice(0, first.length);
        return prefix >= first && prefix <= last;
      }),
  );
}

export function passesLuhn(digits: string): boolean {
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

/** True when `digits` (ASCII, 13-19 of them) is a card number by Luhn, IIN and length. */
export function isCardNumber(digits: string): boolean {
  return (
    digits.length >= minPanDigits && digits.length <= maxPanDigits && hasIssuer(digits) && passesLuhn(digits)
  );
}

const decimalDigit = /\p{Nd}/u;
const digitValues = new Map<number, string>();

/**
 * The ASCII digit of a Unicode decimal digit. Unicode allocates every decimal digit set as ten
 * consecutive code points, zero first, so the value is the distance back to the set's zero.
 */
function asciiDigit(codePoint: number): string {
  const known = digitValues.get(codePoint);
  if (known !== undefined) return known;
  let zero = codePoint;
  while (zero > 0 && codePoint - zero < 9 && decimalDigit.test(String.fromCodePoint(zero - 1))) zero -= 1;
  // Sets that follow each other directly (mathematical digits) restart every ten.
  const value = String((codePoint - zero) % 10);
  digitValues.set(codePoint, value);
  return value;
}

const nonAscii = /[^\x00-\x7F]/;
const formatCharacters = /\p{Cf}/gu;
const nonAsciiDigits = /(?![0-9])\p{Nd}/gu;

/**
 * The text as the detector reads it. ASCII text is returned as it is (NFKC leaves it unchanged and
 * it holds no format characters), which keeps the common case cheap.
 */
export function normaliseForPanScan(text: string): string {
  if (!nonAscii.test(text)) return text;
  return text
    .normalize("NFKC")
    .replace(formatCharacters, "")
    .replace(nonAsciiDigits, (digit) => asciiDigit(digit.codePointAt(0) ?? 48));
}

export interface TextWindow {
  readonly start: number;
  readonly end: number;
}

const digitGroup = /[0-9]+/g;
const onlySeparators = /^[^\p{L}\p{N}]+$/u;

/**
 * Whether normalised text could hold a card number at all: some run of digit groups, none parted
 * by an ASCII letter, has 13 digits or more. One pass over the characters without allocating, so
 * the text nearly every cell and field holds (amounts, dates, ids, names) is answered here.
 *
 * It never says no where searchCardNumberWindows would find a window: a window is a run of groups
 * joined by characters that are neither letters nor numbers, so it lies inside one of the runs
 * counted here. Characters beyond ASCII count as joiners (a non-ASCII letter or number would end a
 * window but not a run), which can only make a run longer, never shorter.
 */
export function mayHoldCardNumber(normalised: string): boolean {
  let run = 0;
  for (let index = 0; index < normalised.length; index += 1) {
    const code = normalised.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      run += 1;
      if (run >= minPanDigits) return true;
    } else if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) {
      run = 0;
    }
  }
  return false;
}

/**
 * An RFC 9562 UUID (8-4-4-4-12 hex digits with a version and a variant): delivery ids, file ids and
 * idempotency keys, never a way a card number is written. About one random UUID in 2,300 holds
 * digit groups across its dashes that pass Luhn and an issuer's range, so a sender whose delivery
 * id drew one would be refused on every retry.
 */
const uuid =
  /(?<![0-9A-Za-z])[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}(?![0-9A-Za-z])/gi;

/** The windows that are not wholly inside a UUID; a number running into or out of one still counts. */
function outsideUuids(normalised: string, windows: TextWindow[]): TextWindow[] {
  if (windows.length === 0) return windows;
  const spans = Array.from(normalised.matchAll(uuid), (match) => ({
    start: match.index ?? 0,
    end: (match.index ?? 0) + match[0].length,
  }));
  if (spans.length === 0) return windows;
  return windows.filter(
    (window) => !spans.some((span) => span.start <= window.start && window.end <= span.end),
  );
}

/**
 * Where card numbers sit in already normalised text. Every sequence of whole consecutive groups is
 * tried, not just the whole run, so "4111 1111 1111 1111 12/29" (a PAN and its expiry) is caught.
 * A single group longer than 19 digits is some other identifier and is not searched inside: every
 * long number contains Luhn-valid slices.
 */
export function cardNumberWindows(normalised: string): TextWindow[] {
  return mayHoldCardNumber(normalised) ? searchCardNumberWindows(normalised) : [];
}

/** cardNumberWindows without the pre-check: every candidate window is tried. */
export function searchCardNumberWindows(normalised: string): TextWindow[] {
  const windows: TextWindow[] = [];
  const groups: TextWindow[] = [];
  for (const match of normalised.matchAll(digitGroup)) {
    const start = match.index ?? 0;
    groups.push({ start, end: start + match[0].length });
  }
  for (let first = 0; first < groups.length; first += 1) {
    let digits = "";
    for (let last = first; last < groups.length; last += 1) {
      if (last > first && !onlySeparators.test(normalised.slice(groups[last - 1].end, groups[last].start))) {
        break;
      }
      digits += normalised.slice(groups[last].start, groups[last].end);
      if (digits.length > maxPanDigits) break;
      if (isCardNumber(digits)) windows.push({ start: groups[first].start, end: groups[last].end });
    }
  }
  return outsideUuids(normalised, windows);
}
