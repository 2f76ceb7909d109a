/**
 * The capacity and cost model, pure: inputs in, estimate out, no I/O and no constants of its own
 * (bench/capacity/assumptions.ts holds those, bench/capacity/suite.ts builds the inputs).
 *
 * Throughput is Little's law per concurrency pool: a pool of C concurrent executions, each
 * transaction holding one for W seconds in total, sustains C / W transactions a second. Rate
 * quotas bound it too (a quota of R calls a second, k calls per transaction, allows R / k). The
 * sustainable rate is the smallest bound.
 *
 * Cost is per million transactions. These are estimates of spend built from list prices and
 * measured or assumed durations, never amounts of money a transaction moves, so plain numbers are
 * the right tool; nothing is rounded until it is printed.
 */

export type Architecture = "arm64" | "x86_64";

/** One Lambda function's share of the work. */
export interface LambdaFunctionLoad {
  readonly name: string;
  readonly invocationsPerTransaction: number;
  /** Mean duration of one invocation in milliseconds, before Lambda's billing rounds it. */
  readonly durationMs: number;
  readonly memoryMb: number;
  readonly architecture: Architecture;
  /** The concurrency pool it draws from (its own reservation, or the account's unreserved pool). */
  readonly pool: string;
}

export interface ConcurrencyPool {
  readonly name: string;
  readonly concurrency: number;
}

/** A rate quota: `perSecond` calls allowed, `usesPerTransaction` calls made by each transaction. */
export interface ThroughputLimit {
  readonly name: string;
  readonly perSecond: number;
  readonly usesPerTransaction: number;
}

/** One way an Express execution can go, with the share of executions that go that way. */
export interface ExpressExecutionPath {
  readonly name: string;
  readonly share: number;
  readonly durationMs: number;
}

/** Anything else billed per unit: a unit count per transaction and a price per unit. */
export interface UsageItem {
  readonly service: string;
  readonly item: string;
  readonly unit: string;
  readonly quantityPerTransaction: number;
  readonly usdPerUnit: number;
}

export interface ComputePrices {
  readonly lambdaGbSecond: Readonly<Record<Architecture, number>>;
  readonly lambdaRequest: number;
  readonly expressRequest: number;
  readonly expressGbSecond: number;
}

export interface CapacityInputs {
  readonly lambdaFunctions: readonly LambdaFunctionLoad[];
  readonly pools: readonly ConcurrencyPool[];
  readonly limits: readonly ThroughputLimit[];
  readonly express: {
    readonly executionsPerTransaction: number;
    /** Memory the executions use (Step Functions bills it in 64 MB steps). */
    readonly memoryMb: number;
    readonly paths: readonly ExpressExecutionPath[];
  };
  readonly usage: readonly UsageItem[];
  readonly prices: ComputePrices;
  /** Lambda's billing step (1 ms). */
  readonly lambdaBillingStepMs: number;
}

export interface ThroughputBound {
  readonly name: string;
  readonly kind: "concurrency" | "quota";
  readonly transactionsPerSecond: number;
  /** How it was computed, for the report. */
  readonly detail: string;
}

export interface CostLine {
  readonly service: string;
  readonly item: string;
  readonly unit: string;
  readonly quantityPerMillion: number;
  readonly usdPerMillion: number;
}

export interface CapacityEstimate {
  /** Every bound, tightest first. */
  readonly bounds: readonly ThroughputBound[];
  readonly sustainableTransactionsPerSecond: number;
  readonly bottleneck: string;
  readonly costLines: readonly CostLine[];
  readonly costPerMillionUsd: number;
}

const perMillion = 1e6;

/** Lambda's billed duration of one invocation: rounded up to the billing step. */
export function billedLambdaMs(durationMs: number, stepMs: number): number {
  if (!(durationMs >= 0) || !(stepMs > 0))
    throw new RangeError("durations must be non-negative and the step positive");
  return Math.ceil(durationMs / stepMs) * stepMs;
}

/** GB-seconds of one invocation of `memoryMb` billed for `billedMs`. */
export function lambdaGbSeconds(memoryMb: number, billedMs: number): number {
  return (memoryMb / 1024) * (billedMs / 1000);
}

/** GB-seconds of one Express execution: duration up to the next 100 ms, memory up to the next 64 MB. */
export function expressBilledGbSeconds(durationMs: number, memoryMb: number): number {
  const billedSeconds = Math.ceil(durationMs / 100) / 10;
  const billedGb = (Math.ceil(memoryMb / 64) * 64) / 1024;
  return billedSeconds * billedGb;
}

/** Little's law: what a pool of `concurrency` sustains when each transaction holds it `secondsPerTransaction`. */
export function littlesLawRate(concurrency: number, secondsPerTransaction: number): number {
  return secondsPerTransaction <= 0 ? Number.POSITIVE_INFINITY : concurrency / secondsPerTransaction;
}

