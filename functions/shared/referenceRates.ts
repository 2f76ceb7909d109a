/**
 * US-dollar equivalents for threshold rules (maximum amount, CTR, structuring, fraud amounts).
 * Rates are versioned data in data/reference-fx-rates.json, kept as decimal strings and applied
 * with BigInt, so a conversion is exact up to one documented rounding step.
 */
import * as z from "./zod";
import rawRates from "./data/reference-fx-rates.json";
import { InvalidReferenceDataError } from "./errors";
import { currencyMinorDigits, type MoneyResult } from "./money";
import { ValidationReasonCode } from "./reasonCodes";

const positiveDecimal = z.string().check(
  z.regex(/^\d+(\.\d+)?$/, { error: "must be a plain decimal string" }),
  z.refine((text) => /[1-9]/.test(text), { error: "must be greater than zero" }),
);

const referenceRatesSchema = z.object({
  version: z.string().check(z.minLength(1)),
  asOf: z.iso.date(),
  source: z.string().check(z.minLength(1)),
  usdPerUnit: z.record(
    z
      .string()
      .check(z.refine((code) => currencyMinorDigits(code) !== undefined, { error: "unknown currency" })),
    positiveDecimal,
  ),
});

interface ExactRate {
  /** The rate's digits without the decimal point. */
  readonly numerator: bigint;
  /** 10^(digits after the decimal point). */
  readonly denominator: bigint;
}

function loadReferenceRates() {
  const parsed = referenceRatesSchema.safeParse(rawRates);
  if (!parsed.success) {
    throw new InvalidReferenceDataError("reference-fx-rates.json", z.prettifyError(parsed.error));
  }
  const rates = new Map<string, ExactRate>();
  for (const [currency, text] of Object.entries(parsed.data.usdPerUnit)) {
    const [whole, fraction = ""] = text.split(".");
    rates.set(currency, { numerator: BigInt(whole + fraction), denominator: 10n ** BigInt(fraction.length) });
  }
  return { version: parsed.data.version, asOf: parsed.data.asOf, rates };
}

const referenceRates = loadReferenceRates();

/** Version of the rate table, to stamp on anything computed from it. */
export const referenceRatesVersion: string = referenceRates.version;

/** True when the pipeline can convert (and therefore screen) amounts in `currency`. */
export function hasReferenceRate(currency: string): boolean {
  return referenceRates.rates.has(currency);
}

/** Why `currency` cannot be screened; the same words wherever the problem is reported. */
export function unsupportedCurrencyMessage(currency: string): string {
  return `${currency} has no reference rate (reference rates ${referenceRates.version}), so its amount cannot be screened`;
}

/**
 * Converts minor units of `currency` into US-dollar cents:
 * cents = amountMinor x usdPerUnit x 100 / 10^minorDigits, rounded half up (amounts are positive,
 * so half up and half away from zero agree). Everything is BigInt, so the product may exceed 2^53.
 * A currency without a reference rate answers UNSUPPORTED_CURRENCY: what the pipeline cannot
 * convert it cannot screen against US-dollar thresholds.
 */
export function toUsdMinor(amountMinor: number | bigint, currency: string): MoneyResult<bigint> {
  const digits = currencyMinorDigits(currency);
  if (digits === undefined) {
    return {
      ok: false,
      code: ValidationReasonCode.unknownCurrency,
      message: `${currency} is not an ISO 4217 currency code`,
    };
  }
  const rate = referenceRates.rates.get(currency);
  if (!rate)
    return {
      ok: false,
      code: ValidationReasonCode.unsupportedCurrency,
      message: unsupportedCurrencyMessage(currency),
    };
  const numerator = BigInt(amountMinor) * rate.numerator * 100n;
  const denominator = 10n ** BigInt(digits) * rate.denominator;
  return { ok: true, value: (2n * numerator + denominator) / (2n * denominator) };
}
