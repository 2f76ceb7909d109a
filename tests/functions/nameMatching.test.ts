import { expect } from "chai";
import { namesMatch, normaliseName } from "../../functions/compliance/nameMatching";

describe("sanctioned-party name matching", () => {
  it("case folds, strips diacritics and punctuation, and collapses whitespace", () => {
    expect(normaliseName("  Éclair   HOLDINGS, S.à r.l. ")).to.equal("eclair holdings s a r l");
    expect(normaliseName("People's Bank — Straße Ørsted")).to.equal("peoples bank strasse orsted");
  });

  const matches: ReadonlyArray<[string, string]> = [
    ["KIM JONG UN", "Kim Jong-Un"],
    ["KIM JONG UN", "jong un KIM"],
    ["BANK MELLI IRAN", "Bank Melli Iran PLC"],
    ["BANK MELLI IRAN", "Melli Bank of Iran"],
    ["ÉCLAIR HOLDINGS SÀRL", "eclair holdings sarl"],
    ["KKBC", "KKBC"],
    ["KKBC", "kkbc"],
  ];
  for (const [listed, screened] of matches) {
    it(`matches "${screened}" to the listed "${listed}"`, () => {
      expect(namesMatch(listed, screened)).to.equal(true);
    });
  }

  const misses: ReadonlyArray<[string, string]> = [
    ["KIM JONG UN", "Kim Jong"],
    ["BANK MELLI IRAN", "Bank of Iran"],
    ["KKBC", "KKBC Trading"],
    ["ACME SANCTIONED TRADING LLC", "Acme Trading LLC"],
    ["", "anything"],
  ];
  for (const [listed, screened] of misses) {
    it(`does not match "${screened}" to the listed "${listed}"`, () => {
      expect(namesMatch(listed, screened)).to.equal(false);
    });
  }
});
