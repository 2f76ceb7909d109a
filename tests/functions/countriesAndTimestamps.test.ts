import { expect } from "chai";
import fc from "fast-check";
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

  it("names the instant Date's own parser names for any well-formed timestamp, years 0000-9999, every offset", () => {
    const two = (value: number): string => String(value).padStart(2, "0");
    const timestamp = fc
      .record({
        year: fc.integer({ min: 0, max: 9999 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 31 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
        fraction: fc.option(fc.stringMatching(/^\d{1,9}$/), { nil: undefined }),
        offset: fc.option(
          fc.tuple(
            fc.constantFrom("+", "-"),
            fc.integer({ min: 0, max: 23 }),
            fc.integer({ min: 0, max: 59 }),
          ),
          { nil: undefined },
        ),
      })
      .map(
        ({ year, month, day, hour, minute, second, fraction, offset }) =>
          `${String(year).padStart(4, "0")}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}` +
          `${fraction === undefined ? "" : `.${fraction}`}` +
          `${offset === undefined ? "Z" : `${offset[0]}${two(offset[1])}:${two(offset[2])}`}`,
      );
    fc.assert(
      fc.property(timestamp, (text) => {
        const day = Number(text.slice(8, 10));
        const lastDay = new Date(
          Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)), 0),
        ).getUTCDate();
        expect(parseTimestamp(text)?.getTime(), text).to.equal(
          day <= lastDay ? new Date(text).getTime() : undefined,
        );
      }),
      { numRuns: 2000 },
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
