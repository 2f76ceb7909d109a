/**
 * Properties of the money parser (functions/shared/money.ts) over every ISO 4217 currency the
 * `currency-codes` package lists: decimal text and minor units convert into each other exactly
 * for every exponent (0, 2, 3 and 4 digits), and anything malformed is answered with a reason
 * code, never an exception.
 */
import { expect } from "chai";
import fc from "fast-check";
import { data as isoCurrencies } from "currency-codes";
import {
  currencyMinorDigits,
  formatMinor,
  parseAmount,
  parseDecimalAmount,
  toMinorUnits,
} from "../../functions/shared/money";
import { ValidationReasonCode } from "../../functions/shared/reasonCodes";
import { validateTransaction } from "../../functions/shared/validateTransaction";

const moneyReasonCodes: readonly string[] = [
  ValidationReasonCode.invalidAmount,
  ValidationReasonCode.unknownCurrency,
  ValidationReasonCode.unsupportedCurrency,
];

const currencies = isoCurrencies.map((currency) => ({ code: currency.code, digits: currency.digits }));
const exponents = [...new Set(currencies.map((currency) => currency.digits))].sort();
const currency = fc.constantFrom(...currencies);
const maxMinor = BigInt(Number.MAX_SAFE_INTEGER);

/** Decimal text of `minor` with `digits` fraction digits, built from the digits alone. */
function decimalOf(minor: bigint, digits: number): string {
  const text = minor.toString().padStart(digits + 1, "0");
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

function expectReason(result: ReturnType<typeof parseAmount>): void {
  if (result.ok) throw new Error(`expected a rejection, got ${result.value}`);
  expect(moneyReasonCodes).to.include(result.code);
  expect(result.message).to.be.a("string").and.not.equal("");
}

describe("money parser properties", () => {
  it("covers every ISO 4217 exponent: 0, 2, 3 and 4 digits", () => {
    expect(exponents).to.deep.equal([0, 2, 3, 4]);
    for (const { code, digits } of currencies) expect(currencyMinorDigits(code), code).to.equal(digits);
  });

  it("round-trips minor units through decimal text exactly, for every currency", () => {
    fc.assert(
      fc.property(currency, fc.bigInt({ min: 1n, max: maxMinor }), ({ code, digits }, minor) => {
        const text = formatMinor(minor, code);
        expect(text).to.equal(decimalOf(minor, digits));
        const parsed = parseAmount(text, code);
        expect(parsed).to.deep.equal({ ok: true, value: Number(minor) });
      }),
      { numRuns: 400 },
    );
  });

  it("reads any well-formed decimal text to the minor units its digits say, and formats it back canonically", () => {
    fc.assert(
      fc.property(
        currency,
        fc.stringMatching(/^\d{1,16}$/),
        fc.nat({ max: 4 }),
        fc.stringMatching(/^\d{0,4}$/),
        ({ code, digits }, whole, fractionLength, fractionSource) => {
          const fraction = fractionSource.slice(0, Math.min(fractionLength, digits));
          const text = fraction === "" ? whole : `${whole}.${fraction}`;
          const minor = BigInt(whole + fraction.padEnd(digits, "0"));
          const parsed = parseAmount(text, code);
          if (minor === 0n || minor > maxMinor) {
            expectReason(parsed);
            return;
          }
          expect(parsed).to.deep.equal({ ok: true, value: Number(minor) });
          // Leading zeros go, the fraction is padded to the currency's digits: one canonical text.
          expect(formatMinor(minor, code)).to.equal(decimalOf(minor, digits));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("rejects more fraction digits than the currency has, even trailing zeros", () => {
    fc.assert(
      fc.property(
        currency,
        fc.stringMatching(/^[1-9]\d{0,8}$/),
        fc.stringMatching(/^\d{1,3}$/),
        ({ code, digits }, whole, extra) => {
          const text = `${whole}.${"0".repeat(digits)}${extra}`;
          const parsed = parseAmount(text, code);
          expectReason(parsed);
          if (!parsed.ok) expect(parsed.code).to.equal(ValidationReasonCode.invalidAmount);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("answers any string or JSON value with a result, and any malformed one with a reason code, never a throw", () => {
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary" }),
      fc.double(),
      fc.integer(),
      fc.bigInt(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
      // Any parsed JSON, objects with keys such as "toString" included.
      fc.jsonValue({ maxDepth: 2 }),
      fc.constant(JSON.parse('{"toString":{}}') as unknown),
    );
    const code = fc.oneof(
      fc.string({ maxLength: 4 }),
      currency.map((item) => item.code),
    );
    fc.assert(
      fc.property(value, code, (amount, currencyCode) => {
        const decimal = parseDecimalAmount(amount);
        const parsed = parseAmount(amount, currencyCode);
        if (!decimal.ok) expectReason(parsed);
        if (!parsed.ok) expectReason(parsed);
      }),
      { numRuns: 500 },
    );
  });

  it("judges any JSON value sent as the amount of a transaction, with a reason naming the amount", () => {
    const base = {
      transactionId: "tx-property-1",
      source: "webhook",
      currency: "USD",
      customerId: "customer-1",
      merchantId: "merchant-1",
      occurredAt: "2025-11-14T12:00:00Z",
    };
    const options = { now: new Date("2025-11-15T00:00:00Z"), maxAmountUsdMinor: 100_000_000n };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 2 }), (amount) => {
        const result = validateTransaction({ ...base, amount }, options);
        if (typeof amount !== "string" && typeof amount !== "number") {
          expect(result.valid).to.equal(false);
          if (!result.valid) {
            expect(result.reasons.map((reason) => [reason.code, reason.field])).to.deep.include([
              amount === null ? ValidationReasonCode.missingField : ValidationReasonCode.invalidAmount,
              "amount",
            ]);
          }
        }
        if (!result.valid) {
          for (const reason of result.reasons) expect(reason.field, reason.message).to.be.a("string");
        }
      }),
      { numRuns: 300 },
    );
  });

  it("rejects text that is not a plain positive decimal: signs, exponents, separators, spaces", () => {
    const malformed = fc.oneof(
      fc.stringMatching(/^[-+]\d{1,6}(\.\d{1,2})?$/),
      fc.stringMatching(/^\d{1,3}[eE][-+]?\d{1,2}$/),
      fc.stringMatching(/^\d{1,3}[,_ ]\d{3}(\.\d{2})?$/),
      fc.stringMatching(/^\s+\d{1,4}$|^\d{1,4}\s+$/),
      fc.stringMatching(/^\d*\.$|^\.\d+$|^\d+\.\d+\.\d+$/),
      fc.constantFrom("", "0", "0.00", "00", "NaN", "Infinity", "0x10", "١٢٣", "１２"),
    );
    fc.assert(
      fc.property(malformed, currency, (text, { code }) => {
        const parsed = parseAmount(text, code);
        expectReason(parsed);
        if (!parsed.ok) expect(parsed.code).to.equal(ValidationReasonCode.invalidAmount);
      }),
      { numRuns: 300 },
    );
  });

  it("answers UNKNOWN_CURRENCY for any code ISO 4217 does not list, whatever the amount", () => {
    const listed = new Set(currencies.map((item) => item.code));
    const unlisted = fc
      .oneof(fc.stringMatching(/^[A-Z]{3}$/), fc.string({ maxLength: 5 }))
      .filter((code) => !listed.has(code));
    fc.assert(
      fc.property(unlisted, fc.stringMatching(/^[1-9]\d{0,6}(\.\d{1,2})?$/), (code, text) => {
        const decimal = parseDecimalAmount(text);
        if (!decimal.ok) throw new Error(`generator made a bad amount ${text}`);
        const parsed = toMinorUnits(decimal.value, code);
        expectReason(parsed);
        if (!parsed.ok) expect(parsed.code).to.equal(ValidationReasonCode.unknownCurrency);
      }),
      { numRuns: 200 },
    );
  });

  it("reads a JSON number exactly as its shortest decimal text, or rejects it", () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger()), currency, (value, { code }) => {
        const fromNumber = parseAmount(value, code);
        const fromText = parseAmount(String(value), code);
        if (fromNumber.ok) expect(fromText).to.deep.equal(fromNumber);
        else expectReason(fromNumber);
      }),
      { numRuns: 300 },
    );
  });
});
