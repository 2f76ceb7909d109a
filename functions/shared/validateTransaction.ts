/**
 * Turns an untrusted candidate transaction into a CanonicalTransaction, or into every reason it
 * cannot be one. Pure (no I/O, the clock is passed in), so the same input and options always give
 * the same answer. All problems are collected, not just the first, so a sender fixes a payload in
 * one round trip.
 */
import type * as z from "./zod";
import { formatMinor, parseDecimalAmount, toMinorUnits, currencyMinorDigits, describeValue } from "./money";
import { findPans, redactPanText, type PanFinding } from "./pan";
import { ValidationReasonCode } from "./reasonCodes";
import { hasReferenceRate, toUsdMinor, unsupportedCurrencyMessage } from "./referenceRates";
import { findReservedPropertyNames } from "./reservedPropertyNames";
import { findSensitiveData } from "./sensitiveData";
import type { CanonicalTransaction, Reason } from "./stepContracts";
import { parseTimestamp, toUtcTimestamp } from "./timestamps";
import { candidateTransactionSchema, type CandidateTransaction } from "./transactionSchema";

export interface ValidationOptions {
  /** The validation instant: default occurredAt and the reference for "in the future". */
  readonly now: Date;
  /** Largest accepted amount in US-dollar cents equivalent (inclusive). */
  readonly maxAmountUsdMinor: bigint | number;
  /** Clock skew tolerated before occurredAt counts as in the future; default 300 s. */
  readonly futureToleranceSeconds?: number;
}

export type TransactionValidation =
  | { readonly valid: true; readonly transaction: CanonicalTransaction }
  | { readonly valid: false; readonly reasons: readonly Reason[] };

export const defaultFutureToleranceSeconds = 300;

const maxSafeInteger = BigInt(Number.MAX_SAFE_INTEGER);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function reason(code: string, field: string, problem: string): Reason {
  return { code, field, message: `${field}: ${problem}` };
}

/** The reason code for a format problem in a top-level field; the rest are INVALID_FIELD. */
const reasonCodeByField: Readonly<Record<string, string>> = {
  amount: ValidationReasonCode.invalidAmount,
  currency: ValidationReasonCode.unknownCurrency,
  occurredAt: ValidationReasonCode.invalidTimestamp,
  merchantCategoryCode: ValidationReasonCode.invalidMcc,
  customerCountry: ValidationReasonCode.invalidCountry,
  merchantCountry: ValidationReasonCode.invalidCountry,
  card: ValidationReasonCode.invalidCard,
};

