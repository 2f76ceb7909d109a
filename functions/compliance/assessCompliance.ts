/**
 * The compliance assessment: sanctions (countries, parties) BLOCK, high-risk jurisdictions and
 * structuring need REVIEW, and a transaction over the currency-transaction-report threshold is
 * flagged REPORT (a filing, not a refusal). Pure: the 24-hour history is passed in.
 */
import { activityBetween, type CustomerActivityItem } from "../shared/customerActivity";
import { formatMinor } from "../shared/money";
import type {
  CanonicalTransaction,
  ComplianceAssessment,
  ComplianceDecision,
  ComplianceRuleHit,
  SanctionsMatchRecord,
} from "../shared/stepContracts";
import type { SanctionsScreener } from "./sanctions/sanctionsScreener";
import type { ScreeningLists } from "./screeningLists";

export type ComplianceAssessmentResult = Omit<ComplianceAssessment, "record">;

export const ComplianceRuleId = {
  sanctionedCountry: "SANCTIONED_COUNTRY",
  sanctionedParty: "SANCTIONED_PARTY",
  highRiskJurisdiction: "HIGH_RISK_JURISDICTION",
  ctrThreshold: "CTR_THRESHOLD",
  structuring: "STRUCTURING",
} as const;

type CountryField = "customerCountry" | "merchantCountry";
type NameField = "customerName" | "merchantName";

const countryFields: readonly CountryField[] = ["customerCountry", "merchantCountry"];
const nameFields: readonly NameField[] = ["customerName", "merchantName"];

function usd(minor: number | bigint): string {
  return `${formatMinor(minor, "USD")} USD`;
}

function sanctionedCountries(transaction: CanonicalTransaction, lists: ScreeningLists): ComplianceRuleHit[] {
  const { countries } = lists.sanctionedCountries;
  return countryFields.flatMap((field) => {
    const country = transaction[field];
    if (!country || !Object.hasOwn(countries, country)) return [];
    return [
      {
        ruleId: ComplianceRuleId.sanctionedCountry,
        outcome: "BLOCK" as const,
        message: `${field} ${country} is under comprehensive sanctions: ${countries[country]}`,
      },
    ];
  });
}

interface PartyHit {
  readonly rule: ComplianceRuleHit;
  readonly match: SanctionsMatchRecord;
}

function sanctionedParties(transaction: CanonicalTransaction, screener: SanctionsScreener): PartyHit[] {
  const { review, block } = screener.thresholds;
  return nameFields.flatMap((field): PartyHit[] => {
    const name = transaction[field];
    if (!name) return [];
    const match = screener.screen(name);
    if (match === undefined) return [];
    const spelling = match.alias ? ` (alias "${match.matchedName}")` : "";
    const threshold = match.outcome === "BLOCK" ? `block threshold ${block}` : `review threshold ${review}`;
    return [
      {
        rule: {
          ruleId: ComplianceRuleId.sanctionedParty,
          outcome: match.outcome,
          message:
            `${field} matches ${match.list} entry ${match.entryNumber} "${match.listedName}"${spelling} ` +
            `with score ${match.score} (${threshold}; programs ${match.programs.join(", ") || "none"})`,
        },
        match: {
          field,
          list: match.list,
          entryNumber: match.entryNumber,
          listedName: match.listedName,
          matchedName: match.matchedName,
          alias: match.alias,
          score: match.score,
          reviewThreshold: review,
          blockThreshold: block,
          programs: match.programs,
        },
      },
    ];
  });
}

function highRiskJurisdictions(
  transaction: CanonicalTransaction,
  lists: ScreeningLists,
): ComplianceRuleHit[] {
  const { callForAction, increasedMonitoring, version } = lists.highRiskJurisdictions;
  return countryFields.flatMap((field) => {
    const country = transaction[field];
    if (!country) return [];
    const listName = Object.hasOwn(callForAction, country)
      ? "call-for-action"
      : Object.hasOwn(increasedMonitoring, country)
        ? "increased-monitoring"
        : undefined;
    if (!listName) return [];
    return [
      {
        ruleId: ComplianceRuleId.highRiskJurisdiction,
        outcome: "REVIEW" as const,
        message: `${field} ${country} is on the FATF ${listName} list (${version})`,
      },
    ];
  });
}

