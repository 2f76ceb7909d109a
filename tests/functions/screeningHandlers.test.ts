/**
 * FraudDetection and ComplianceCheck cold-started against dynalite: history comes from real
 * byCustomerOccurredAt queries over items the ValidateTransaction handler itself wrote.
 */
import { expect } from "chai";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { CanonicalTransaction } from "../../functions/shared/stepContracts";
import { localLambdaContext } from "../../local/lambdaInvokeShim";
import { startFunctionRuntime, type FunctionRuntime } from "./support/functionRuntime";
import { receivedDetail } from "./support/transactions";

type ValidationModule = typeof import("../../functions/validation/index");
type FraudModule = typeof import("../../functions/fraud-detection/index");
type ComplianceModule = typeof import("../../functions/compliance/index");

const minutes = 60_000;
let sequence = 0;

describe("screening handlers with history from the customer index (dynalite)", function () {
  this.timeout(20_000);
  let runtime: FunctionRuntime;
  let validate: ValidationModule["handler"];
  let fraud: FraudModule["handler"];
  let compliance: ComplianceModule["handler"];

  /** Validates (and so stores) a transaction of `customerId` that happened `minutesAgo`. */
  async function storedTransaction(
    customerId: string,
    minutesAgo: number,
    amount = "50.00",
  ): Promise<CanonicalTransaction> {
    sequence += 1;
    const id = `tx-screening-${sequence}`;
    const detail = receivedDetail(
      {
        transactionId: id,
        customerId,
        amount,
        occurredAt: new Date(Date.now() - minutesAgo * minutes).toISOString(),
      },
      { transactionId: `acme#${id}` },
    );
    const outcome = await validate(detail, localLambdaContext("validation"));
    if (!outcome.transaction)
      throw new Error(`fixture transaction invalid: ${JSON.stringify(outcome.reasons)}`);
    return outcome.transaction;
  }

  before(async () => {
    runtime = await startFunctionRuntime();
    ({ handler: validate } = runtime.load<ValidationModule>("validation/index"));
    ({ handler: fraud } = runtime.load<FraudModule>("fraud-detection/index"));
    ({ handler: compliance } = runtime.load<ComplianceModule>("compliance/index"));
  });

  after(async () => {
    await runtime?.stop();
  });

  describe("FraudDetection", () => {
    it("fires VELOCITY from the customer's transactions in the last hour", async () => {
      // Prepare: five earlier purchases within the hour, then this one
      for (const minutesAgo of [50, 40, 30, 20, 10]) await storedTransaction("velocity-customer", minutesAgo);
      const transaction = await storedTransaction("velocity-customer", 1);
      // Act
      const assessment = await fraud({ transaction }, localLambdaContext("fraud-detection"));
      // Assess
      expect(assessment.signals.map((signal) => signal.code)).to.include("VELOCITY");
      expect(assessment.signals.find((signal) => signal.code === "VELOCITY")?.message).to.match(
        /^5 earlier transactions/,
      );
    });

    it("fires AMOUNT_ABOVE_HISTORY against the 30-day average, and not FIRST_TRANSACTION_LARGE", async () => {
      // Prepare: three 50 USD purchases over the last weeks, then 2,000 USD
      for (const daysAgo of [3, 10, 20]) await storedTransaction("history-customer", daysAgo * 24 * 60);
      const transaction = await storedTransaction("history-customer", 1, "2000.00");
      // Act
      const assessment = await fraud({ transaction }, localLambdaContext("fraud-detection"));
      // Assess
      const codes = assessment.signals.map((signal) => signal.code);
      expect(codes).to.include.members(["AMOUNT_ABOVE_HISTORY", "ROUND_AMOUNT"]);
      expect(codes).not.to.include("FIRST_TRANSACTION_LARGE");
    });

    it("fires FIRST_TRANSACTION_LARGE for a new customer, ignoring transactions older than 30 days", async () => {
      // Prepare
      await storedTransaction("returning-customer", 31 * 24 * 60);
      const transaction = await storedTransaction("returning-customer", 1, "1500.00");
      // Act
      const assessment = await fraud({ transaction }, localLambdaContext("fraud-detection"));
      // Assess
      expect(assessment.signals.map((signal) => signal.code)).to.deep.equal(["FIRST_TRANSACTION_LARGE"]);
      expect(assessment).to.include({ score: 25, level: "LOW" });
    });

    it("answers the same when re-run after later transactions arrived (idempotent)", async () => {
      // Prepare
      for (const minutesAgo of [40, 30, 20, 10, 5]) await storedTransaction("rerun-customer", minutesAgo);
      const transaction = await storedTransaction("rerun-customer", 3);
      const first = await fraud({ transaction }, localLambdaContext("fraud-detection"));
      await storedTransaction("rerun-customer", 2);
      await storedTransaction("rerun-customer", 1);
      // Act
      const second = await fraud({ transaction }, localLambdaContext("fraud-detection"));
      // Assess
      expect(second).to.deep.equal(first);
    });

    it("answers plain JSON whose record holds the assessment", async () => {
      // Prepare
      const transaction = await storedTransaction("json-customer", 1);
      // Act
      const assessment = await fraud({ transaction }, localLambdaContext("fraud-detection"));
      // Assess
      expect(JSON.parse(JSON.stringify(assessment))).to.deep.equal(assessment);
      const { record, ...withoutRecord } = assessment;
      expect(unmarshall(record)).to.deep.equal(withoutRecord);
      expect(assessment).to.include({ score: 0, level: "LOW" });
    });

    it("throws InvalidStepInputError for input validation could never have produced", async () => {
      const failure = await fraud(
        { transaction: { transactionId: "x" } },
        localLambdaContext("fraud-detection"),
      ).catch((error: unknown) => error);
      expect(failure).to.have.property("name", "InvalidStepInputError");
    });
  });

  describe("ComplianceCheck", () => {
    it("finds STRUCTURING across the customer's last 24 hours", async () => {
      // Prepare: 6,000 + 3,500 earlier today, 1,000 now: each under 10,000, together over
      await storedTransaction("structuring-customer", 20 * 60, "6000.00");
      await storedTransaction("structuring-customer", 60, "3500.00");
      const transaction = await storedTransaction("structuring-customer", 1, "1000.00");
      // Act
      const assessment = await compliance({ transaction }, localLambdaContext("compliance"));
      // Assess
      expect(assessment.decision).to.equal("REVIEW");
      expect(assessment.rules.map((rule) => rule.ruleId)).to.deep.equal(["STRUCTURING"]);
      expect(assessment.rules[0].message).to.contain("total 10500.00 USD");
    });

    it("does not count transactions older than 24 hours or REJECTED ones", async () => {
      // Prepare
      await storedTransaction("quiet-customer", 25 * 60, "9000.00");
      const rejected = await storedTransaction("quiet-customer", 30, "9000.00");
      await runtime.documentClient.send(
        new PutCommand({ TableName: runtime.tableName, Item: { ...rejected, status: "REJECTED" } }),
      );
      const transaction = await storedTransaction("quiet-customer", 1, "2000.00");
      // Act
      const assessment = await compliance({ transaction }, localLambdaContext("compliance"));
      // Assess
      expect(assessment).to.include({ decision: "CLEAR", reportRequired: false });
    });

    it("requires a report above 10,000 USD and blocks a sanctioned country, stamping the list version", async () => {
      // Prepare
      const large = await storedTransaction("ctr-customer", 1, "15000.00");
      // Act
      const report = await compliance({ transaction: large }, localLambdaContext("compliance"));
      const blocked = await compliance(
        { transaction: { ...large, merchantCountry: "CU" } },
        localLambdaContext("compliance"),
      );
      // Assess
      expect(report).to.include({ decision: "CLEAR", reportRequired: true });
      expect(blocked.decision).to.equal("BLOCK");
      expect(blocked.listVersion).to.be.a("string").and.not.equal("");
      const { record, ...withoutRecord } = blocked;
      expect(unmarshall(record)).to.deep.equal(withoutRecord);
    });

    it("answers the same when re-run (idempotent)", async () => {
      await storedTransaction("compliance-rerun", 60, "9500.00");
      const transaction = await storedTransaction("compliance-rerun", 1, "900.00");
      const first = await compliance({ transaction }, localLambdaContext("compliance"));
      expect(await compliance({ transaction }, localLambdaContext("compliance"))).to.deep.equal(first);
      expect(first.decision).to.equal("REVIEW");
    });
  });
});

