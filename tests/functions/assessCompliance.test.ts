import { expect } from "chai";
import { assessCompliance } from "../../functions/compliance/assessCompliance";
import { loadScreeningLists } from "../../functions/compliance/screeningLists";
import listsFile from "../../functions/compliance/lists/screening-lists.json";
import type { CustomerActivityItem } from "../../functions/shared/customerActivity";
import type { CanonicalTransaction } from "../../functions/shared/stepContracts";
import { canonicalTransaction, historyItem } from "./support/transactions";

const lists = loadScreeningLists();

function ruleIds(transaction: CanonicalTransaction, history: readonly CustomerActivityItem[] = []): string[] {
  return assessCompliance(transaction, history, lists).rules.map((rule) => rule.ruleId);
}

function usdTransaction(amountUsdMinor: number): CanonicalTransaction {
  return canonicalTransaction({
    amountMinor: amountUsdMinor,
    amountUsdMinor,
    amount: (amountUsdMinor / 100).toFixed(2),
  });
}

describe("compliance assessment", () => {
  it("clears an ordinary domestic transaction and stamps the list version", () => {
    // Act
    const assessment = assessCompliance(canonicalTransaction(), [], lists);
    // Assess
    expect(assessment).to.deep.equal({
      decision: "CLEAR",
      rules: [],
      reportRequired: false,
      listVersion: listsFile.version,
    });
  });

  describe("SANCTIONED_COUNTRY (BLOCK)", () => {
    for (const country of ["CU", "IR", "KP", "SY"]) {
      it(`blocks a customer in ${country}`, () => {
        const assessment = assessCompliance(canonicalTransaction({ customerCountry: country }), [], lists);
        expect(assessment.decision).to.equal("BLOCK");
        expect(assessment.rules.map((rule) => rule.ruleId)).to.include("SANCTIONED_COUNTRY");
      });
    }

    it("blocks a merchant in a sanctioned country and names the field", () => {
      const [hit] = assessCompliance(canonicalTransaction({ merchantCountry: "CU" }), [], lists).rules;
      expect(hit).to.deep.include({ ruleId: "SANCTIONED_COUNTRY", outcome: "BLOCK" });
      expect(hit.message).to.match(/^merchantCountry CU /);
    });

    it("does not fire for other countries or when countries are absent", () => {
      expect(ruleIds(canonicalTransaction({ customerCountry: "UA", merchantCountry: "RU" }))).not.to.include(
        "SANCTIONED_COUNTRY",
      );
      expect(
        ruleIds(canonicalTransaction({ customerCountry: undefined, merchantCountry: undefined })),
      ).to.deep.equal([]);
    });
  });

  describe("SANCTIONED_PARTY (BLOCK)", () => {
    it("blocks a customer whose name matches a listed party in any word order", () => {
      // Act
      const assessment = assessCompliance(canonicalTransaction({ customerName: "Jong-Un KIM" }), [], lists);
      // Assess
      expect(assessment.decision).to.equal("BLOCK");
      expect(assessment.rules[0]).to.deep.include({ ruleId: "SANCTIONED_PARTY", outcome: "BLOCK" });
      expect(assessment.rules[0].message).to.contain('customerName matches sanctioned party "KIM JONG UN"');
    });

    it("blocks a merchant matching a listed alias, after removing diacritics", () => {
      expect(ruleIds(canonicalTransaction({ merchantName: "Banco Nacional de Cuba" }))).to.deep.equal([
        "SANCTIONED_PARTY",
      ]);
      expect(ruleIds(canonicalTransaction({ merchantName: "Eclair Holdings Sarl" }))).to.deep.equal([
        "SANCTIONED_PARTY",
      ]);
      expect(ruleIds(canonicalTransaction({ merchantName: "IRISL" }))).to.deep.equal(["SANCTIONED_PARTY"]);
    });

    it("does not fire for unlisted names or absent names", () => {
      expect(
        ruleIds(canonicalTransaction({ customerName: "Ada Lovelace", merchantName: "Corner Grocery" })),
      ).to.deep.equal([]);
      expect(ruleIds(canonicalTransaction({ customerName: undefined }))).to.deep.equal([]);
    });
  });

  describe("HIGH_RISK_JURISDICTION (REVIEW)", () => {
    it("sends a FATF call-for-action country to REVIEW", () => {
      const assessment = assessCompliance(canonicalTransaction({ merchantCountry: "MM" }), [], lists);
      expect(assessment.decision).to.equal("REVIEW");
      expect(assessment.rules[0].message).to.equal(
        "merchantCountry MM is on the FATF call-for-action list (FATF-2025-10)",
      );
    });

    it("sends an increased-monitoring country to REVIEW", () => {
      expect(assessCompliance(canonicalTransaction({ customerCountry: "VN" }), [], lists).decision).to.equal(
        "REVIEW",
      );
    });

    it("no longer flags countries removed at the October 2025 plenary", () => {
      for (const country of ["ZA", "NG", "MZ", "BF"]) {
        expect(ruleIds(canonicalTransaction({ customerCountry: country })), country).to.deep.equal([]);
      }
    });

    it("blocks a country that is both sanctioned and on the FATF list, reporting both rules", () => {
      const assessment = assessCompliance(canonicalTransaction({ customerCountry: "IR" }), [], lists);
      expect(assessment.decision).to.equal("BLOCK");
      expect(assessment.rules.map((rule) => rule.ruleId)).to.deep.equal([
        "SANCTIONED_COUNTRY",
        "HIGH_RISK_JURISDICTION",
      ]);
    });
  });

  describe("CTR_THRESHOLD (REPORT)", () => {
    it("flags more than 10,000 USD for a report without changing CLEAR", () => {
      // Act
      const assessment = assessCompliance(usdTransaction(1_000_001), [], lists);
      // Assess
      expect(assessment.decision).to.equal("CLEAR");
      expect(assessment.reportRequired).to.equal(true);
      expect(assessment.rules).to.have.length(1);
      expect(assessment.rules[0]).to.deep.include({ ruleId: "CTR_THRESHOLD", outcome: "REPORT" });
    });

    it("does not flag exactly 10,000.00 USD", () => {
      const assessment = assessCompliance(usdTransaction(1_000_000), [], lists);
      expect(assessment.reportRequired).to.equal(false);
      expect(assessment.rules).to.deep.equal([]);
    });

    it("keeps REVIEW or BLOCK from other rules while also requiring a report", () => {
      const assessment = assessCompliance({ ...usdTransaction(2_000_000), customerCountry: "KP" }, [], lists);
      expect(assessment).to.include({ decision: "BLOCK", reportRequired: true });
    });
  });

  describe("STRUCTURING (REVIEW)", () => {
    it("fires when sub-threshold transactions within 24 h sum over 10,000 USD", () => {
      // Prepare: 6,000 + 5,000 earlier today, 1,000 now
      const history = [historyItem(60, 600_000), historyItem(60 * 20, 500_000)];
      // Act
      const assessment = assessCompliance(usdTransaction(100_000), history, lists);
      // Assess
      expect(assessment.decision).to.equal("REVIEW");
      expect(assessment.rules).to.have.length(1);
      expect(assessment.rules[0].ruleId).to.equal("STRUCTURING");
      expect(assessment.rules[0].message).to.contain("3 transactions by this customer within 24 hours");
      expect(assessment.rules[0].message).to.contain("total 12000.00 USD");
    });

    it("counts a same-second transaction with a smaller id, but not one with a larger id", () => {
      // Prepare: CSV rows often share a timestamp; ids order them deterministically
      const earlierRow = historyItem(0, 900_000, { transactionId: "acme#tx-0" });
      const laterRow = historyItem(0, 900_000, { transactionId: "acme#tx-2" });
      // Assess
      expect(ruleIds(usdTransaction(900_000), [earlierRow])).to.deep.equal(["STRUCTURING"]);
      expect(ruleIds(usdTransaction(900_000), [laterRow])).to.deep.equal([]);
    });

    it("fires with two transactions just under the threshold", () => {
      expect(ruleIds(usdTransaction(900_000), [historyItem(30, 900_000)])).to.deep.equal(["STRUCTURING"]);
    });

    it("does not fire when the sum is exactly the threshold", () => {
      expect(ruleIds(usdTransaction(400_000), [historyItem(30, 600_000)])).to.deep.equal([]);
    });

    it("does not fire for a single transaction, nor count ones older than 24 h, later, rejected or this one", () => {
      // Prepare
      const history = [
        historyItem(60 * 24 + 1, 900_000),
        historyItem(-5, 900_000),
        historyItem(10, 900_000, { status: "REJECTED" }),
        historyItem(0, 900_000, { transactionId: "acme#tx-1" }),
      ];
      // Assess
      expect(ruleIds(usdTransaction(900_000), history)).to.deep.equal([]);
    });

    it("leaves earlier transactions over the threshold out of the sum (they are reported on their own)", () => {
      expect(ruleIds(usdTransaction(500_000), [historyItem(30, 2_000_000)])).to.deep.equal([]);
    });

    it("does not fire for a transaction over the threshold (that is a CTR, not structuring)", () => {
      expect(ruleIds(usdTransaction(1_000_001), [historyItem(30, 900_000)])).to.deep.equal(["CTR_THRESHOLD"]);
    });
  });

  it("is deterministic: the same transaction and history give the same answer", () => {
    const history = [historyItem(60, 600_000), historyItem(120, 500_000)];
    const transaction = { ...usdTransaction(100_000), customerCountry: "VN" };
    expect(assessCompliance(transaction, [...history].reverse(), lists)).to.deep.equal(
      assessCompliance(transaction, history, lists),
    );
  });

  it("rejects a malformed list file at load time", () => {
    expect(() => loadScreeningLists({ ...listsFile, version: "" }))
      .to.throw(/screening-lists\.json/)
      .with.property("name", "InvalidReferenceDataError");
  });
});
