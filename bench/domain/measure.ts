/**
 * The domain suite's work, run in a child process of its own: each stage's pure handler compute
 * over the generated workload, one stage at a time (each Lambda function runs only its own stage,
 * so its code is hot on its own), then the three pipeline stages back to back per transaction.
 *
 * A stage is what its handler does apart from I/O and logging: JSON in (the runtime parses the
 * event in the billed duration), the domain function, the answer shaped and marshalled as the
 * state machine reads it, JSON out. Alongside the timings it records the workload's profile (the
 * decisions, alert and history shares, and the sizes of what the pipeline writes), computed
 * outside the timed loops, for the capacity model.
 */
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { marshall } from "@aws-sdk/util-dynamodb";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { assessCompliance, needsStructuringHistory } from "../../functions/compliance/assessCompliance";
import { loadScreeningLists } from "../../functions/compliance/screeningLists";
import { bundledScreeningIndex } from "../../functions/compliance/sanctions/bundledList";
import {
  defaultScreeningThresholds,
  SanctionsScreener,
} from "../../functions/compliance/sanctions/sanctionsScreener";
import { assessFraud } from "../../functions/fraud-detection/assessFraud";
import { loadFraudRules } from "../../functions/fraud-detection/fraudRules";
import type { CustomerActivityItem } from "../../functions/shared/customerActivity";
import { toAttributeMap } from "../../functions/shared/marshalRecord";
import { parseScreeningInput } from "../../functions/shared/screeningInput";
import type {
  AmountLane,
  CanonicalTransaction,
  ComplianceAssessment,
  FraudAssessment,
  ValidationOutcome,
} from "../../functions/shared/stepContracts";
import { transactionReceivedDetail } from "../../functions/shared/transactionReceivedEvent";
import { defaultMaxAmountUsdMinor } from "../../functions/shared/sharedSettings";
import { validateReceivedDetail } from "../../functions/validation/validateReceivedDetail";
import { invalidOutcome, validOutcome } from "../../functions/validation/validationOutcome";
import {
  verifyWebhookSignature,
  type HeaderLookup,
} from "../../functions/webhook-intake/signatureVerification";
import type { SigningProvider } from "../../functions/webhook-intake/signingProviders";
import { parseWebhookBody, payloadHash } from "../../functions/webhook-intake/webhookBody";
import { validateWebhookBody } from "../../functions/webhook-intake/webhookValidation";
import { itemBytes, readUnits, writeUnits, type AttributeMap } from "../capacity/itemSize";
import { summarize, type Summary } from "../lib/stats";
import { domainBenchNow, generateDomainWorkload, type DomainCase } from "./generate";
import { defaultAmountLaneThresholds } from "../../pipeline";

export const domainStages = ["intake", "validation", "fraud", "compliance", "pipeline"] as const;
export type DomainStage = (typeof domainStages)[number];

export interface StageResult {
  readonly stage: DomainStage;
  /** Calls measured (intake: webhook deliveries only; fraud and compliance: valid transactions). */
  readonly calls: number;
  readonly transactionsPerSecond: number;
  /** Per call, in microseconds. */
  readonly micros: Summary;
}

/** What the pipeline would do with the workload, for the capacity model (shares are 0-1). */
export interface WorkloadProfile {
  readonly transactions: number;
  /** Webhook deliveries the intake answers 400 (they never reach the state machine). */
  readonly intakeRejectedShare: number;
  /** Of the transactions reaching validation, those it rejects (CSV rows are judged there only). */
  readonly validationRejectedShare: number;
  readonly decisions: Readonly<Record<"APPROVED" | "REVIEW" | "REJECTED", number>>;
  /** Decided transactions whose execution publishes an alert (REVIEW, REJECTED, or approved above the alert threshold). */
  readonly alertShare: number;
  /** Transactions in the high lane (an alert to SNS straight from the bus, before screening). */
  readonly highLaneShare: number;
  /** Valid transactions whose compliance check queries the customer's 24 hours (not over the CTR threshold). */
  readonly complianceQueryShare: number;
  readonly fraudHistoryItemsMean: number;
  /** Mean request units and bytes of what one transaction reads and writes (see bench/capacity/model.ts). */
  readonly dynamoDb: {
    readonly intakeRecordBytes: number;
    readonly intakeClaimWru: number;
    readonly intakeAcceptWru: number;
    readonly transactionItemBytes: number;
    readonly transactionPutWru: number;
    readonly customerIndexWru: number;
    readonly decidedItemBytes: number;
    readonly recordDecisionWru: number;
    readonly decidedDayIndexWru: number;
    readonly fraudQueryRru: number;
    readonly complianceQueryRru: number;
    readonly archivedCheckRru: number;
  };
  readonly receivedEventBytes: number;
  readonly processedEventBytes: number;
}

