/**
 * Every validation reason code, in one place. These strings are stored with each decision and
 * read by people and dashboards, so they never change meaning once shipped; add, never rename.
 */
export const ValidationReasonCode = {
  /** A required field is absent or null. */
  missingField: "MISSING_FIELD",
  /** A field has the wrong type or format (and no more specific code applies). */
  invalidField: "INVALID_FIELD",
  /** The amount is not a positive decimal with at most the currency's minor-unit digits. */
  invalidAmount: "INVALID_AMOUNT",
  /** The amount's US-dollar equivalent is above the configured maximum. */
  amountAboveMaximum: "AMOUNT_ABOVE_MAXIMUM",
  /** The currency is not an ISO 4217 code. */
  unknownCurrency: "UNKNOWN_CURRENCY",
  /** The currency is valid but has no reference rate, so threshold rules cannot screen it. */
  unsupportedCurrency: "UNSUPPORTED_CURRENCY",
  /** A country is not an ISO 3166-1 alpha-2 code. */
  invalidCountry: "INVALID_COUNTRY",
  /** occurredAt is not an RFC 3339 timestamp with an offset. */
  invalidTimestamp: "INVALID_TIMESTAMP",
  /** occurredAt is later than now plus the tolerated clock skew. */
  timestampInFuture: "TIMESTAMP_IN_FUTURE",
  /** card is not `{bin?: 6-8 digits, last4: 4 digits}`. */
  invalidCard: "INVALID_CARD",
  /** merchantCategoryCode is not four digits. */
  invalidMcc: "INVALID_MCC",
  /** A full card number appears somewhere in the input. */
  panDetected: "PAN_DETECTED",
  /** CVV, PIN or track data appears somewhere in the input. */
  sensitiveDataPresent: "SENSITIVE_DATA_PRESENT",
  /** The transaction store refused the transaction as sent (its content, not its availability). */
  notStorable: "NOT_STORABLE",
} as const;

export type ValidationReasonCode = (typeof ValidationReasonCode)[keyof typeof ValidationReasonCode];

/** The codes money parsing and conversion can fail with (a subset of the validation codes). */
export type MoneyReasonCode =
  | typeof ValidationReasonCode.invalidAmount
  | typeof ValidationReasonCode.unknownCurrency
  | typeof ValidationReasonCode.unsupportedCurrency;
