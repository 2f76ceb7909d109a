/**
 * The fraud signals. Each looks at the transaction and its history and either fires, with its
 * points and a sentence a reviewer can check by hand, or stays silent. No randomness, no clock:
 * the same transaction and history always give the same signals.
 */
import type { CustomerActivityItem } from "../shared/customerActivity";
import { currencyMinorDigits, formatMinor } from "../shared/money";
import type { CanonicalTransaction, FraudSignal } from "../shared/stepContracts";
import type { FraudRules } from "./fraudRules";

export const FraudSignalCode = {
  velocity: "VELOCITY",
  amountAboveHistory: "AMOUNT_ABOVE_HISTORY",
  countryMismatch: "COUNTRY_MISMATCH",
  highRiskMcc: "HIGH_RISK_MCC",
  roundAmount: "ROUND_AMOUNT",
  firstTransactionLarge: "FIRST_TRANSACTION_LARGE",
} as const;

export interface SignalContext {
  readonly transaction: CanonicalTransaction;
  readonly rules: FraudRules;
  /** Every earlier transaction of the customer in the lookback, whatever its status. */
  readonly attempts: readonly CustomerActivityItem[];
  /** The attempts that count as spending: not REJECTED, with a USD amount. */
  readonly spending: readonly CustomerActivityItem[];
}

export type FraudSignalCheck = (context: SignalContext) => FraudSignal | undefined;

function usd(minor: number | bigint): string {
  return `${formatMinor(minor, "USD")} USD`;
}

export const velocity: FraudSignalCheck = ({ transaction, rules, attempts }) => {
  const rule = rules.signals.velocity;
  if (!rule.enabled) return undefined;
  const windowStart = Date.parse(transaction.occurredAt) - rule.windowMinutes * 60_000;
  const recent = attempts.filter((item) => Date.parse(item.occurredAt) >= windowStart).length;
  if (recent < rule.minPriorTransactions) return undefined;
  return {
    code: FraudSignalCode.velocity,
    points: rule.points,
    message: `${recent} earlier transactions by this customer in the ${rule.windowMinutes} minutes before this one (fires at ${rule.minPriorTransactions})`,
  };
};

export const amountAboveHistory: FraudSignalCheck = ({ transaction, rules, spending }) => {
  const rule = rules.signals.amountAboveHistory;
  if (!rule.enabled || spending.length < rule.minHistoryTransactions) return undefined;
  const count = BigInt(spending.length);
  const total = spending.reduce((sum, item) => sum + BigInt(item.amountUsdMinor ?? 0), 0n);
  // amount > multiplier x (total / count), compared without dividing so nothing is rounded.
  if (BigInt(transaction.amountUsdMinor) * count <= BigInt(rule.multiplier) * total) return undefined;
  const average = (2n * total + count) / (2n * count);
  return {
    code: FraudSignalCode.amountAboveHistory,
    points: rule.points,
    message: `amount of ${usd(transaction.amountUsdMinor)} equivalent is more than ${rule.multiplier}x the customer's ${rules.history.lookbackDays}-day average of ${usd(average)} (${spending.length} transactions)`,
  };
};

export const countryMismatch: FraudSignalCheck = ({ transaction, rules }) => {
  const rule = rules.signals.countryMismatch;
  const { customerCountry, merchantCountry } = transaction;
  if (!rule.enabled || !customerCountry || !merchantCountry || customerCountry === merchantCountry)
    return undefined;
  return {
    code: FraudSignalCode.countryMismatch,
    points: rule.points,
    message: `customer country ${customerCountry} differs from merchant country ${merchantCountry}`,
  };
};

export const highRiskMcc: FraudSignalCheck = ({ transaction, rules }) => {
  const rule = rules.signals.highRiskMcc;
  const mcc = transaction.merchantCategoryCode;
  if (!rule.enabled || !mcc || !Object.hasOwn(rule.codes, mcc)) return undefined;
  return {
    code: FraudSignalCode.highRiskMcc,
    points: rule.points,
    message: `merchant category ${mcc} is high risk: ${rule.codes[mcc]}`,
  };
};

export const roundAmount: FraudSignalCheck = ({ transaction, rules }) => {
  const rule = rules.signals.roundAmount;
  if (!rule.enabled || transaction.amountUsdMinor < rule.minUsdMinor) return undefined;
  const digits = currencyMinorDigits(transaction.currency);
  if (digits === undefined) return undefined;
  const roundUnits = rule.roundMajorUnitsByCurrency[transaction.currency] ?? rule.roundMajorUnits;
  if (BigInt(transaction.amountMinor) % (BigInt(roundUnits) * 10n ** BigInt(digits)) !== 0n) return undefined;
  return {
    code: FraudSignalCode.roundAmount,
    points: rule.points,
    message: `amount ${transaction.amount} ${transaction.currency} is a whole multiple of ${roundUnits} ${transaction.currency} and at least ${usd(rule.minUsdMinor)} equivalent`,
  };
};

export const firstTransactionLarge: FraudSignalCheck = ({ transaction, rules, spending }) => {
  const rule = rules.signals.firstTransactionLarge;
  if (!rule.enabled || spending.length > 0 || transaction.amountUsdMinor < rule.minUsdMinor) return undefined;
  return {
    code: FraudSignalCode.firstTransactionLarge,
    points: rule.points,
    message: `no spending by this customer in the previous ${rules.history.lookbackDays} days and an amount of ${usd(transaction.amountUsdMinor)} equivalent (fires at ${usd(rule.minUsdMinor)})`,
  };
};

/** In the order signals are reported. */
export const fraudSignalChecks: readonly FraudSignalCheck[] = [
  velocity,
  amountAboveHistory,
  countryMismatch,
  highRiskMcc,
  roundAmount,
  firstTransactionLarge,
];
