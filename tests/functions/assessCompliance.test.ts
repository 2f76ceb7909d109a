import { expect } from "chai";
import { assessCompliance } from "../../functions/compliance/assessCompliance";
import { loadScreeningLists } from "../../functions/compliance/screeningLists";
import { bundledScreeningIndex } from "../../functions/compliance/sanctions/bundledList";
import {
  defaultScreeningThresholds,
  SanctionsScreener,
} from "../../functions/compliance/sanctions/sanctionsScreener";
import listsFile from "../../functions/compliance/lists/screening-lists.json";
import type { CustomerActivityItem } from "../../functions/shared/customerActivity";
import type { CanonicalTransaction } from "../../functions/shared/stepContracts";
import { canonicalTransaction, historyItem } from "./support/transactions";

const lists = loadScreeningLists();
const screener = new SanctionsScreener(bundledScreeningIndex(), defaultScreeningThresholds);

function assess(
  transaction: CanonicalTransaction,
  history: readonly CustomerActivityItem[] = [],
): ReturnType<typeof assessCompliance> {
  return assessCompliance(transaction, history, lists, screener);
}

function ruleIds(transaction: CanonicalTransaction, history: readonly CustomerActivityItem[] = []): string[] {
  return assess(transaction, history).rules.map((rule) => rule.ruleId);
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
    const assessment = assess(canonicalTransaction());
    // Assess
    expect(assessment).to.deep.include({
      decision: "CLEAR",
      rules: [],
      reportRequired: false,
      listVersion: listsFile.version,
      sanctionsMatches: [],
    });
  });

  describe("SANCTIONED_COUNTRY (BLOCK)", () => {
    for (const country of ["CU", "IR", "KP", "SY"]) {
      it(`blocks a customer in ${country}`, () => {
        const assessment = assess(canonicalTransaction({ customerCountry: country }), []);
        expect(assessment.decision).to.equal("BLOCK");
        expect(assessment.rules.map((rule) => rule.ruleId)).to.include("SANCTIONED_COUNTRY");
      });
    }

    it("blocks a merchant in a sanctioned country and names the field", () => {
      const [hit] = assess(canonicalTransaction({ merchantCountry: "CU" }), []).rules;
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

  describe("SANCTIONED_PARTY (BLOCK or REVIEW, on the OFAC SDN list)", () => {
    it("blocks a customer named as a listed individual in natural word order, and records the match", () => {
      // Act
      const assessment = assess(canonicalTransaction({ customerName: "Mousa Mohammed Abu Marzook" }));
      // Assess
      expect(assessment.decision).to.equal("BLOCK");
      expect(assessment.rules).to.deep.equal([
        {
          ruleId: "SANCTIONED_PARTY",
          outcome: "BLOCK",
          message:
            'customerName matches OFAC-SDN entry 3754 "ABU MARZOOK, Mousa Mohammed" with score 1 ' +
            "(block threshold 0.97; programs SDGT)",
        },
      ]);
      expect(assessment.sanctionsMatches).to.deep.equal([
        {
          field: "customerName",
          list: "OFAC-SDN",
          entryNumber: "3754",
          listedName: "ABU MARZOOK, Mousa Mohammed",
          matchedName: "ABU MARZOOK, Mousa Mohammed",
          alias: false,
          score: 1,
          reviewThreshold: 0.91,
          blockThreshold: 0.97,
          programs: ["SDGT"],
        },
      ]);
    });

    it("names the alias that matched a merchant", () => {
      const assessment = assess(canonicalTransaction({ merchantName: "Seastar III" }));
      expect(assessment.decision).to.equal("BLOCK");
      expect(assessment.sanctionsMatches[0]).to.deep.include({
        field: "merchantName",
        entryNumber: "15076",
        listedName: "SEA STAR III",
        matchedName: "SEASTAR III",
        alias: true,
      });
    });

    it("sends a near match (one typo) to REVIEW, not BLOCK", () => {
      const assessment = assess(canonicalTransaction({ merchantName: "Banco Nacional de Kuba" }));
      expect(assessment.decision).to.equal("REVIEW");
      expect(assessment.rules[0]).to.deep.include({ ruleId: "SANCTIONED_PARTY", outcome: "REVIEW" });
      expect(assessment.sanctionsMatches[0].entryNumber).to.equal("306");
      expect(assessment.sanctionsMatches[0].score).to.be.within(0.91, 0.97);
    });

    it("stamps every assessment with the screened lists' versions", () => {
      const assessment = assess(canonicalTransaction());
      expect(assessment.screeningIndexVersion).to.equal("OFAC-SDN@2024-05-03#210ca6b4a818");
      expect(assessment.screenedLists).to.deep.equal([
        {
          list: "OFAC-SDN",
          publishedAt: "2024-05-03",
          entryCount: 14965,
          contentHash: "210ca6b4a8187a34e0850be69ecc6e918f23ad7778b8b5b2f9c9d5fbbaf4e0cb",
        },
      ]);
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
      const assessment = assess(canonicalTransaction({ merchantCountry: "MM" }), []);
      expect(assessment.decision).to.equal("REVIEW");
      expect(assessment.rules[0].message).to.equal(
        "merchantCountry MM is on the FATF call-for-action list (FATF-2025-10)",
      );
    });

    it("sends an increased-monitoring country to REVIEW", () => {
      expect(assess(canonicalTransaction({ customerCountry: "VN" }), []).decision).to.equal("REVIEW");
    });

    it("no longer flags countries removed at the October 2025 plenary", () => {
      for (const country of ["ZA", "NG", "MZ", "BF"]) {
        expect(ruleIds(canonicalTransaction({ customerCountry: country })), country).to.deep.equal([]);
      }
    });

    it("blocks a country that is both sanctioned and on the FATF list, reporting both rules", () => {
      const assessment = assess(canonicalTransaction({ customerCountry: "IR" }), []);
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
      const assessment = assess(usdTransaction(1_000_001), []);
      // Assess
      expect(assessment.decision).to.equal("CLEAR");
      expect(assessment.reportRequired).to.equal(true);
      expect(assessment.rules).to.have.length(1);
      expect(assessment.rules[0]).to.deep.include({ ruleId: "CTR_THRESHOLD", outcome: "REPORT" });
    });

    it("does not flag exactly 10,000.00 USD", () => {
      const assessment = assess(usdTransaction(1_000_000), []);
      expect(assessment.reportRequired).to.equal(false);
      expect(assessment.rules).to.deep.equal([]);
    });

    it("keeps REVIEW or BLOCK from other rules while also requiring a report", () => {
      const assessment = assess({ ...usdTransaction(2_000_000), customerCountry: "KP" }, []);
      expect(assessment).to.include({ decision: "BLOCK", reportRequired: true });
    });
  });

  describe("STRUCTURING (REVIEW)", () => {
    it("fires when sub-threshold transactions within 24 h sum over 10,000 USD", () => {
      // Prepare: 6,000 + 5,000 earlier today, 1,000 now
      const history = [historyItem(60, 600_000), historyItem(60 * 20, 500_000)];
      // Act
      const assessment = assess(usdTransaction(100_000), history);
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
    expect(assess(transaction, [...history].reverse())).to.deep.equal(assess(transaction, history));
  });

  it("rejects a malformed list file at load time", () => {
    expect(() => loadScreeningLists({ ...listsFile, version: "" }))
      .to.throw(/screening-lists\.json/)
      .with.property("name", "InvalidReferenceDataError");
  });
});
