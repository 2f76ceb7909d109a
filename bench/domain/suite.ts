/**
 * The domain suite: the handlers' pure compute (webhook intake, validation, fraud scoring,
 * compliance, and the three pipeline steps together) over a seeded workload, in one child process
 * (one core), as transactions per second and microseconds per call.
 */
import path from "node:path";
import { runInChild } from "../lib/childMeasure";
import { formatTable, say } from "../lib/report";
import type { DomainMeasurement, DomainStage, StageResult } from "./measure";

export const defaultDomainSeed = 20251115;
export const defaultDomainCount = 50_000;
export const quickDomainCount = 5_000;

export interface DomainSuiteResult extends DomainMeasurement {
  readonly seconds: number;
  readonly peakRssMB: number;
}

const childModule = path.join(__dirname, "child.ts");

const stageLabels: Record<DomainStage, string> = {
  intake: "webhook intake (signature, parse, validate, event)",
  validation: "validation (ValidateTransaction)",
  fraud: "fraud scoring (FraudDetection)",
  compliance: "compliance (ComplianceCheck)",
  pipeline: "validation + fraud + compliance",
};

export async function runDomainSuite(options: {
  readonly seed: number;
  readonly count: number;
}): Promise<DomainSuiteResult> {
  const warmup = Math.min(5_000, Math.ceil(options.count / 5));
  say(
    `domain: ${options.count.toLocaleString("en-US")} transactions, seed ${options.seed}, ${warmup} warm-up calls per stage`,
  );
  const measured = await runInChild<DomainMeasurement>(childModule, [
    String(options.seed),
    String(options.count),
    String(warmup),
  ]);
  return {
    ...measured.outcome,
    seconds: measured.seconds,
    peakRssMB: Math.round((measured.peakRssBytes / 2 ** 20) * 10) / 10,
  };
}

const micros = (value: number): string => value.toFixed(1);

export function domainTable(result: DomainSuiteResult): string {
  const rows = result.stages.map((stage: StageResult) => [
    stageLabels[stage.stage],
    stage.calls.toLocaleString("en-US"),
    stage.transactionsPerSecond.toLocaleString("en-US"),
    micros(stage.micros.p50),
    micros(stage.micros.p99),
    micros(stage.micros.mean),
  ]);
  return formatTable(["stage (one core)", "calls", "tx/s", "p50 µs", "p99 µs", "mean µs"], rows);
}

export function domainProfileLines(result: DomainSuiteResult): string[] {
  const { profile } = result;
  const percent = (share: number): string => `${(share * 100).toFixed(2)} %`;
  return [
    `decisions of valid transactions: ${Object.entries(profile.decisions)
      .map(([status, count]) => `${status} ${count.toLocaleString("en-US")}`)
      .join(", ")}`,
    `rejected at intake ${percent(profile.intakeRejectedShare)} of webhook deliveries; alerts ${percent(profile.alertShare)}; ` +
      `high lane ${percent(profile.highLaneShare)}; compliance reads history for ${percent(profile.complianceQueryShare)}`,
    `mean history read by fraud scoring: ${profile.fraudHistoryItemsMean.toFixed(1)} items; ` +
      `stored item ${Math.round(profile.dynamoDb.transactionItemBytes)} B, decided item ${Math.round(profile.dynamoDb.decidedItemBytes)} B`,
    `outcome digest ${result.outcomeDigest.slice(0, 16)} (same seed and count, same digest)`,
  ];
}
