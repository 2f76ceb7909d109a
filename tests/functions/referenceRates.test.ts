import { expect } from "chai";
import { hasReferenceRate, referenceRatesVersion, toUsdMinor } from "../../functions/shared/referenceRates";
import rates from "../../functions/shared/data/reference-fx-rates.json";

describe("reference rates: US-dollar equivalents for threshold rules", () => {
  it("is versioned data covering the major currencies", () => {
    // Assess
    expect(referenceRatesVersion).to.equal(rates.version);
    for (const currency of [
      "USD",
      "EUR",
      "GBP",
      "JPY",
      "CHF",
      "CAD",
      "AUD",
      "KWD",
      "SEK",
      "NOK",
      "DKK",
      "SGD",
      "HKD",
      "NZD",
      "MXN",
      "BRL",
      "INR",
      "CNY",
      "ZAR",
      "AED",
    ]) {
      expect(hasReferenceRate(currency), currency).to.equal(true);
    }
  });

  it("leaves US-dollar cents unchanged", () => {
    expect(toUsdMinor(123_456, "USD")).to.deep.equal({ ok: true, value: 123_456n });
  });

  it("converts with the rate and the currency's exponent (EUR 2, JPY 0, KWD 3)", () => {
    // EUR 1.160: 100.00 EUR = 116.00 USD
    expect(toUsdMinor(10_000, "EUR")).to.deep.equal({ ok: true, value: 11_600n });
    // JPY 0.006470: 10,000 JPY = 64.70 USD
    expect(toUsdMinor(10_000, "JPY")).to.deep.equal({ ok: true, value: 6_470n });
    // KWD 3.260: 1.000 KWD = 3.26 USD
    expect(toUsdMinor(1_000, "KWD")).to.deep.equal({ ok: true, value: 326n });
  });

  it("rounds to the nearest cent", () => {
    // 50 JPY x 0.006470 = 32.35 cents -> 32; 100 JPY = 64.7 cents -> 65
    expect(toUsdMinor(50, "JPY")).to.deep.equal({ ok: true, value: 32n });
    expect(toUsdMinor(100, "JPY")).to.deep.equal({ ok: true, value: 65n });
    // 500 fils x 0.272294 = 136.147 cents -> 136
    expect(toUsdMinor(500, "AED")).to.deep.equal({ ok: true, value: 136n });
  });

  it("rounds an exact half cent up, not to even", () => {
    // 500 JPY = 323.5 cents -> 324 (half even would also give 324)
    expect(toUsdMinor(500, "JPY")).to.deep.equal({ ok: true, value: 324n });
    // 1,500 JPY = 970.5 cents -> 971 (half even would give 970)
    expect(toUsdMinor(1_500, "JPY")).to.deep.equal({ ok: true, value: 971n });
  });

  it("stays exact beyond 2^53 (BigInt all the way)", () => {
    // 9,007,199,254,740,991 pence x 1.315 = 11,844,467,019,984,403.165 cents; a double would lose the last digits
    expect(toUsdMinor(Number.MAX_SAFE_INTEGER, "GBP")).to.deep.equal({
      ok: true,
      value: 11_844_467_019_984_403n,
    });
  });

  it("answers UNSUPPORTED_CURRENCY for a valid currency without a reference rate", () => {
    const result = toUsdMinor(100, "THB");
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.code).to.equal("UNSUPPORTED_CURRENCY");
  });

  it("answers UNKNOWN_CURRENCY for a code ISO 4217 does not define", () => {
    const result = toUsdMinor(100, "XYZ");
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.code).to.equal("UNKNOWN_CURRENCY");
  });
});