export interface DomainMeasurement {
  readonly seed: number;
  readonly count: number;
  readonly warmup: number;
  readonly stages: readonly StageResult[];
  readonly profile: WorkloadProfile;
  /** A digest of every stage's answers: equal across runs with the same seed and count. */
  readonly outcomeDigest: string;
}

/** The alert threshold both stack files set (highValueAlertUsd), in US-dollar cents. */
export const benchHighValueAlertUsdMinor = 1_000_000;

const validationOptions = { now: domainBenchNow, maxAmountUsdMinor: defaultMaxAmountUsdMinor };

function signingSecrets(seed: number): { standard: string; stripe: string } {
  const bytes = createHash("sha256").update(`domain-bench-${seed}`).digest();
  return { standard: `whsec_${bytes.toString("base64")}`, stripe: `whsec_bench_${bytes.toString("hex")}` };
}

interface SignedDelivery {
  readonly rawBody: string;
  readonly header: HeaderLookup;
}

/** Signs every webhook body as its provider would, now (the Standard Webhooks library checks the real clock). */
function signDeliveries(
  cases: readonly DomainCase[],
  seed: number,
  signedAt: Date,
): (SignedDelivery | undefined)[] {
  const secrets = signingSecrets(seed);
  const standard = new Webhook(secrets.standard);
  const seconds = Math.floor(signedAt.getTime() / 1000);
  return cases.map((item, index) => {
    if (item.wireBody === undefined) return undefined;
    const headers = new Map<string, string>();
    if (item.provider === "stripe") {
      headers.set(
        "stripe-signature",
        Stripe.webhooks.generateTestHeaderString({
          payload: item.wireBody,
          secret: secrets.stripe,
          timestamp: seconds,
        }),
      );
    } else {
      const id = `msg_${seed}_${index}`;
      headers.set("webhook-id", id);
      headers.set("webhook-timestamp", String(seconds));
      headers.set("webhook-signature", standard.sign(id, signedAt, item.wireBody));
    }
    return { rawBody: item.wireBody, header: (name) => headers.get(name.toLowerCase()) };
  });
}

function providersOf(seed: number): SigningProvider[] {
  const secrets = signingSecrets(seed);
  return [
    { name: "acme", scheme: "standard-webhooks", secrets: [secrets.standard] },
    { name: "stripe", scheme: "stripe", secrets: [secrets.stripe] },
  ];
}

const fraudRules = loadFraudRules(undefined);
const screeningLists = loadScreeningLists();
const sanctionsScreener = new SanctionsScreener(bundledScreeningIndex(), defaultScreeningThresholds);

/** What each handler computes, from the JSON it receives to the JSON it answers. */
const stageWork = {
  intake(delivery: SignedDelivery, providers: readonly SigningProvider[], now: Date): string {
    const verification = verifyWebhookSignature(delivery.rawBody, delivery.header, providers, now);
    if (!verification.verified) throw new Error(`bench delivery not verified: ${verification.reason}`);
    const parsed = parseWebhookBody(delivery.rawBody);
    if (!parsed.ok) return parsed.message;
    const result = validateWebhookBody(
      parsed.textView,
      parsed.valueView,
      verification.provider,
      validationOptions,
    );
    const hash = payloadHash(parsed.textView);
    if (!result.valid) return JSON.stringify({ error: result.reasons[0], hash });
    const key = `${verification.provider}#${result.transaction.transactionId}`;
    return JSON.stringify(transactionReceivedDetail(key, result.transaction)) + hash;
  },
  validation(input: string): string {
    const detail = JSON.parse(input) as { transactionId?: unknown };
    const result = validateReceivedDetail(detail, validationOptions);
    const outcome = result.valid
      ? validOutcome(result.transaction)
      : invalidOutcome(detail.transactionId, result.reasons);
    return JSON.stringify(outcome);
  },
  fraud(input: string, history: readonly CustomerActivityItem[]): string {
    const { transaction } = parseScreeningInput(JSON.parse(input), "FraudDetection");
    const assessment = assessFraud(transaction, history, fraudRules);
    return JSON.stringify({ ...assessment, record: toAttributeMap(assessment) });
  },
  compliance(input: string, history: readonly CustomerActivityItem[]): string {
    const { transaction } = parseScreeningInput(JSON.parse(input), "ComplianceCheck");
    // The handler reads the 24 hours only when the structuring rule can use them.
    const activity = needsStructuringHistory(transaction, screeningLists) ? history : [];
    const assessment = assessCompliance(transaction, activity, screeningLists, sanctionsScreener);
    return JSON.stringify({ ...assessment, record: toAttributeMap(assessment) });
  },
};

