/**
 * Card numbers and their renderings, and values that look like them but are not card numbers:
 * the corpus the detector is judged by at every boundary.
 */

/** One Luhn-valid number per brand and length the detector knows, from the networks' test ranges. */
export const cardNumbersByBrand: ReadonlyArray<readonly [brand: string, pan: string]> = [
  ["Visa 13", "4222222222222"],
  ["Visa 16", "4111111111111111"],
  ["Visa 19", "4000000000000000006"],
  ["Mastercard 51-55", "5555555555554444"],
  ["Mastercard 2-series", "2223003122003222"],
  ["Amex 15", "378282246310005"],
  ["Discover 16", "6011111111111117"],
  ["Discover 19", "6011000990139424009"],
  ["JCB 16", "3530111333300000"],
  ["Diners 14", "36227206271667"],
  ["UnionPay 16", "6200000000000005"],
  ["UnionPay 19", "6212345678901232001"],
  ["Maestro 13", "6759000000005"],
];

const arabicIndic = "٠١٢٣٤٥٦٧٨٩";
const persian = "۰۱۲۳۴۵۶۷۸۹";
const fullwidth = "０１２３４５６７８９";

function digitsIn(alphabet: string, pan: string): string {
  return [...pan].map((digit) => alphabet[Number(digit)]).join("");
}

function grouped(pan: string, separator: string): string {
  return pan.match(/.{1,4}/g)?.join(separator) ?? pan;
}

/** Ways a sender writes a card number: every one must be found. */
export const renderings: ReadonlyArray<readonly [name: string, render: (pan: string) => string]> = [
  ["plain", (pan) => pan],
  ["spaces", (pan) => grouped(pan, " ")],
  ["dashes", (pan) => grouped(pan, "-")],
  ["dots", (pan) => grouped(pan, ".")],
  ["underscores", (pan) => grouped(pan, "_")],
  ["slashes", (pan) => grouped(pan, "/")],
  ["double spaces", (pan) => grouped(pan, "  ")],
  ["tabs", (pan) => grouped(pan, "\t")],
  ["newlines", (pan) => grouped(pan, "\n")],
  ["zero-width spaces", (pan) => [...pan].join("\u200b")],
  ["en dashes", (pan) => grouped(pan, "\u2013")],
  ["no-break spaces", (pan) => grouped(pan, "\u00a0")],
  ["thin spaces", (pan) => grouped(pan, "\u2009")],
  ["fullwidth digits", (pan) => digitsIn(fullwidth, pan)],
  ["Arabic-Indic digits", (pan) => digitsIn(arabicIndic, pan)],
  ["Persian digits", (pan) => digitsIn(persian, pan)],
  ["soft hyphens", (pan) => grouped(pan, "\u00ad")],
  ["inside a sentence", (pan) => `please charge card ${grouped(pan, " ")} thanks`],
  ["followed by an expiry", (pan) => `${grouped(pan, " ")} 12/29`],
];

/** Values that are not card numbers: none may be refused or masked. */
export const notCardNumbers: ReadonlyArray<readonly [kind: string, value: string]> = [
  ["order reference", "ORD-2025-000123-4567"],
  ["order reference", "PO 4500012345 / 000010"],
  ["order reference", "INV-20251114-0000012345"],
  ["ISO timestamp", "2025-11-14T09:30:00Z"],
  ["ISO timestamp", "2025-11-14T09:30:00.123456+02:00"],
  ["ISO timestamp", "2025-11-14 09:30:00.000"],
  ["epoch milliseconds", "1765081191000"],
  ["epoch milliseconds with suffix", "p1765081191000_123"],
  ["epoch milliseconds", "1700000000000"],
  ["epoch milliseconds pair", "1765081191000-1765081191999"],
  ["phone number", "+44 20 7946 0958"],
  ["phone number", "+1 (415) 555-0100"],
  ["phone number", "+49 30 901820 1234"],
  ["phone number", "+86 138 0013 8000"],
  ["IBAN", "DE89 3704 0044 0532 0130 00"],
  ["IBAN", "GB82 WEST 1234 5698 7654 32"],
  ["IBAN", "FR14 2004 1010 0505 0001 3M02 606"],
  ["Luhn-failing 16 digits", "4111111111111112"],
  ["Luhn-failing 16 digits", "5555 5555 5555 4445"],
  ["Luhn-failing 15 digits", "378282246310006"],
  ["12 digits passing Luhn", "411111111117"],
  ["25-digit reference", "4111111111111111000000000"],
  ["BIN and last four", "411111 1111"],
  ["UUID", "123e4567-e89b-12d3-a456-426614174000"],
  ["amount", "1234567890123.45"],
];

/**
 * Luhn-valid 13-19 digit numbers outside every known issuer range: ids and references generated
 * to be numeric, with a check digit, are still not cards.
 */
export const luhnValidNonCards: ReadonlyArray<string> = [
  "1000000000009", // 13 digits starting with 1
  "1765081191006", // epoch milliseconds that happen to pass Luhn
  "9000000000000001", // 16 digits starting with 9
  "7000000000000005", // 16 digits starting with 7
  "8000000000000003", // 16 digits starting with 80
];
