/**
 * ISO 3166-1 alpha-2 country codes. Input is case-insensitive ("us" and "US" are the same code,
 * as providers differ) and stored upper case; alpha-3 ("USA") and numeric ("840") forms are
 * rejected, so one country has one spelling in the records and the screening lists. The codes are
 * a generated table (countryCodes.ts), not a country-name library.
 */
import { countryCodes } from "./countryCodes";

/** The upper-case alpha-2 code, or undefined when `value` is not one. */
export function normaliseCountryCode(value: string): string | undefined {
  if (!/^[A-Za-z]{2}$/.test(value)) return undefined;
  const code = value.toUpperCase();
  return countryCodes.has(code) ? code : undefined;
}
