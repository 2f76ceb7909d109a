import { expect } from "chai";
import { getAlpha2Codes, isValid } from "i18n-iso-countries";
import { normaliseCountryCode } from "../../functions/shared/countries";
import { countryCodes } from "../../functions/shared/countryCodes";
import { parseTimestamp, toUtcTimestamp } from "../../functions/shared/timestamps";

describe("country codes (ISO 3166-1 alpha-2)", () => {
  it("accepts alpha-2 codes in any case and stores them upper case", () => {
    expect(["US", "gb", "De", "XK"].map(normaliseCountryCode)).to.deep.equal(["US", "GB", "DE", "XK"]);
  });

  it("rejects alpha-3, numeric, unassigned and padded codes", () => {
    expect(["USA", "840", "ZZ", "EU", " US", "U", ""].map(normaliseCountryCode)).to.deep.equal(
      Array(7).fill(undefined),
    );
  });

  it("holds exactly the alpha-2 codes of i18n-iso-countries (regenerate with tools/generateCountryCodes.ts)", () => {
    expect([...countryCodes].sort()).to.deep.equal(Object.keys(getAlpha2Codes()).sort());
  });

  it("accepts every two-letter string exactly when i18n-iso-countries does", () => {
    const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (const first of letters) {
      for (const second of letters) {
        const code = `${first}${second}`;
        expect(normaliseCountryCode(code.toLowerCase()), code).to.equal(isValid(code) ? code : undefined);
      }
    }
  });
});

describe("timestamps (RFC 3339 with offset)", () => {
  it("normalises an offset timestamp to UTC with milliseconds", () => {
    const instant = parseTimestamp("2025-11-14T13:30:00.5+01:30");
    expect(instant && toUtcTimestamp(instant)).to.equal("2025-11-14T12:00:00.500Z");
  });

  it("accepts nanosecond fractions and a leap day", () => {
    expect(parseTimestamp("2024-02-29T00:00:00.123456789Z")?.toISOString()).to.equal(
      "2024-02-29T00:00:00.123Z",
    );
  });

  for (const text of [
    "2025-11-14T12:00:00",
    "2025-11-14",
    "2025-02-30T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2025-13-01T00:00:00Z",
    "2025-11-14T24:00:00Z",
    "2025-11-14T12:00:60Z",
    "2025-11-14 12:00:00Z",
    "2025-11-14T12:00:00+0100",
    "1731585600",
    "yesterday",
  ]) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(parseTimestamp(text)).to.equal(undefined);
    });
  }
});