/** Runs `work` for every index, timing each call; the first `warmup` calls are run once untimed first. */
function timeCalls(
  count: number,
  warmup: number,
  work: (index: number) => string,
): { micros: Float64Array; seconds: number; digest: string } {
  for (let index = 0; index < Math.min(warmup, count); index += 1) work(index);
  const micros = new Float64Array(count);
  const hash = createHash("sha256");
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const before = process.hrtime.bigint();
    const answer = work(index);
    micros[index] = Number(process.hrtime.bigint() - before) / 1000;
    // Keeps every answer observable, so nothing is optimised away; hashing is outside the timer.
    hash.update(answer);
  }
  const seconds = (performance.now() - started) / 1000;
  return { micros, seconds, digest: hash.digest("hex") };
}

function stageResult(stage: DomainStage, timing: { micros: Float64Array; seconds: number }): StageResult {
  return {
    stage,
    calls: timing.micros.length,
    transactionsPerSecond: Math.round(timing.micros.length / timing.seconds),
    micros: summarize(timing.micros),
  };
}

function laneOf(amountUsdMinor: number): AmountLane {
  if (amountUsdMinor > defaultAmountLaneThresholds.highAboveUsd * 100) return "high";
  if (amountUsdMinor < defaultAmountLaneThresholds.lowBelowUsd * 100) return "low";
  return "medium";
}

/** The item-projection of the customer-activity index (keys, table key, INCLUDE attributes). */
function activityIndexEntry(customerId: string, item: CustomerActivityItem): AttributeMap {
  return marshall({ customerId, ...item }, { removeUndefinedValues: true });
}

const mean = (values: readonly number[]): number =>
  values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;

/** An execution ARN as Step Functions writes it into the decision (its length is what matters). */
const executionIdSample =
  "arn:aws:states:us-east-1:123456789012:express:transactions-state-machine-1a2b3c4:0b5e8f2a-2c7d-4e51-9a3b-8f6d1c2e4a7b:4f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a098";

interface Decided {
  readonly status: "APPROVED" | "REVIEW" | "REJECTED";
  readonly alert: boolean;
}

/** The state machine's Decide and NeedsAlert/IsHighValue choices, for the profile. */
function decide(
  transaction: CanonicalTransaction,
  fraud: FraudAssessment,
  compliance: ComplianceAssessment,
): Decided {
  const status =
    compliance.decision === "BLOCK" || fraud.level === "HIGH"
      ? "REJECTED"
      : compliance.decision === "REVIEW" || fraud.level === "MEDIUM"
        ? "REVIEW"
        : "APPROVED";
  return { status, alert: status !== "APPROVED" || transaction.amountUsdMinor > benchHighValueAlertUsdMinor };
}

