/**
 * Renders what the tables hold as the `GET /transactions/{id}` answer (DESIGN.md "HTTP answers"):
 * snake_case, amount as the stored decimal string, the card as BIN + last 4 at most, and the
 * decision with every reason (validation reasons, fraud signals, compliance rule hits) in one list.
 * Pure.
 *
 * The items are read defensively: a field of the wrong type is left out rather than failing the
 * whole answer, and absent fields are omitted, never null. Validation keeps card numbers out of
 * the tables, but this is the one place data leaves towards a client, so every string is checked
 * again and any card number in it is masked.
 */
import { containsPan, findPans, redactPanText, redactPans } from "../shared/pan";
import type { TransactionStatus } from "../shared/stepContracts";

export interface WireReason {
  readonly code: string;
  readonly message: string;
  /** The field at fault, as the stored validation reason names it. */
  readonly field?: string;
}

export interface WireFraudSignal {
  readonly code: string;
  readonly points: number;
  readonly message: string;
}

export interface WireFraud {
  readonly score: number;
  readonly level: string;
  readonly signals: readonly WireFraudSignal[];
  readonly rules_version?: string;
}

export interface WireComplianceRule {
  readonly rule_id: string;
  readonly outcome: string;
  readonly message: string;
}

/** Why a name hit a sanctions list: the entry, the spelling that matched and the score. */
export interface WireSanctionsMatch {
  readonly field: string;
  readonly list: string;
  readonly entry_number: string;
  readonly listed_name: string;
  readonly matched_name: string;
  readonly alias: boolean;
  readonly score: number;
  readonly review_threshold?: number;
  readonly block_threshold?: number;
  readonly programs: readonly string[];
}

export interface WireScreenedList {
  readonly list: string;
  readonly published_at: string;
  readonly entry_count: number;
  readonly content_hash: string;
}

export interface WireCompliance {
  readonly decision: string;
  readonly rules: readonly WireComplianceRule[];
  readonly report_required?: boolean;
  readonly list_version?: string;
  readonly screening_index_version?: string;
  readonly screened_lists?: readonly WireScreenedList[];
  readonly sanctions_matches?: readonly WireSanctionsMatch[];
}

export interface WireDecision {
  readonly status?: string;
  readonly stage?: string;
  readonly lane?: string;
  readonly decided_at?: string;
  /** Validation reasons, then fraud signals, then compliance rule hits. */
  readonly reasons: readonly WireReason[];
  readonly fraud?: WireFraud;
  readonly compliance?: WireCompliance;
}

export interface WireCard {
  readonly bin?: string;
  readonly last4: string;
}

export interface TransactionView {
  readonly transaction_id: string;
  readonly status: TransactionStatus;
  readonly source?: string;
  readonly provider?: string;
  readonly amount?: string;
  readonly currency?: string;
  readonly customer_id?: string;
  readonly merchant_id?: string;
  readonly merchant_category_code?: string;
  readonly customer_country?: string;
  readonly merchant_country?: string;
  readonly customer_name?: string;
  readonly merchant_name?: string;
  readonly occurred_at?: string;
  readonly received_at?: string;
  readonly card?: WireCard;
  readonly metadata?: Record<string, unknown>;
  readonly decision?: WireDecision;
}

/** The answer for a delivery the intake accepted but the pipeline has not stored yet. */
export interface ReceivedView {
  readonly transaction_id: string;
  readonly status: "RECEIVED";
  readonly received_at?: string;
  readonly provider?: string;
  readonly source?: string;
}

/** What an ACCEPTED intake record says about a delivery (see shared/intakeRecord.ts). */
export interface AcceptedIntake {
  readonly receivedAt?: string;
  readonly provider?: string;
  readonly source?: string;
}

type Item = Readonly<Record<string, unknown>>;

const statuses: readonly TransactionStatus[] = ["RECEIVED", "APPROVED", "REVIEW", "REJECTED"];

