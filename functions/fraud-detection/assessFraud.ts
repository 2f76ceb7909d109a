/**
 * The fraud assessment: the signals that fire, their summed points capped at 100, and the level
 * the thresholds give that score. Pure: the history is passed in, so it is tested without a table.
 */
import { activityBetween, type CustomerActivityItem } from "../shared/customerActivity";
import type { CanonicalTransaction, FraudAssessment, FraudLevel } from "../shared/stepContracts";
import type { FraudRules } from "./fraudRules";
import { fraudSignalChecks } from "./fraudSignals";

export type FraudAssessmentResult = Omit<FraudAssessment, "record">;

const maxScore = 100;

export function fraudLevel(score: number, levels: FraudRules["levels"]): FraudLevel {
  if (score >= levels.highAtLeast) return "HIGH";
  if (score >= levels.mediumAtLeast) return "MEDIUM";
  return "LOW";
}

/** The history window the handler must read for `transaction`: [occurredAt - lookback, occurredAt]. */
export function historyWindow(
  transaction: CanonicalTransaction,
  rules: FraudRules,
): { from: Date; to: Date } {
  const to = new Date(transaction.occurredAt);
  return { from: new Date(to.getTime() - rules.history.lookbackDays * 86_400_000), to };
}

/**
 * `activity` may hold more than the history (the transaction itself, later arrivals); only items
 * strictly before occurredAt within the lookback, other than this transaction, are used.
 */
export function assessFraud(
  transaction: CanonicalTransaction,
  activity: readonly CustomerActivityItem[],
  rules: FraudRules,
): FraudAssessmentResult {
  const window = historyWindow(transaction, rules);
  const attempts = activityBetween(activity, window.from, transaction).filter(
    (item) => item.transactionId !== transaction.transactionId,
  );
  const spending = attempts.filter((item) => item.status !== "REJECTED" && item.amountUsdMinor !== undefined);
  const signals = fraudSignalChecks.flatMap(
    (check) => check({ transaction, rules, attempts, spending }) ?? [],
  );
  const score = Math.min(
    maxScore,
    signals.reduce((sum, signal) => sum + signal.points, 0),
  );
  return { score, level: fraudLevel(score, rules.levels), signals, rulesVersion: rules.version };
}
