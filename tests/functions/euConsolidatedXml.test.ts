/**
 * The EU consolidated list parser on a small file written in the EU's export layout
 * (tests/fixtures/sanctions/eu-fsf-excerpt.xml: fictitious parties, real structure).
 */
import { expect } from "chai";
import { createHash } from "crypto";
import { readFileSync } from "fs";
import path from "path";
import { parseEuConsolidatedXml } from "../../functions/compliance/sanctions/euConsolidatedXml";
import { NameMatcher } from "../../functions/compliance/sanctions/nameMatcher";

const fixture = readFileSync(path.join(__dirname, "..", "fixtures", "sanctions", "eu-fsf-excerpt.xml"));

describe("EU consolidated list (FSF XML) parser", () => {
  const list = parseEuConsolidatedXml(fixture);

  it("versions the list by its generation date, entry count and bytes", () => {
    expect(list.version).to.deep.equal({
      list: "EU-FSF",
      publishedAt: "2024-05-02",
      entryCount: 3,
      contentHash: createHash("sha256").update(fixture).digest("hex"),
    });
  });

  it("reads a person: a strong spelling as the name, the other spellings (other script, weak) as aliases", () => {
    expect(list.entries[0]).to.deep.equal({
      entryNumber: "EU.9001.77",
      name: "Ivan Petrovich Testovsky",
      type: "individual",
      programs: ["RUS"],
      aliases: ["Иван Петрович Тестовский", "Vanya Test"],
    });
  });

  it("reads an enterprise under two programmes, and falls back to logicalId without an EU reference number", () => {
    expect(list.entries[1]).to.deep.include({
      entryNumber: "EU.9002.12",
      type: "entity",
      programs: ["UKR", "RUS"],
      aliases: ["AO Exemplar"],
    });
    expect(list.entries[2]).to.deep.include({ entryNumber: "900303", name: "Zoë Müller-Exemple" });
  });

  it("feeds the same matcher as the OFAC list (diacritics removed, order ignored)", () => {
    const matcher = new NameMatcher(list.entries);
    expect(matcher.screen("Zoe Muller Exemple", 0.91)?.party.entryNumber).to.equal("900303");
    expect(matcher.screen("Testovsky Ivan Petrovich", 0.91)?.party.entryNumber).to.equal("EU.9001.77");
  });

  it("refuses a download cut short", () => {
    const cut = fixture.subarray(0, Math.floor(fixture.length * 0.7));
    expect(() => parseEuConsolidatedXml(cut))
      .to.throw(/not well-formed XML/)
      .with.property("name", "SanctionsListFormatError");
  });

  it("refuses XML that is not the EU export: another root, an entity without a type or a name", () => {
    expect(() => parseEuConsolidatedXml(Buffer.from("<sdnList></sdnList>"))).to.throw(/no <export> root/);
    const untyped =
      '<export generationDate="2024-05-02"><sanctionEntity logicalId="1"><nameAlias wholeName="A B"/></sanctionEntity></export>';
    expect(() => parseEuConsolidatedXml(Buffer.from(untyped))).to.throw(/subjectType/);
    const unnamed =
      '<export generationDate="2024-05-02"><sanctionEntity logicalId="1"><subjectType code="person"/></sanctionEntity></export>';
    expect(() => parseEuConsolidatedXml(Buffer.from(unnamed))).to.throw(/no nameAlias/);
  });
});