function isRecord(value: unknown): value is Item {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Any card number in `value` masked; the text untouched (not even normalised) when there is none. */
function masked(value: string): string {
  return containsPan(value) ? redactPanText(value) : value;
}

/** A string, which leaves only with any card number in it masked. */
function text(value: unknown): string | undefined {
  return typeof value === "string" ? masked(value) : undefined;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function records(value: unknown): Item[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** `{key: value}` when value is defined, `{}` otherwise: absent fields are omitted, not null. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function transactionStatus(value: unknown): TransactionStatus | undefined {
  return statuses.find((status) => status === value);
}

/** BIN (6-8 digits) and last 4 (4 digits) only; anything else about the card is dropped. */
function card(value: unknown): WireCard | undefined {
  if (!isRecord(value) || typeof value.last4 !== "string" || !/^\d{4}$/.test(value.last4)) return undefined;
  const bin = typeof value.bin === "string" && /^\d{6,8}$/.test(value.bin) ? value.bin : undefined;
  return { ...optional("bin", bin), last4: value.last4 };
}

function metadata(value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value)) return undefined;
  return findPans(value).length > 0 ? (redactPans(value) as Record<string, unknown>) : { ...value };
}

function validationReasons(validation: unknown): WireReason[] {
  if (!isRecord(validation)) return [];
  return records(validation.reasons).flatMap((reason) => {
    const code = text(reason.code);
    const message = text(reason.message);
    if (code === undefined || message === undefined) return [];
    return [{ code, message, ...optional("field", text(reason.field)) }];
  });
}

function fraudSignals(fraud: Item): WireFraudSignal[] {
  return records(fraud.signals).flatMap((signal) => {
    const code = text(signal.code);
    const points = finiteNumber(signal.points);
    const message = text(signal.message);
    return code === undefined || points === undefined || message === undefined
      ? []
      : [{ code, points, message }];
  });
}

function fraudAssessment(value: unknown): WireFraud | undefined {
  if (!isRecord(value)) return undefined;
  const score = finiteNumber(value.score);
  const level = text(value.level);
  if (score === undefined || level === undefined) return undefined;
  return {
    score,
    level,
    signals: fraudSignals(value),
    ...optional("rules_version", text(value.rulesVersion)),
  };
}

function complianceRules(compliance: Item): WireComplianceRule[] {
  return records(compliance.rules).flatMap((rule) => {
    const ruleId = text(rule.ruleId);
    const outcome = text(rule.outcome);
    const message = text(rule.message);
    return ruleId === undefined || outcome === undefined || message === undefined
      ? []
      : [{ rule_id: ruleId, outcome, message }];
  });
}

function sanctionsMatches(compliance: Item): WireSanctionsMatch[] {
  return records(compliance.sanctionsMatches).flatMap((match) => {
    const field = text(match.field);
    const list = text(match.list);
    const entryNumber = text(match.entryNumber);
    const listedName = text(match.listedName);
    const matchedName = text(match.matchedName);
    const score = finiteNumber(match.score);
    if (
      field === undefined ||
      list === undefined ||
      entryNumber === undefined ||
      listedName === undefined ||
      matchedName === undefined ||
      score === undefined
    ) {
      return [];
    }
    return [
      {
        field,
        list,
        entry_number: entryNumber,
        listed_name: listedName,
        matched_name: matchedName,
        alias: match.alias === true,
        score,
        ...optional("review_threshold", finiteNumber(match.reviewThreshold)),
        ...optional("block_threshold", finiteNumber(match.blockThreshold)),
        programs: Array.isArray(match.programs)
          ? match.programs.flatMap((program) => text(program) ?? [])
          : [],
      },
    ];
  });
}

function screenedLists(compliance: Item): WireScreenedList[] {
  return records(compliance.screenedLists).flatMap((list) => {
    const name = text(list.list);
    const publishedAt = text(list.publishedAt);
    const entryCount = finiteNumber(list.entryCount);
    const contentHash = text(list.contentHash);
    return name === undefined ||
      publishedAt === undefined ||
      entryCount === undefined ||
      contentHash === undefined
      ? []
      : [{ list: name, published_at: publishedAt, entry_count: entryCount, content_hash: contentHash }];
  });
}

function complianceAssessment(value: unknown): WireCompliance | undefined {
  if (!isRecord(value)) return undefined;
  const decision = text(value.decision);
  if (decision === undefined) return undefined;
  return {
    decision,
    rules: complianceRules(value),
    ...optional(
      "report_required",
      typeof value.reportRequired === "boolean" ? value.reportRequired : undefined,
    ),
    ...optional("list_version", text(value.listVersion)),
    ...optional("screening_index_version", text(value.screeningIndexVersion)),
    ...optional("screened_lists", Array.isArray(value.screenedLists) ? screenedLists(value) : undefined),
    ...optional(
      "sanctions_matches",
      Array.isArray(value.sanctionsMatches) ? sanctionsMatches(value) : undefined,
    ),
  };
}

/** The stored decision map (written by RecordDecision / RecordRejection) on the wire. */
export function renderDecision(value: unknown): WireDecision | undefined {
  if (!isRecord(value)) return undefined;
  const fraud = fraudAssessment(value.fraud);
  const compliance = complianceAssessment(value.compliance);
  const reasons: WireReason[] = [
    ...validationReasons(value.validation),
    ...(fraud?.signals ?? []).map(({ code, message }) => ({ code, message })),
    ...(compliance?.rules ?? []).map(({ rule_id, message }) => ({ code: rule_id, message })),
  ];
  return {
    ...optional("status", text(value.status)),
    ...optional("stage", text(value.stage)),
    ...optional("lane", text(value.lane)),
    ...optional("decided_at", text(value.decidedAt)),
    reasons,
    ...optional("fraud", fraud),
    ...optional("compliance", compliance),
  };
}

/**
 * A transactions-table item on the wire. `intake` fills source, provider and received_at when the
 * item lacks them: a transaction rejected at validation is recorded with its decision only.
 */
export function renderTransaction(
  transactionId: string,
  item: Item,
  intake?: AcceptedIntake,
): TransactionView {
  const decision = renderDecision(item.decision);
  const status =
    transactionStatus(item.status) ??
    transactionStatus(isRecord(item.decision) ? item.decision.status : undefined) ??
    "RECEIVED";
  return {
    transaction_id: masked(transactionId),
    status,
    ...optional("source", text(item.source) ?? text(intake?.source)),
    ...optional("provider", text(item.provider) ?? text(intake?.provider)),
    ...optional("amount", text(item.amount)),
    ...optional("currency", text(item.currency)),
    ...optional("customer_id", text(item.customerId)),
    ...optional("merchant_id", text(item.merchantId)),
    ...optional("merchant_category_code", text(item.merchantCategoryCode)),
    ...optional("customer_country", text(item.customerCountry)),
    ...optional("merchant_country", text(item.merchantCountry)),
    ...optional("customer_name", text(item.customerName)),
    ...optional("merchant_name", text(item.merchantName)),
    ...optional("occurred_at", text(item.occurredAt)),
    ...optional("received_at", text(item.receivedAt) ?? text(intake?.receivedAt)),
    ...optional("card", card(item.card)),
    ...optional("metadata", metadata(item.metadata)),
    ...optional("decision", decision),
  };
}

/** True when the item lacks what only the intake record can tell (rejected before it was stored). */
export function needsIntakeDetails(item: Item): boolean {
  return typeof item.receivedAt !== "string" || typeof item.source !== "string";
}

/** The intake record's details when its state is ACCEPTED; a PENDING claim is not a transaction yet. */
export function acceptedIntake(record: unknown): AcceptedIntake | undefined {
  if (!isRecord(record) || record.state !== "ACCEPTED") return undefined;
  return {
    ...optional("receivedAt", text(record.receivedAt)),
    ...optional("provider", text(record.provider)),
    ...optional("source", text(record.source)),
  };
}

/** The answer for a delivery accepted by the intake and not yet stored by the pipeline. */
export function renderReceived(transactionId: string, intake: AcceptedIntake): ReceivedView {
  return {
    transaction_id: masked(transactionId),
    status: "RECEIVED",
    ...optional("received_at", intake.receivedAt),
    ...optional("provider", intake.provider),
    ...optional("source", intake.source),
  };
}
