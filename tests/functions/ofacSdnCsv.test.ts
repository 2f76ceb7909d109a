/**
 * The sdn.csv parser on an excerpt of the real 2024-05-03 file (its lines byte for byte: CRLF,
 * `-0-`, the end-of-file byte) and on the whole bundled file.
 */
import { expect } from "chai";
import { createHash } from "crypto";
import { readFileSync } from "fs";
import path from "path";
import { loadBundledSdnList } from "../../functions/compliance/sanctions/bundledList";
import {
  parseOfacSdnCsv,
  remarksAliases,
  sdnPrograms,
} from "../../functions/compliance/sanctions/ofacSdnCsv";

const excerpt = readFileSync(path.join(__dirname, "..", "fixtures", "sanctions", "sdn-excerpt.csv"));
const parse = (bytes: Buffer) => parseOfacSdnCsv(bytes, { publishedAt: "2024-05-03" });

describe("OFAC sdn.csv parser", () => {
  const list = parse(excerpt);
  const entry = (entryNumber: string) =>
    list.entries.find((candidate) => candidate.entryNumber === entryNumber);

  it("reads every entry of the excerpt and versions the list by its bytes", () => {
    expect(list.entries.map((candidate) => candidate.entryNumber)).to.deep.equal([
      "306",
      "3754",
      "15076",
      "20157",
      "25578",
      "15431",
      "4108",
    ]);
    expect(list.version).to.deep.equal({
      list: "OFAC-SDN",
      publishedAt: "2024-05-03",
      entryCount: 7,
      contentHash: createHash("sha256").update(excerpt).digest("hex"),
    });
  });

  it("reads an entity (SDN_Type -0-) with its a.k.a. alias", () => {
    expect(entry("306")).to.deep.equal({
      entryNumber: "306",
      name: "BANCO NACIONAL DE CUBA",
      type: "entity",
      programs: ["CUBA"],
      aliases: ["BNC"],
    });
  });

  it("reads an individual, keeping an alias with an apostrophe inside it", () => {
    expect(entry("3754")).to.deep.include({
      name: "ABU MARZOOK, Mousa Mohammed",
      type: "individual",
      programs: ["SDGT"],
      aliases: ["ABU-'UMAR"],
    });
  });

  it("reads a vessel with its a.k.a. and f.k.a. names", () => {
    expect(entry("15076")).to.deep.include({
      name: "SEA STAR III",
      type: "vessel",
      programs: ["IRAN"],
      aliases: ["YARD NO. 1220 SHANGHAI WAIGAOQIAO", "SAFE", "CARNATION", "SUNSHINE", "SEASTAR III"],
    });
  });

  it("reads an aircraft, and an entity under several programs", () => {
    expect(entry("15431")).to.deep.include({ name: "EP-GOM", type: "aircraft", aliases: [] });
    expect(entry("25578")).to.deep.include({ programs: ["IRAN", "SDGT", "IFSR"], aliases: ["BMI"] });
  });

  it("reads every one of an individual's ten aliases in order", () => {
    expect(entry("4108")?.aliases).to.deep.equal([
      "EL SENOR",
      "PATRICIA",
      "PATRICIO",
      "PATTY",
      "PAT",
      "MANUEL",
      "MANOLO",
      "MIKE",
      "MAURO",
      "DOCTOR M.R.O.",
    ]);
  });

  it("splits programs and aliases as OFAC writes them", () => {
    expect(sdnPrograms("SDGT] [SYRIA] [IFSR")).to.deep.equal(["SDGT", "SYRIA", "IFSR"]);
    expect(remarksAliases("DOB 1960; a.k.a. 'A'; a.k.a. 'A'; f.k.a. 'B C'.")).to.deep.equal(["A", "B C"]);
    expect(remarksAliases("alt. Passport 1; Linked To: X.")).to.deep.equal([]);
  });

  it("refuses a file cut short in the middle of a line", () => {
    const cut = excerpt.subarray(0, excerpt.indexOf("15076,") + 40);
    expect(() => parse(cut))
      .to.throw(/cut short/)
      .with.property("name", "SanctionsListFormatError");
  });

  it("refuses a file that is not sdn.csv: wrong column count, a non-numeric ent_num, an unknown type", () => {
    expect(() => parse(Buffer.from('1,"A",-0-\r\n'))).to.throw(/3 columns/);
    expect(() => parse(Buffer.from('x,"A",-0- ,"P",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\r\n'))).to.throw(
      /ent_num/,
    );
    expect(() => parse(Buffer.from('1,"A","ship","P",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\r\n'))).to.throw(
      /unknown SDN_Type "ship"/,
    );
    expect(() => parse(Buffer.from("<html>Service unavailable</html>\n"))).to.throw(/columns/);
  });

  it("reads the whole bundled 2024-05-03 list: 14,965 entries of four types, 3,600-odd aliases", () => {
    const bundled = loadBundledSdnList();
    expect(bundled.version).to.deep.equal({
      list: "OFAC-SDN",
      publishedAt: "2024-05-03",
      entryCount: 14965,
      contentHash: "210ca6b4a8187a34e0850be69ecc6e918f23ad7778b8b5b2f9c9d5fbbaf4e0cb",
    });
    const types = new Map<string, number>();
    for (const party of bundled.entries) types.set(party.type, (types.get(party.type) ?? 0) + 1);
    expect(Object.fromEntries(types)).to.deep.equal({
      entity: 6884,
      individual: 6854,
      vessel: 851,
      aircraft: 376,
    });
    const aliases = bundled.entries.reduce((sum, party) => sum + party.aliases.length, 0);
    expect(aliases).to.be.within(3600, 3700);
  });
});
