/**
 * Fuzzy screening against the real bundled OFAC SDN list, one test per way a customer writes a
 * listed name, and the ordinary names that must stay clear.
 */
import { expect } from "chai";
import { bundledScreeningIndex } from "../../functions/compliance/sanctions/bundledList";
import { foldSpelling, nameTokens } from "../../functions/compliance/sanctions/nameNormalisation";
import {
  defaultScreeningThresholds,
  SanctionsScreener,
} from "../../functions/compliance/sanctions/sanctionsScreener";

describe("sanctions name screening (OFAC SDN 2024-05-03)", function () {
  // Building the index over 18,600 spellings takes about a second on a busy machine.
  this.timeout(20_000);
  let screener: SanctionsScreener;
  before(() => {
    screener = new SanctionsScreener(bundledScreeningIndex(), defaultScreeningThresholds);
  });

  describe("normalisation", () => {
    it("folds case, diacritics, punctuation, honorifics and legal forms away", () => {
      expect(nameTokens("  Dr. José-María  GARCÍA, S.A. de C.V. ")).to.deep.equal([
        "jose",
        "maria",
        "garcia",
        "cv",
      ]);
      expect(nameTokens("Sheikh Mohammed bin Rashid")).to.deep.equal(["mohammed", "rashid"]);
      expect(nameTokens("ANGLO-CARIBBEAN CO., LTD.")).to.deep.equal(["anglo", "caribbean"]);
      expect(nameTokens("Straße Ørsted")).to.deep.equal(["strasse", "orsted"]);
    });

    it("keeps a name made only of noise words rather than emptying it", () => {
      expect(nameTokens("The Company")).to.deep.equal(["the", "company"]);
    });

    it("maps transliteration variants to one spelling", () => {
      expect(foldSpelling("mohammed")).to.equal(foldSpelling("muhammad"));
      expect(foldSpelling("yousef")).to.equal(foldSpelling("yusuf"));
      expect(foldSpelling("dzhokhar")).to.equal(foldSpelling("jokhar"));
      expect(foldSpelling("marzook")).to.equal(foldSpelling("marzuk"));
    });
  });

  const listed: ReadonlyArray<
    readonly [kind: string, screened: string, entryNumber: string, outcome: string]
  > = [
    ["exact", "ABU MARZOOK, Mousa Mohammed", "3754", "BLOCK"],
    ["another case", "abu marzook mousa mohammed", "3754", "BLOCK"],
    ["with diacritics", "Móusa Mohammed Abú Marzóok", "3754", "BLOCK"],
    ["reordered", "Mousa Mohammed Abu Marzook", "3754", "BLOCK"],
    ["a middle name dropped (reviewed, not blocked)", "Mousa Abu Marzook", "3754", "REVIEW"],
    ["one typo in a long name", "Mousa Mohamed Abu Marzok", "3754", "BLOCK"],
    ["a transliteration variant", "Musa Muhammad Abu Marzuk", "3754", "BLOCK"],
    ["an alias", "Abu-Umar", "3754", "BLOCK"],
    ["an entity with its legal form spelt out", "Banco Nacional de Cuba S.A.", "306", "BLOCK"],
    ["an entity with one typo", "Banco Nacional de Kuba", "306", "REVIEW"],
    ["a vessel by a former name", "Carnation", "15076", "BLOCK"],
    ["an honorific added", "Mr. Jong Un Kim", "20157", "BLOCK"],
  ];
  for (const [kind, screened, entryNumber, outcome] of listed) {
    it(`finds ${kind}: "${screened}" → entry ${entryNumber}, ${outcome}`, () => {
      const match = screener.screen(screened);
      expect(match, screened).not.to.equal(undefined);
      expect(match).to.deep.include({ list: "OFAC-SDN", entryNumber, outcome });
    });
  }

  it("records which spelling matched and with what score", () => {
    expect(screener.screen("Seastar 3")).to.equal(undefined);
    expect(screener.screen("Sea Star III")).to.deep.equal({
      outcome: "BLOCK",
      list: "OFAC-SDN",
      entryNumber: "15076",
      listedName: "SEA STAR III",
      matchedName: "SEA STAR III",
      alias: false,
      score: 1,
      programs: ["IRAN"],
      type: "vessel",
    });
    expect(screener.screen("BMI")).to.deep.include({ entryNumber: "25578", matchedName: "BMI", alias: true });
  });

  const ordinary = [
    "Ada Lovelace",
    "Corner Grocery Ltd",
    "Maria Garcia",
    "Jose Garcia Lopez",
    "John Smith",
    "Banco Nacional de Mexico",
    "Sea Breeze Cafe",
  ];
  for (const name of ordinary) {
    it(`leaves "${name}" clear`, () => {
      expect(screener.screen(name)).to.equal(undefined);
    });
  }

  it("does not let a family name be dropped the way a middle name can", () => {
    expect(screener.screen("Miguel Rodriguez Orejuela")).to.deep.include({
      entryNumber: "4108",
      outcome: "REVIEW",
    });
    expect(screener.screen("Miguel Angel Rodriguez")?.entryNumber).not.to.equal("4108");
    expect(screener.screen("Miguel Angel")?.entryNumber).not.to.equal("4108");
  });

  it("refuses thresholds that cannot order REVIEW below BLOCK", () => {
    const index = screener.index;
    expect(() => new SanctionsScreener(index, { review: 0.98, block: 0.9 })).to.throw(RangeError);
    expect(() => new SanctionsScreener(index, { review: 0, block: 0.9 })).to.throw(RangeError);
  });
});