function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "transaction";
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`))
    .join("");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (!isRecord(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function reasonFromIssue(issue: z.core.$ZodIssue, candidate: unknown): Reason {
  const field = fieldPath(issue.path);
  const value = valueAt(candidate, issue.path);
  // Optional fields accept absence, so a top-level issue on an absent value is a required field missing.
  if ((value === undefined || value === null) && issue.path.length === 1) {
    return reason(ValidationReasonCode.missingField, field, "is required");
  }
  const topLevel = issue.path.length > 0 ? String(issue.path[0]) : "";
  return reason(reasonCodeByField[topLevel] ?? ValidationReasonCode.invalidField, field, issue.message);
}

function panReason(finding: PanFinding): Reason {
  const field = finding.path || "transaction";
  const where = finding.inKey ? "a property name contains" : "contains";
  return reason(
    ValidationReasonCode.panDetected,
    field,
    `${where} a full card number (PAN); send at most card.bin and card.last4`,
  );
}

function sensitiveDataReason(path: string): Reason {
  return reason(
    ValidationReasonCode.sensitiveDataPresent,
    path,
    "sensitive authentication data (card verification code, PIN or track data) must never be sent",
  );
}

export interface MoneyCheck {
  readonly reasons: Reason[];
  readonly amounts?: {
    readonly currency: string;
    readonly amountMinor: number;
    readonly amountUsdMinor: number;
  };
}

/** Amount, currency and maximum, judged from the raw fields so their problems are reported even when other fields fail. */
export function checkMoney(candidate: Record<string, unknown>, maxAmountUsdMinor: bigint): MoneyCheck {
  const reasons: Reason[] = [];
  const { amount, currency: rawCurrency } = candidate;
  // Codes are case-insensitive on input and stored upper case, like country codes.
  const currency = typeof rawCurrency === "string" ? rawCurrency.toUpperCase() : undefined;
  const currencyKnown = currency !== undefined && currencyMinorDigits(currency) !== undefined;
  if (currency !== undefined && !currencyKnown) {
    reasons.push(
      reason(
        ValidationReasonCode.unknownCurrency,
        "currency",
        `${describeValue(rawCurrency)} is not an ISO 4217 currency code`,
      ),
    );
  }
  if (currency !== undefined && currencyKnown && !hasReferenceRate(currency)) {
    reasons.push(
      reason(ValidationReasonCode.unsupportedCurrency, "currency", unsupportedCurrencyMessage(currency)),
    );
  }
  // A wrong type is already reported by the schema; only strings and numbers are judged here.
  if (typeof amount !== "string" && typeof amount !== "number") return { reasons };
  const decimal = parseDecimalAmount(amount);
  if (!decimal.ok) {
    reasons.push(reason(decimal.code, "amount", decimal.message));
    return { reasons };
  }
  if (currency === undefined || !currencyKnown) return { reasons };
  const minor = toMinorUnits(decimal.value, currency);
  if (!minor.ok) {
    reasons.push(reason(minor.code, "amount", minor.message));
    return { reasons };
  }
  const usd = toUsdMinor(minor.value, currency);
  if (!usd.ok) return { reasons };
  if (usd.value > maxAmountUsdMinor) {
    reasons.push(
      reason(
        ValidationReasonCode.amountAboveMaximum,
        "amount",
        `${formatMinor(minor.value, currency)} ${currency} (about ${formatMinor(usd.value, "USD")} USD) is above the maximum of ${formatMinor(maxAmountUsdMinor, "USD")} USD`,
      ),
    );
    return { reasons };
  }
  if (usd.value > maxSafeInteger) {
    reasons.push(
      reason(ValidationReasonCode.invalidAmount, "amount", "is too large to convert to US dollars exactly"),
    );
    return { reasons };
  }
  return { reasons, amounts: { currency, amountMinor: minor.value, amountUsdMinor: Number(usd.value) } };
}

function futureToleranceMs(options: ValidationOptions): number {
  return (options.futureToleranceSeconds ?? defaultFutureToleranceSeconds) * 1000;
}

/** Whether `instant` is later than now plus the tolerated clock skew. */
export function isInFuture(instant: Date, options: ValidationOptions): boolean {
  return instant.getTime() > options.now.getTime() + futureToleranceMs(options);
}

function checkNotInFuture(candidate: Record<string, unknown>, options: ValidationOptions): Reason[] {
  const { occurredAt } = candidate;
  if (typeof occurredAt !== "string") return [];
  const instant = parseTimestamp(occurredAt);
  if (!instant || !isInFuture(instant, options)) return [];
  const toleranceMs = futureToleranceMs(options);
  return [
    reason(
      ValidationReasonCode.timestampInFuture,
      "occurredAt",
      `${toUtcTimestamp(instant)} is later than now (${toUtcTimestamp(options.now)}) plus ${toleranceMs / 1000} s of tolerated clock skew`,
    ),
  ];
}

/** The canonical transaction of a candidate that passed every check (its schema output and money). */
export function canonicalOf(
  fields: CandidateTransaction,
  amounts: NonNullable<MoneyCheck["amounts"]>,
  now: Date,
): CanonicalTransaction {
  // Absent optional fields are left out entirely (not undefined), so records and JSON stay clean.
  return {
    transactionId: fields.transactionId,
    source: fields.source,
    ...(fields.provider ? { provider: fields.provider } : {}),
    amountMinor: amounts.amountMinor,
    amount: formatMinor(amounts.amountMinor, amounts.currency),
    currency: amounts.currency,
    amountUsdMinor: amounts.amountUsdMinor,
    customerId: fields.customerId,
    merchantId: fields.merchantId,
    ...(fields.merchantCategoryCode ? { merchantCategoryCode: fields.merchantCategoryCode } : {}),
    ...(fields.customerCountry ? { customerCountry: fields.customerCountry } : {}),
    ...(fields.merchantCountry ? { merchantCountry: fields.merchantCountry } : {}),
    ...(fields.customerName ? { customerName: fields.customerName } : {}),
    ...(fields.merchantName ? { merchantName: fields.merchantName } : {}),
    occurredAt: fields.occurredAt ?? toUtcTimestamp(now),
    ...(fields.card
      ? { card: { ...(fields.card.bin ? { bin: fields.card.bin } : {}), last4: fields.card.last4 } }
      : {}),
    ...(fields.metadata ? { metadata: fields.metadata } : {}),
  };
}

/** Every message and field passes through PAN masking: values echoed in messages may hold one. */
function withoutPans(reasons: readonly Reason[]): Reason[] {
  return reasons.map((item) => ({
    code: item.code,
    message: redactPanText(item.message),
    ...(item.field === undefined ? {} : { field: redactPanText(item.field) }),
  }));
}

function reservedNameReason(path: string): Reason {
  return reason(
    ValidationReasonCode.invalidField,
    path,
    `"${path.slice(path.lastIndexOf(".") + 1)}" is a property name reserved by JavaScript and cannot be stored; rename it`,
  );
}

export function validateTransaction(candidate: unknown, options: ValidationOptions): TransactionValidation {
  const reasons: Reason[] = [
    ...findPans(candidate).map(panReason),
    ...findSensitiveData(candidate).map(sensitiveDataReason),
    ...(isRecord(candidate) ? findReservedPropertyNames(candidate.metadata, "metadata") : []).map(
      reservedNameReason,
    ),
  ];
  const parsed = candidateTransactionSchema.safeParse(candidate);
  if (!parsed.success) reasons.push(...parsed.error.issues.map((issue) => reasonFromIssue(issue, candidate)));
  if (!isRecord(candidate)) return { valid: false, reasons: withoutPans(reasons) };

  const money = checkMoney(candidate, BigInt(options.maxAmountUsdMinor));
  reasons.push(...money.reasons, ...checkNotInFuture(candidate, options));

  if (!money.amounts && reasons.length === 0) {
    // Unreachable by construction (a missing amount is a schema issue); never answer invalid without a reason.
    reasons.push(reason(ValidationReasonCode.invalidAmount, "amount", "could not be converted"));
  }
  if (reasons.length > 0 || !parsed.success || !money.amounts) {
    return { valid: false, reasons: withoutPans(reasons) };
  }
  return { valid: true, transaction: canonicalOf(parsed.data, money.amounts, options.now) };
}