/** The workload's profile: what the pipeline would decide, read and write for it (untimed). */
function profileOf(
  cases: readonly DomainCase[],
  intakeAnswers: readonly (string | undefined)[],
  validations: readonly ValidationOutcome[],
  fraud: readonly (FraudAssessment | undefined)[],
  compliance: readonly (ComplianceAssessment | undefined)[],
): WorkloadProfile {
  const webhookCount = intakeAnswers.filter((answer) => answer !== undefined).length;
  const intakeRejected = intakeAnswers.filter(
    (answer) => answer !== undefined && answer.startsWith('{"error"'),
  ).length;
  const decisions = { APPROVED: 0, REVIEW: 0, REJECTED: 0 };
  let alerts = 0;
  let highLane = 0;
  let complianceQueries = 0;
  const intakeBytes: number[] = [];
  const intakeAcceptWru: number[] = [];
  const intakeClaimWru: number[] = [];
  const itemSizes: number[] = [];
  const putWru: number[] = [];
  const indexWru: number[] = [];
  const decidedSizes: number[] = [];
  const decisionWru: number[] = [];
  const fraudRru: number[] = [];
  const complianceRru: number[] = [];
  const historyItems: number[] = [];
  const receivedBytes: number[] = [];
  const processedBytes: number[] = [];
  const receivedAt = domainBenchNow.toISOString();
  cases.forEach((item, index) => {
    const validation = validations[index];
    const key = validation.recordKey;
    const decidedAt = receivedAt;
    const archiveSortKey = `${decidedAt}#${key}`;
    const received = JSON.stringify({
      transactionId: item.detail.transactionId,
      transaction: item.detail.transaction,
    });
    receivedBytes.push(Buffer.byteLength(received));
    if (item.wireBody !== undefined) {
      const record = marshall({
        transactionId: key,
        state: "ACCEPTED",
        source: "webhook",
        provider: item.provider,
        deliveryId: `msg_2Y1kRhxrD7bPz0c9L3mQ${index}`,
        payloadHash: "0".repeat(64),
        receivedAt,
        leaseUntil: domainBenchNow.getTime() + 35_000,
        attemptId: "0b5e8f2a-2c7d-4e51-9a3b-8f6d1c2e4a7b",
        expiresAt: Math.ceil(domainBenchNow.getTime() / 1000) + 120 * 3600,
      });
      const claimBytes = itemBytes(record);
      const acceptedBytes = itemBytes({
        ...record,
        response: marshall({
          response: { statusCode: 202, body: JSON.stringify({ transaction_id: key, status: "RECEIVED" }) },
        }).response,
      });
      intakeBytes.push(acceptedBytes);
      intakeClaimWru.push(writeUnits(claimBytes));
      intakeAcceptWru.push(writeUnits(Math.max(claimBytes, acceptedBytes)));
    }
    const transaction = validation.transaction;
    const fraudResult = fraud[index];
    const complianceResult = compliance[index];
    // Rejected candidates are answered 400 by the intakes and never reach the state machine.
    if (!transaction || !fraudResult || !complianceResult) return;
    const lane = laneOf(transaction.amountUsdMinor);
    const stored = marshall(
      { ...transaction, status: "RECEIVED", receivedAt },
      { removeUndefinedValues: true },
    );
    const storedBytes = itemBytes(stored);
    itemSizes.push(storedBytes);
    putWru.push(writeUnits(storedBytes));
    const entry = activityIndexEntry(transaction.customerId, {
      transactionId: key,
      occurredAt: transaction.occurredAt,
      amountMinor: transaction.amountMinor,
      currency: transaction.currency,
      amountUsdMinor: transaction.amountUsdMinor,
      status: "RECEIVED",
    });
    indexWru.push(writeUnits(itemBytes(entry)));
    const { status, alert } = decide(transaction, fraudResult, complianceResult);
    decisions[status] += 1;
    if (alert) alerts += 1;
    if (lane === "high") highLane += 1;
    const { record: _fraudRecord, ...fraudRest } = fraudResult;
    const { record: _complianceRecord, ...complianceRest } = complianceResult;
    const decision = {
      status,
      stage: "SCREENING",
      validation: { valid: true, reasons: [] },
      fraud: fraudRest,
      compliance: complianceRest,
      lane,
      decidedAt,
      executionId: executionIdSample,
    };
    const decided = itemBytes({
      ...stored,
      ...marshall(
        { status, decision, decidedDay: decidedAt.slice(0, 10), archiveSortKey },
        { removeUndefinedValues: true },
      ),
    });
    decidedSizes.push(decided);
    decisionWru.push(writeUnits(Math.max(storedBytes, decided)));
    const history = item.fraudHistory.map((activity) =>
      itemBytes(activityIndexEntry(transaction.customerId, activity)),
    );
    historyItems.push(item.fraudHistory.length);
    fraudRru.push(
      readUnits(
        history.reduce((sum, bytes) => sum + bytes, 0),
        "eventual",
      ),
    );
    if (needsStructuringHistory(transaction, screeningLists)) {
      complianceQueries += 1;
      const window = item.complianceHistory.map((activity) =>
        itemBytes(activityIndexEntry(transaction.customerId, activity)),
      );
      complianceRru.push(
        readUnits(
          window.reduce((sum, bytes) => sum + bytes, 0),
          "eventual",
        ),
      );
    }
    processedBytes.push(
      Buffer.byteLength(
        JSON.stringify({
          status,
          stage: "SCREENING",
          transactionId: key,
          fraudScore: fraudResult.score,
          fraudLevel: fraudResult.level,
          fraudSignals: fraudResult.signals,
          complianceDecision: complianceResult.decision,
          complianceRules: complianceResult.rules,
          lane,
        }),
      ),
    );
  });
  const valid = validations.filter((validation) => validation.valid).length;
  const share = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);
  return {
    transactions: cases.length,
    intakeRejectedShare: share(intakeRejected, webhookCount),
    validationRejectedShare: share(cases.length - valid, cases.length),
    decisions,
    alertShare: share(alerts, valid),
    highLaneShare: share(highLane, valid),
    complianceQueryShare: share(complianceQueries, valid),
    fraudHistoryItemsMean: mean(historyItems),
    dynamoDb: {
      intakeRecordBytes: mean(intakeBytes),
      intakeClaimWru: mean(intakeClaimWru),
      intakeAcceptWru: mean(intakeAcceptWru),
      transactionItemBytes: mean(itemSizes),
      transactionPutWru: mean(putWru),
      customerIndexWru: mean(indexWru),
      decidedItemBytes: mean(decidedSizes),
      recordDecisionWru: mean(decisionWru),
      // Every decision enters the byDecidedDay index (keys only): one unit.
      decidedDayIndexWru: 1,
      fraudQueryRru: mean(fraudRru),
      complianceQueryRru: mean(complianceRru),
      // A strongly consistent GetItem of the archived-transactions table (usually of nothing).
      archivedCheckRru: readUnits(0, "strong"),
    },
    receivedEventBytes: mean(receivedBytes),
    processedEventBytes: mean(processedBytes),
  };
}

