/**
 * Money as integer minor units of an ISO 4217 currency. Amounts arrive as decimal text (or a JSON
 * number) and are never touched by floating-point arithmetic: the digits are split as text and
 * combined with BigInt, so "0.1" USD is exactly 10 cents.
 */
import { currencyDigits } from "./currencyDigits";
import { UnknownCurrencyError } from "./errors";
import { ValidationReasonCode, type MoneyReasonCode } from "./reasonCodes";

export type MoneyResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: MoneyReasonCode; readonly message: string };

/** A positive decimal split into its digit strings, before the currency gives it a scale. */
export interface DecimalAmount {
  readonly integerDigits: string;
  readonly fractionDigits: string;
}

/** Digits only, an optional fraction; no sign, exponent, separators or whitespace. */
const plainDecimal = /^(\d+)(?:\.(\d+))?$/;

/**
 * Longest integer part worth parsing: minor units must fit in Number.MAX_SAFE_INTEGER (16 digits),
 * so anything longer is rejected before BigInt sees a megabyte of digits.
 */
const maxIntegerDigits = 20;

const maxSafeMinor = BigInt(Number.MAX_SAFE_INTEGER);

function fail<T>(code: MoneyReasonCode, message: string): MoneyResult<T> {
  return { ok: false, code, message };
}

/** A short, quoted rendering of an untrusted value for error messages. */
export function describeValue(value: unknown): string {
  // Objects and arrays are named by their type: String() of a parsed object may throw
  // (`{"toString": {}}`) and would say nothing useful anyway.
  const text =
    typeof value === "string"
      ? JSON.stringify(value)
      : value !== null && typeof value === "object"
        ? Array.isArray(value)
          ? "an array"
          : "an object"
        : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * The ISO 4217 minor-unit digits (the "exponent") of an upper-case currency code, from the table
 * generated from the `currency-codes` package; undefined when ISO 4217 does not list the code.
 */
export function currencyMinorDigits(currency: string): number | undefined {
  // The table's keys are the canonical upper-case codes, so "usd" is not a code here.
  return currencyDigits.get(currency);
}

/**
 * The decimal text of an amount. A JS number is accepted only when its shortest text form is plain
 * decimal (safe integers, or values like 10.5): by then the sender's original text is gone, so a
 * number that prints as `1e-7` is rejected rather than guessed at. Senders who need exactness send
 * a string (the webhook intake passes the raw JSON text).
 */
function amountText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) {
    const text = String(value);
    return /e/i.test(text) ? undefined : text;
  }
  return undefined;
}

/** Checks the syntax of an amount (positive plain decimal) without knowing its currency yet. */
export function parseDecimalAmount(value: unknown): MoneyResult<DecimalAmount> {
  const text = amountText(value);
  if (text === undefined) {
    return fail(
      ValidationReasonCode.invalidAmount,
      `${describeValue(value)} is not a decimal amount (send a string like "10.50")`,
    );
  }
  const match = plainDecimal.exec(text);
  if (!match) {
    return fail(
      ValidationReasonCode.invalidAmount,
      `${describeValue(value)} is not a plain positive decimal (digits and at most one ".", no sign, exponent, separators or spaces)`,
    );
  }
  const integerDigits = match[1].replace(/^0+(?=\d)/, "");
  const fractionDigits = match[2] ?? "";
  if (/^0+$/.test(integerDigits + fractionDigits)) {
    return fail(ValidationReasonCode.invalidAmount, `${describeValue(value)} must be greater than zero`);
  }
  if (integerDigits.length > maxIntegerDigits) {
    return fail(ValidationReasonCode.invalidAmount, `${describeValue(value)} is too large`);
  }
  return { ok: true, value: { integerDigits, fractionDigits } };
}

/**
 * Scales a decimal to the currency's minor units. More fraction digits than the currency has is
 * rejected, even trailing zeros ("10.500" USD): the sender claims a precision the currency lacks.
 */
export function toMinorUnits(decimal: DecimalAmount, currency: string): MoneyResult<number> {
  const digits = currencyMinorDigits(currency);
  const written = `${decimal.integerDigits}${decimal.fractionDigits ? `.${decimal.fractionDigits}` : ""}`;
  if (digits === undefined) {
    return fail(
      ValidationReasonCode.unknownCurrency,
      `${describeValue(currency)} is not an ISO 4217 currency code`,
    );
  }
  if (decimal.fractionDigits.length > digits) {
    return fail(
      ValidationReasonCode.invalidAmount,
      `${written} has more decimals than ${currency} allows (${digits})`,
    );
  }
  const minor = BigInt(decimal.integerDigits + decimal.fractionDigits.padEnd(digits, "0"));
  if (minor > maxSafeMinor) {
    return fail(
      ValidationReasonCode.invalidAmount,
      `${written} ${currency} is too large (more than ${Number.MAX_SAFE_INTEGER} minor units)`,
    );
  }
  return { ok: true, value: Number(minor) };
}

/** Parses an untrusted amount (decimal string or JSON number) into minor units of `currency`. */
export function parseAmount(value: unknown, currency: string): MoneyResult<number> {
  const decimal = parseDecimalAmount(value);
  return decimal.ok ? toMinorUnits(decimal.value, currency) : decimal;
}

/**
 * Formats minor units as a decimal string with exactly the currency's digits:
 * formatMinor(1050, "USD") is "10.50", formatMinor(100, "JPY") is "100", formatMinor(1234, "KWD")
 * is "1.234". For trusted values only: it throws on an unknown currency or a non-integer.
 */
export function formatMinor(minor: number | bigint, currency: string): string {
  const digits = currencyMinorDigits(currency);
  if (digits === undefined) throw new UnknownCurrencyError(currency);
  if (typeof minor === "number" && !Number.isSafeInteger(minor)) {
    throw new RangeError(`Minor units must be a safe integer, got ${minor}`);
  }
  const value = BigInt(minor);
  const sign = value < 0n ? "-" : "";
  const text = (value < 0n ? -value : value).toString().padStart(digits + 1, "0");
  if (digits === 0) return `${sign}${text}`;
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