function throughputBounds(inputs: CapacityInputs): ThroughputBound[] {
  const pools = inputs.pools.map((pool): ThroughputBound => {
    const members = inputs.lambdaFunctions.filter((load) => load.pool === pool.name);
    const seconds = members.reduce(
      (sum, load) => sum + (load.invocationsPerTransaction * load.durationMs) / 1000,
      0,
    );
    return {
      name: pool.name,
      kind: "concurrency",
      transactionsPerSecond: littlesLawRate(pool.concurrency, seconds),
      detail: `${pool.concurrency} concurrent / ${(seconds * 1000).toFixed(1)} ms per transaction (${members.map((load) => load.name).join(", ") || "unused"})`,
    };
  });
  const unknown = inputs.lambdaFunctions.filter(
    (load) => !inputs.pools.some((pool) => pool.name === load.pool),
  );
  if (unknown.length > 0) {
    throw new Error(
      `no concurrency pool named ${unknown.map((load) => `"${load.pool}" (${load.name})`).join(", ")}`,
    );
  }
  const limits = inputs.limits.map((limit): ThroughputBound => ({
    name: limit.name,
    kind: "quota",
    transactionsPerSecond:
      limit.usesPerTransaction <= 0 ? Number.POSITIVE_INFINITY : limit.perSecond / limit.usesPerTransaction,
    detail: `${limit.perSecond.toLocaleString("en-US")}/s ÷ ${limit.usesPerTransaction.toFixed(3)} per transaction`,
  }));
  return [...pools, ...limits].sort((a, b) => a.transactionsPerSecond - b.transactionsPerSecond);
}

function costLines(inputs: CapacityInputs): CostLine[] {
  const lines: CostLine[] = [];
  const requests = inputs.lambdaFunctions.reduce((sum, load) => sum + load.invocationsPerTransaction, 0);
  lines.push({
    service: "Lambda",
    item: "requests",
    unit: "requests",
    quantityPerMillion: requests * perMillion,
    usdPerMillion: requests * perMillion * inputs.prices.lambdaRequest,
  });
  for (const load of inputs.lambdaFunctions) {
    const gbSeconds =
      load.invocationsPerTransaction *
      lambdaGbSeconds(load.memoryMb, billedLambdaMs(load.durationMs, inputs.lambdaBillingStepMs)) *
      perMillion;
    lines.push({
      service: "Lambda",
      item: `${load.name} duration (${load.memoryMb} MB ${load.architecture})`,
      unit: "GB-s",
      quantityPerMillion: gbSeconds,
      usdPerMillion: gbSeconds * inputs.prices.lambdaGbSecond[load.architecture],
    });
  }
  const executions = inputs.express.executionsPerTransaction * perMillion;
  lines.push({
    service: "Step Functions",
    item: "Express requests",
    unit: "requests",
    quantityPerMillion: executions,
    usdPerMillion: executions * inputs.prices.expressRequest,
  });
  const shares = inputs.express.paths.reduce((sum, path) => sum + path.share, 0);
  if (inputs.express.paths.length > 0 && Math.abs(shares - 1) > 1e-9) {
    throw new Error(`Express execution path shares must add up to 1, got ${shares}`);
  }
  const expressGbSeconds =
    executions *
    inputs.express.paths.reduce(
      (sum, path) => sum + path.share * expressBilledGbSeconds(path.durationMs, inputs.express.memoryMb),
      0,
    );
  lines.push({
    service: "Step Functions",
    item: "Express duration",
    unit: "GB-s",
    quantityPerMillion: expressGbSeconds,
    usdPerMillion: expressGbSeconds * inputs.prices.expressGbSecond,
  });
  for (const usage of inputs.usage) {
    const quantity = usage.quantityPerTransaction * perMillion;
    lines.push({
      service: usage.service,
      item: usage.item,
      unit: usage.unit,
      quantityPerMillion: quantity,
      usdPerMillion: quantity * usage.usdPerUnit,
    });
  }
  return lines;
}

export function estimateCapacity(inputs: CapacityInputs): CapacityEstimate {
  const bounds = throughputBounds(inputs);
  const lines = costLines(inputs);
  const tightest = bounds[0];
  return {
    bounds,
    sustainableTransactionsPerSecond: tightest?.transactionsPerSecond ?? Number.POSITIVE_INFINITY,
    bottleneck: tightest?.name ?? "none",
    costLines: lines,
    costPerMillionUsd: lines.reduce((sum, line) => sum + line.usdPerMillion, 0),
  };
}

/** Monthly spend at a steady `transactionsPerMinute`, for a month of `hoursPerMonth`. */
export function monthlyCostUsd(
  costPerMillionUsd: number,
  transactionsPerMinute: number,
  hoursPerMonth: number,
): number {
  return (costPerMillionUsd * transactionsPerMinute * 60 * hoursPerMonth) / perMillion;
}