export interface DomainRunOptions {
  readonly seed: number;
  readonly count: number;
  readonly warmup: number;
}

export function runDomainMeasurement(options: DomainRunOptions): DomainMeasurement {
  const { seed, count, warmup } = options;
  const cases = generateDomainWorkload({ seed, count });
  const providers = providersOf(seed);
  const signedAt = new Date();
  const deliveries = signDeliveries(cases, seed, signedAt);
  const webhookIndexes = deliveries.flatMap((delivery, index) => (delivery === undefined ? [] : [index]));
  const detailJson = cases.map((item) => JSON.stringify(item.detail));

  // Answers of each stage, kept (untimed) to feed the next stage and the profile.
  const intake = timeCalls(webhookIndexes.length, warmup, (n) => {
    const delivery = deliveries[webhookIndexes[n]];
    if (!delivery) throw new Error("no delivery");
    return stageWork.intake(delivery, providers, signedAt);
  });
  const intakeAnswers: (string | undefined)[] = cases.map(() => undefined);
  for (const index of webhookIndexes) {
    const delivery = deliveries[index];
    if (delivery) intakeAnswers[index] = stageWork.intake(delivery, providers, signedAt);
  }

  const validation = timeCalls(cases.length, warmup, (index) => stageWork.validation(detailJson[index]));
  const validations = detailJson.map((json) => JSON.parse(stageWork.validation(json)) as ValidationOutcome);
  const validIndexes = validations.flatMap((outcome, index) => (outcome.transaction ? [index] : []));
  const screeningJson = validations.map((outcome) => JSON.stringify({ transaction: outcome.transaction }));

  const fraud = timeCalls(validIndexes.length, warmup, (n) => {
    const index = validIndexes[n];
    return stageWork.fraud(screeningJson[index], cases[index].fraudHistory);
  });
  const compliance = timeCalls(validIndexes.length, warmup, (n) => {
    const index = validIndexes[n];
    return stageWork.compliance(screeningJson[index], cases[index].complianceHistory);
  });
  // The three handlers back to back; the state machine carries the answers between them.
  const pipeline = timeCalls(cases.length, warmup, (index) => {
    const outcome = stageWork.validation(detailJson[index]);
    if (!validations[index].transaction) return outcome;
    const input = screeningJson[index];
    return (
      outcome +
      stageWork.fraud(input, cases[index].fraudHistory) +
      stageWork.compliance(input, cases[index].complianceHistory)
    );
  });

  const fraudResults = cases.map((item, index) =>
    validations[index].transaction
      ? (JSON.parse(stageWork.fraud(screeningJson[index], item.fraudHistory)) as FraudAssessment)
      : undefined,
  );
  const complianceResults = cases.map((item, index) =>
    validations[index].transaction
      ? (JSON.parse(
          stageWork.compliance(screeningJson[index], item.complianceHistory),
        ) as ComplianceAssessment)
      : undefined,
  );
  // The intake digest depends on the signing clock; everything else only on seed and count.
  const outcomeDigest = createHash("sha256")
    .update(validation.digest)
    .update(fraud.digest)
    .update(compliance.digest)
    .digest("hex");
  return {
    seed,
    count,
    warmup,
    stages: [
      stageResult("intake", intake),
      stageResult("validation", validation),
      stageResult("fraud", fraud),
      stageResult("compliance", compliance),
      stageResult("pipeline", pipeline),
    ],
    profile: profileOf(cases, intakeAnswers, validations, fraudResults, complianceResults),
    outcomeDigest,
  };
}