describe("FraudDetection cold start with FRAUD_RULES_OVERRIDE", function () {
  this.timeout(20_000);

  it("applies the override and names it in rulesVersion", async () => {
    // Prepare
    const runtime = await startFunctionRuntime({
      set: { FRAUD_RULES_OVERRIDE: JSON.stringify({ version: "strict", levels: { mediumAtLeast: 20 } }) },
    });
    try {
      const { handler } = runtime.load<FraudModule>("fraud-detection/index");
      const transaction: CanonicalTransaction = {
        transactionId: "acme#override-1",
        source: "webhook",
        amountMinor: 5_000,
        amount: "50.00",
        currency: "USD",
        amountUsdMinor: 5_000,
        customerId: "override-customer",
        merchantId: "m",
        customerCountry: "GB",
        merchantCountry: "US",
        occurredAt: new Date().toISOString(),
      };
      // Act
      const assessment = await handler({ transaction }, localLambdaContext("fraud-detection"));
      // Assess
      expect(assessment.rulesVersion).to.match(/\+strict$/);
      expect(assessment).to.include({ score: 20, level: "MEDIUM" });
    } finally {
      await runtime.stop();
    }
  });

  it("fails the cold start naming the variable when the override is invalid", async () => {
    const runtime = await startFunctionRuntime({
      set: { FRAUD_RULES_OVERRIDE: '{"levels":{"highAtLeast":"high"}}' },
    });
    try {
      expect(() => runtime.load<FraudModule>("fraud-detection/index")).to.throw(/FRAUD_RULES_OVERRIDE/);
    } finally {
      await runtime.stop();
    }
  });
});
