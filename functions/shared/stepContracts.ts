/**
 * What the state machine hands each Lambda step and what each step answers. The ASL builder
 * (components/processing/stateMachineDefinition/index.ts) reads these fields by JSONPath, so a change
 * here is a change to the definition too.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

export type AttributeMap = Record<string, AttributeValue>;

/** A stable machine-readable reason plus a human message naming the field. */
export interface Reason {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

/** Amount lanes the event rules route by. */
export type AmountLane = "low" | "medium" | "high";

/**
 * `detail` of the "Transaction Received" EventBridge event, which is the state machine's input
 * (`$.detail`). `transaction` carries canonical field names but is untrusted until validated.
 */
export interface TransactionReceivedDetail {
  /** Namespaced key of the transactions table: `<provider or source>#<transaction id>`. */
  readonly transactionId: string;
  /** Amount in major units of `currency` as a JSON number: informational, never for money math. */
  readonly amount?: number;
  /** ISO 4217 code of `amount`. */
  readonly currency?: string;
  /** US-dollar equivalent in major units as a JSON number: what the lane rules match on. */
  readonly amountUsd?: number;
  readonly transaction: Record<string, unknown>;
  /**
   * Set on an event published again for a transaction accepted before (the reconciler's re-drive,
   * a dead-letter replay): the lane rules route it, the high-value "received" alert does not fire
   * again (highValueAlertPattern).
   */
  readonly redelivery?: true;
}

/** The input a lane rule hands the state machine: the event's envelope plus its `lane`. */
export interface TransactionReceivedEvent {
  readonly id: string;
  readonly "detail-type": "Transaction Received";
  readonly source: string;
  readonly time: string;
  readonly detail: TransactionReceivedDetail;
  readonly lane: AmountLane;
}

export interface CardSummary {
  readonly bin?: string;
  readonly last4: string;
}

/** A transaction after validation (see DESIGN.md "Canonical transaction"). */
export interface CanonicalTransaction {
  readonly transactionId: string;
  readonly source: "webhook" | "csv";
  readonly provider?: string;
  readonly amountMinor: number;
  readonly amount: string;
  readonly currency: string;
  /** The amount converted to US-dollar cents with the reference rates, for threshold rules. */
  readonly amountUsdMinor: number;
  readonly customerId: string;
  readonly merchantId: string;
  readonly merchantCategoryCode?: string;
  readonly customerCountry?: string;
  readonly merchantCountry?: string;
  readonly customerName?: string;
  readonly merchantName?: string;
  readonly occurredAt: string;
  readonly card?: CardSummary;
  readonly metadata?: Record<string, unknown>;
}

/** ValidateTransaction's answer. Every field is always present so JSONPath can select it. */
export interface ValidationOutcome {
  readonly valid: boolean;
  /**
   * The key the decision is recorded and alerted under: `detail.transactionId`, or, when that
   * key itself holds a card number, `redacted#<sha256 of the key>` so the number is never stored.
   */
  readonly recordKey: string;
  readonly transaction: CanonicalTransaction | null;
  readonly reasons: readonly Reason[];
  /** `{valid, reasons}` marshalled for the direct DynamoDB write of the decision. */
  readonly record: AttributeMap;
  /**
   * The transaction was decided and moved to the audit archive already (a replay or a late
   * redelivery): the state machine ends without deciding, recording or publishing again.
   */
  readonly alreadyArchived: boolean;
}

/** FraudDetection and ComplianceCheck receive `{ transaction }`. */
export interface ScreeningInput {
  readonly transaction: CanonicalTransaction;
}

export type FraudLevel = "LOW" | "MEDIUM" | "HIGH";

export interface FraudSignal {
  readonly code: string;
  readonly points: number;
  readonly message: string;
}

export interface FraudAssessment {
  readonly score: number;
  readonly level: FraudLevel;
  readonly signals: readonly FraudSignal[];
  readonly rulesVersion: string;
  /** The assessment (without `record`) marshalled for the decision record. */
  readonly record: AttributeMap;
}

export type ComplianceDecision = "CLEAR" | "REVIEW" | "BLOCK";

/** A list entry a name matched: enough for an analyst to find the entry in the list itself. */
export interface SanctionsEntryMatch {
  /** The list ("OFAC-SDN") and its own number for the entry. */
  readonly list: string;
  readonly entryNumber: string;
  /** The entry's primary name on the list. */
  readonly listedName: string;
  /** The spelling that matched: the primary name or an alias. */
  readonly matchedName: string;
  readonly alias: boolean;
  /** Similarity 0–1. */
  readonly score: number;
  readonly programs: readonly string[];
}

/** Why a name hit a sanctions list, as the decision records it. */
export interface SanctionsMatchRecord extends SanctionsEntryMatch {
  /** The screened transaction field: customerName or merchantName. */
  readonly field: string;
  /** The thresholds the score was judged by. */
  readonly reviewThreshold: number;
  readonly blockThreshold: number;
}

export interface ComplianceRuleHit {
  readonly ruleId: string;
  readonly outcome: "BLOCK" | "REVIEW" | "REPORT";
  readonly message: string;
}

/** A sanctions list as screened: which edition, how many entries, and the hash of its file. */
export interface ScreenedListVersion {
  readonly list: string;
  readonly publishedAt: string;
  readonly entryCount: number;
  readonly contentHash: string;
}

export interface ComplianceAssessment {
  readonly decision: ComplianceDecision;
  readonly rules: readonly ComplianceRuleHit[];
  readonly reportRequired: boolean;
  /** Version of the country and threshold rules (lists/screening-lists.json). */
  readonly listVersion: string;
  /** The screening index the names were screened against, and each list in it. */
  readonly screeningIndexVersion: string;
  readonly screenedLists: readonly ScreenedListVersion[];
  /** One per SANCTIONED_PARTY rule hit, in the same order: what matched and how closely. */
  readonly sanctionsMatches: readonly SanctionsMatchRecord[];
  /** The assessment (without `record`) marshalled for the decision record. */
  readonly record: AttributeMap;
}

export type TransactionStatus = "RECEIVED" | "APPROVED" | "REVIEW" | "REJECTED";