function currencyTransactionReport(
  transaction: CanonicalTransaction,
  lists: ScreeningLists,
): ComplianceRuleHit[] {
  const threshold = lists.currencyTransactionReport.thresholdUsdMinor;
  if (transaction.amountUsdMinor <= threshold) return [];
  return [
    {
      ruleId: ComplianceRuleId.ctrThreshold,
      outcome: "REPORT",
      message: `amount of ${usd(transaction.amountUsdMinor)} equivalent is more than the ${usd(threshold)} currency-transaction-report threshold`,
    },
  ];
}

/**
 * Several transactions by one customer within the window, each at or under the reporting
 * threshold, that together exceed it. Transactions over the threshold are reported on their own
 * and left out of the sum; REJECTED ones never moved money and are left out too.
 */
function structuring(
  transaction: CanonicalTransaction,
  activity: readonly CustomerActivityItem[],
  lists: ScreeningLists,
): ComplianceRuleHit[] {
  const threshold = lists.currencyTransactionReport.thresholdUsdMinor;
  const { windowHours, minTransactions } = lists.structuring;
  if (transaction.amountUsdMinor > threshold) return [];
  const before = new Date(transaction.occurredAt);
  const since = new Date(before.getTime() - windowHours * 3_600_000);
  const earlier = activityBetween(activity, since, transaction).filter(
    (item) =>
      item.transactionId !== transaction.transactionId &&
      item.status !== "REJECTED" &&
      item.amountUsdMinor !== undefined &&
      item.amountUsdMinor <= threshold,
  );
  const count = earlier.length + 1;
  const total = earlier.reduce(
    (sum, item) => sum + BigInt(item.amountUsdMinor ?? 0),
    BigInt(transaction.amountUsdMinor),
  );
  if (count < minTransactions || total <= BigInt(threshold)) return [];
  return [
    {
      ruleId: ComplianceRuleId.structuring,
      outcome: "REVIEW",
      message: `${count} transactions by this customer within ${windowHours} hours, each at most ${usd(threshold)}, total ${usd(total)}: over the reporting threshold together`,
    },
  ];
}

function decisionOf(rules: readonly ComplianceRuleHit[]): ComplianceDecision {
  if (rules.some((rule) => rule.outcome === "BLOCK")) return "BLOCK";
  if (rules.some((rule) => rule.outcome === "REVIEW")) return "REVIEW";
  return "CLEAR";
}

/** The earliest instant the structuring rule looks back to, for the handler's history query. */
export function structuringWindowStart(transaction: CanonicalTransaction, lists: ScreeningLists): Date {
  return new Date(Date.parse(transaction.occurredAt) - lists.structuring.windowHours * 3_600_000);
}

/** Whether the history is needed at all: a transaction over the threshold is reported, not structured. */
export function needsStructuringHistory(transaction: CanonicalTransaction, lists: ScreeningLists): boolean {
  return transaction.amountUsdMinor <= lists.currencyTransactionReport.thresholdUsdMinor;
}

export function assessCompliance(
  transaction: CanonicalTransaction,
  activity: readonly CustomerActivityItem[],
  lists: ScreeningLists,
  screener: SanctionsScreener,
): ComplianceAssessmentResult {
  const partyHits = sanctionedParties(transaction, screener);
  const rules = [
    ...sanctionedCountries(transaction, lists),
    ...partyHits.map((hit) => hit.rule),
    ...highRiskJurisdictions(transaction, lists),
    ...currencyTransactionReport(transaction, lists),
    ...structuring(transaction, activity, lists),
  ];
  return {
    decision: decisionOf(rules),
    rules,
    reportRequired: rules.some((rule) => rule.outcome === "REPORT"),
    listVersion: lists.version,
    screeningIndexVersion: screener.version,
    screenedLists: screener.lists.map(({ list, publishedAt, entryCount, contentHash }) => ({
      list,
      publishedAt,
      entryCount,
      contentHash,
    })),
    sanctionsMatches: partyHits.map((hit) => hit.match),
  };
}
