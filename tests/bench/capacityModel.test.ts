/**
 * The capacity model's arithmetic on a case small enough to work out by hand (the working is in
 * the comments). Only the arithmetic: whether the prices and latencies are right is for
 * bench/capacity/assumptions.ts and a deployed stack to say.
 */
import { expect } from "chai";
import {
  billedLambdaMs,
  estimateCapacity,
  expressBilledGbSeconds,
  lambdaGbSeconds,
  littlesLawRate,
  monthlyCostUsd,
  type CapacityInputs,
} from "../../bench/capacity/model";

const tolerance = 1e-9;

/** Round prices so the sums below stay readable. */
function smallCase(): CapacityInputs {
  return {
    lambdaFunctions: [
      // Billed 10 ms at 1 GB: 0.01 GB-s.
      {
        name: "a",
        invocationsPerTransaction: 1,
        durationMs: 9.2,
        memoryMb: 1024,
        architecture: "arm64",
        pool: "a-reserved",
      },
      // Twice per transaction, 20 ms at 0.5 GB: 2 × 0.01 = 0.02 GB-s.
      {
        name: "b",
        invocationsPerTransaction: 2,
        durationMs: 20,
        memoryMb: 512,
        architecture: "x86_64",
        pool: "shared",
      },
    ],
    pools: [
      { name: "a-reserved", concurrency: 10 },
      { name: "shared", concurrency: 100 },
    ],
    limits: [{ name: "quota", perSecond: 500, usesPerTransaction: 2 }],
    express: {
      executionsPerTransaction: 1,
      // Billed as 64 MB = 0.0625 GB.
      memoryMb: 60,
      paths: [
        // 250 ms billed as 300 ms: 0.3 × 0.0625 = 0.01875 GB-s.
        { name: "long", share: 0.25, durationMs: 250 },
        // 100 ms exactly: 0.1 × 0.0625 = 0.00625 GB-s.
        { name: "short", share: 0.75, durationMs: 100 },
      ],
    },
    usage: [
      { service: "DynamoDB", item: "writes", unit: "WRU", quantityPerTransaction: 3, usdPerUnit: 0.625e-6 },
    ],
    prices: {
      lambdaGbSecond: { arm64: 0.00001, x86_64: 0.00002 },
      lambdaRequest: 0.2e-6,
      expressRequest: 1e-6,
      expressGbSecond: 0.00002,
    },
    lambdaBillingStepMs: 1,
  };
}

describe("capacity model", () => {
  it("rounds Lambda durations up to the billing step and Express to 100 ms and 64 MB", () => {
    expect(billedLambdaMs(9.2, 1)).to.equal(10);
    expect(billedLambdaMs(9, 1)).to.equal(9);
    expect(lambdaGbSeconds(1024, 10)).to.be.closeTo(0.01, tolerance);
    expect(expressBilledGbSeconds(250, 60)).to.be.closeTo(0.3 * 0.0625, tolerance);
    expect(expressBilledGbSeconds(100, 64)).to.be.closeTo(0.1 * 0.0625, tolerance);
    expect(expressBilledGbSeconds(101, 65)).to.be.closeTo(0.2 * 0.125, tolerance);
  });

  it("applies Little's law: concurrency over seconds held per transaction", () => {
    expect(littlesLawRate(10, 0.0092)).to.be.closeTo(1086.9565217391305, 1e-6);
    expect(littlesLawRate(100, 0.04)).to.be.closeTo(2500, tolerance);
    expect(littlesLawRate(5, 0)).to.equal(Number.POSITIVE_INFINITY);
  });

  it("finds the tightest bound: a quota of 500/s used twice per transaction allows 250/s", () => {
    const estimate = estimateCapacity(smallCase());
    expect(estimate.bounds.map((bound) => [bound.name, bound.kind])).to.deep.equal([
      ["quota", "quota"],
      ["a-reserved", "concurrency"],
      ["shared", "concurrency"],
    ]);
    // a: 10 / 0.0092 s; shared: 100 / (2 × 0.020 s).
    expect(estimate.bounds[1].transactionsPerSecond).to.be.closeTo(10 / 0.0092, 1e-6);
    expect(estimate.bounds[2].transactionsPerSecond).to.be.closeTo(2500, tolerance);
    expect(estimate.sustainableTransactionsPerSecond).to.be.closeTo(250, tolerance);
    expect(estimate.bottleneck).to.equal("quota");
  });

  it("prices a million transactions line by line", () => {
    const estimate = estimateCapacity(smallCase());
    const cost = (item: string): number => {
      const line = estimate.costLines.find((candidate) => candidate.item.startsWith(item));
      if (!line) throw new Error(`no cost line ${item}`);
      return line.usdPerMillion;
    };
    // 3 invocations × 1e6 × $0.2e-6.
    expect(cost("requests")).to.be.closeTo(0.6, tolerance);
    // 0.01 GB-s × 1e6 × $0.00001.
    expect(cost("a duration")).to.be.closeTo(0.1, tolerance);
    // 0.02 GB-s × 1e6 × $0.00002.
    expect(cost("b duration")).to.be.closeTo(0.4, tolerance);
    expect(cost("Express requests")).to.be.closeTo(1, tolerance);
    // (0.25 × 0.01875 + 0.75 × 0.00625) GB-s = 0.009375 GB-s × 1e6 × $0.00002.
    expect(cost("Express duration")).to.be.closeTo(0.1875, tolerance);
    // 3 WRU × 1e6 × $0.625e-6.
    expect(cost("writes")).to.be.closeTo(1.875, tolerance);
    expect(estimate.costPerMillionUsd).to.be.closeTo(4.1625, tolerance);
  });

  it("scales the cost per million to a month at a steady rate", () => {
    // 10,000 a minute for 730 hours is 438 million transactions.
    expect(monthlyCostUsd(4.1625, 10_000, 730)).to.be.closeTo(4.1625 * 438, 1e-6);
  });

  it("refuses a function whose pool does not exist, and path shares that do not add up to 1", () => {
    const inputs = smallCase();
    expect(() =>
      estimateCapacity({
        ...inputs,
        lambdaFunctions: [{ ...inputs.lambdaFunctions[0], pool: "missing" }],
      }),
    ).to.throw(/no concurrency pool named "missing"/);
    expect(() =>
      estimateCapacity({
        ...inputs,
        express: { ...inputs.express, paths: [{ name: "only", share: 0.5, durationMs: 100 }] },
      }),
    ).to.throw(/must add up to 1/);
  });
});
