import { expect } from "chai";
import { data as isoCurrencies } from "currency-codes";
import { currencyDigits } from "../../functions/shared/currencyDigits";
import { currencyMinorDigits, formatMinor, parseAmount } from "../../functions/shared/money";

describe("money: parsing amounts into integer minor units", () => {
  const accepted: ReadonlyArray<[unknown, string, number]> = [
    ["0.1", "USD", 10],
    ["100", "USD", 10_000],
    ["10.50", "USD", 1_050],
    ["0.01", "USD", 1],
    ["100", "JPY", 100],
    ["1.234", "KWD", 1_234],
    ["1.2", "KWD", 1_200],
    ["007.5", "USD", 750],
    [10.5, "USD", 1_050],
    [42, "USD", 4_200],
    [0.1, "USD", 10],
    ["90071992547409.91", "USD", Number.MAX_SAFE_INTEGER],
  ];
  for (const [amount, currency, minor] of accepted) {
    it(`accepts ${JSON.stringify(amount)} ${currency} as ${minor} minor units`, () => {
      // Act
      const result = parseAmount(amount, currency);
      // Assess
      expect(result).to.deep.equal({ ok: true, value: minor });
    });
  }

  const rejected: ReadonlyArray<[unknown, string, string, string]> = [
    ["1e3", "USD", "INVALID_AMOUNT", "exponent notation"],
    ["12.345", "USD", "INVALID_AMOUNT", "more decimals than USD allows (2)"],
    ["10.500", "USD", "INVALID_AMOUNT", "more decimals than USD allows (2)"],
    ["100.5", "JPY", "INVALID_AMOUNT", "more decimals than JPY allows (0)"],
    ["1.2345", "KWD", "INVALID_AMOUNT", "more decimals than KWD allows (3)"],
    ["0", "USD", "INVALID_AMOUNT", "greater than zero"],
    ["0.00", "USD", "INVALID_AMOUNT", "greater than zero"],
    ["-5", "USD", "INVALID_AMOUNT", "plain positive decimal"],
    ["+5", "USD", "INVALID_AMOUNT", "plain positive decimal"],
    ["", "USD", "INVALID_AMOUNT", "plain positive decimal"],
    [" 1", "USD", "INVALID_AMOUNT", "plain positive decimal"],
    ["1 ", "USD", "INVALID_AMOUNT", "plain positive decimal"],
    ["1,000", "USD", "INVALID_AMOUNT", "plain positive decimal"],
    ["abc", "USD", "INVALID_AMOUNT", "plain positive decimal"],
    ["1.", "USD", "INVALID_AMOUNT", "plain positive decimal"],
    [".5", "USD", "INVALID_AMOUNT", "plain positive decimal"],
    ["NaN", "USD", "INVALID_AMOUNT", "plain positive decimal"],
    ["90071992547409.92", "USD", "INVALID_AMOUNT", "too large"],
    ["99999999999999999999", "JPY", "INVALID_AMOUNT", "too large"],
    ["1".repeat(500), "USD", "INVALID_AMOUNT", "too large"],
    [0, "USD", "INVALID_AMOUNT", "greater than zero"],
    [-5, "USD", "INVALID_AMOUNT", "plain positive decimal"],
    [1e-7, "USD", "INVALID_AMOUNT", "not a decimal amount"],
    [1e21, "USD", "INVALID_AMOUNT", "not a decimal amount"],
    [Number.POSITIVE_INFINITY, "USD", "INVALID_AMOUNT", "not a decimal amount"],
    [Number.NaN, "USD", "INVALID_AMOUNT", "not a decimal amount"],
    [null, "USD", "INVALID_AMOUNT", "not a decimal amount"],
    [{ value: "1" }, "USD", "INVALID_AMOUNT", "not a decimal amount"],
    ["10", "XYZ", "UNKNOWN_CURRENCY", "not an ISO 4217 currency code"],
    ["10", "usd", "UNKNOWN_CURRENCY", "not an ISO 4217 currency code"],
  ];
  for (const [amount, currency, code, problem] of rejected) {
    it(`rejects ${typeof amount === "string" && amount.length > 20 ? "a 500-digit string" : String(JSON.stringify(amount) ?? amount)} ${currency} with ${code}`, () => {
      // Act
      const result = parseAmount(amount, currency);
      // Assess
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.code).to.equal(code);
      if (problem === "exponent notation") expect(result.message).to.contain("no sign, exponent");
      else expect(result.message).to.contain(problem);
    });
  }

  it("holds exactly the codes and digits of currency-codes (regenerate with tools/generateCurrencyDigits.ts)", () => {
    expect([...currencyDigits].sort(([a], [b]) => (a < b ? -1 : 1))).to.deep.equal(
      isoCurrencies.map((currency) => [currency.code, currency.digits]).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  });

  it("takes minor-unit digits from ISO 4217 (currency-codes), not a hand list", () => {
    expect([
      currencyMinorDigits("USD"),
      currencyMinorDigits("JPY"),
      currencyMinorDigits("KWD"),
      currencyMinorDigits("CLF"),
    ]).to.deep.equal([2, 0, 3, 4]);
  });
});

describe("money: formatting minor units", () => {
  const cases: ReadonlyArray<[number | bigint, string, string]> = [
    [1_050, "USD", "10.50"],
    [5, "USD", "0.05"],
    [0, "USD", "0.00"],
    [100, "JPY", "100"],
    [1_234, "KWD", "1.234"],
    [7, "KWD", "0.007"],
    [Number.MAX_SAFE_INTEGER, "USD", "90071992547409.91"],
    [12_345_678_901_234_567_890n, "USD", "123456789012345678.90"],
  ];
  for (const [minor, currency, text] of cases) {
    it(`formats ${minor} ${currency} as "${text}"`, () => {
      expect(formatMinor(minor, currency)).to.equal(text);
    });
  }

  it("round-trips: parse(format(minor)) gives the same minor units", () => {
    for (const [minor, currency] of [
      [1, "USD"],
      [1_050, "USD"],
      [100, "JPY"],
      [1_234, "KWD"],
      [Number.MAX_SAFE_INTEGER, "EUR"],
    ] as const) {
      expect(parseAmount(formatMinor(minor, currency), currency)).to.deep.equal({ ok: true, value: minor });
    }
  });

  it("refuses an unknown currency or a non-integer, since it formats trusted values only", () => {
    expect(() => formatMinor(100, "XYZ"))
      .to.throw()
      .with.property("name", "UnknownCurrencyError");
    expect(() => formatMinor(10.5, "USD")).to.throw(RangeError);
  });
});
