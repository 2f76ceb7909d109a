import { expect } from "chai";
import { loadBaseFraudRules, loadFraudRules } from "../../functions/fraud-detection/fraudRules";
import rulesFile from "../../functions/fraud-detection/rules.json";

describe("fraud rules: versioned data with an optional override", () => {
  it("loads rules.json as shipped, with its version", () => {
    // Act
    const rules = loadFraudRules(undefined);
    // Assess
    expect(rules.version).to.equal(rulesFile.version);
    expect(rules.levels).to.deep.equal({ highAtLeast: 70, mediumAtLeast: 40 });
    expect(Object.keys(rules.signals.highRiskMcc.codes)).to.include.members([
      "4829",
      "6051",
      "6211",
      "7995",
      "5967",
      "5993",
    ]);
  });

  it("merges an override section by section and stamps it into the version", () => {
    // Act
    const rules = loadFraudRules({
      version: "stage-a",
      levels: { highAtLeast: 80 },
      signals: { velocity: { points: 10 } },
    });
    // Assess
    expect(rules.version).to.equal(`${rulesFile.version}+stage-a`);
    expect(rules.levels).to.deep.equal({ highAtLeast: 80, mediumAtLeast: 40 });
    expect(rules.signals.velocity).to.include({ points: 10, windowMinutes: 60, minPriorTransactions: 5 });
    expect(rules.signals.countryMismatch).to.deep.equal(loadBaseFraudRules().signals.countryMismatch);
  });

  it("replaces the MCC list wholesale, so codes can be removed", () => {
    const rules = loadFraudRules({
      version: "x",
      signals: { highRiskMcc: { codes: { "7995": "gambling" } } },
    });
    expect(rules.signals.highRiskMcc.codes).to.deep.equal({ "7995": "gambling" });
  });

  it("names an unversioned override by a digest of its content, the same every time", () => {
    const first = loadFraudRules({ levels: { mediumAtLeast: 30 } }).version;
    const second = loadFraudRules({ levels: { mediumAtLeast: 30 } }).version;
    expect(first).to.match(
      new RegExp(`^${rulesFile.version.replace(/\./g, "\\.")}\\+override-[0-9a-f]{12}$`),
    );
    expect(second).to.equal(first);
  });

  const invalidOverrides: ReadonlyArray<[string, unknown]> = [
    ["a typo in a section name", { levls: { highAtLeast: 80 } }],
    ["a typo in a signal setting", { signals: { velocity: { point: 10 } } }],
    ["an unknown signal", { signals: { telepathy: { points: 10 } } }],
    ["medium not below high", { levels: { mediumAtLeast: 70 } }],
    ["negative points", { signals: { velocity: { points: -1 } } }],
    ["a fractional multiplier", { signals: { amountAboveHistory: { multiplier: 4.5 } } }],
    ["an MCC that is not 4 digits", { signals: { highRiskMcc: { codes: { "79": "x" } } } }],
    ["not an object", [1, 2]],
  ];
  for (const [label, override] of invalidOverrides) {
    it(`fails the cold start on ${label}, naming FRAUD_RULES_OVERRIDE`, () => {
      expect(() => loadFraudRules(override))
        .to.throw(/FRAUD_RULES_OVERRIDE/)
        .with.property("name", "InvalidEnvironmentError");
    });
  }
});
