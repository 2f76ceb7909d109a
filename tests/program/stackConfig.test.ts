/** Stack configuration validation: bad values fail before anything is planned, naming the key. */
import { expect } from "chai";
import { loadStackConfig, parseStackConfig, StackConfigError } from "../../stackConfig";
import { installMocks } from "../support/pulumiMocks";

const valid = {
  tags: { Environment: "dev", Application: "tx", Team: "payments", CostCenter: "cc-1", Repository: "tx" },
  alertEmail: "alerts@example.com",
};

describe("stack configuration", () => {
  it("fills documented defaults for optional keys", () => {
    const config = parseStackConfig(valid);
    expect(config.functions).to.deep.equal({ memoryMb: 1024, timeoutSeconds: 30 });
    expect(config.logRetentionDays).to.equal(30);
    expect(config.deletionProtection).to.equal(false);
    expect(config.highValueAlertUsd).to.equal(10_000);
    expect(config.includeExecutionData).to.equal(false);
  });

  const invalidCases: [string, Record<string, unknown>, RegExp][] = [
    ["a missing tag", { ...valid, tags: { ...valid.tags, CostCenter: undefined } }, /tags\.CostCenter/],
    ["a malformed alert email", { ...valid, alertEmail: "not-an-email" }, /alertEmail/],
    ["an SMS number not in E.164", { ...valid, alertSms: "0123" }, /alertSms: alertSms must be an E\.164/],
    ["a retention CloudWatch does not accept", { ...valid, logRetentionDays: 31 }, /logRetentionDays/],
    ["memory below Lambda's minimum", { ...valid, functions: { memoryMb: 64 } }, /functions\.memoryMb/],
    [
      "a fractional reserved concurrency",
      { ...valid, functions: { reservedConcurrency: 1.5 } },
      /functions\.reservedConcurrency/,
    ],
    [
      "an unknown key (a typo would otherwise be ignored)",
      { ...valid, alertEmial: "x@example.com" },
      /alertEmial/,
    ],
  ];
  for (const [title, raw, message] of invalidCases) {
    it(`rejects ${title}, naming the key`, () => {
      expect(() => parseStackConfig(raw)).to.throw(StackConfigError, message);
    });
  }

  it("reads the project's namespace from the stack and reports a misspelt key", async () => {
    await installMocks("config-typo", {
      "transaction-pipeline:tags": JSON.stringify(valid.tags),
      "transaction-pipeline:alertEmail": valid.alertEmail,
      "transaction-pipeline:logRetentionDay": "30",
    });
    expect(() => loadStackConfig()).to.throw(StackConfigError, /logRetentionDay/);
  });
});
