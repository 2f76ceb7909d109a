import { expect } from "chai";
import fc from "fast-check";
import { containsPan, findPans, redactPanText, redactPans } from "../../functions/shared/pan";
import {
  mayHoldCardNumber,
  normaliseForPanScan,
  searchCardNumberWindows,
} from "../../functions/shared/panDetection";
import { cardNumbersByBrand, luhnValidNonCards, notCardNumbers, renderings } from "./support/panCorpus";

describe("PAN detection", () => {
  const pans: ReadonlyArray<[string, string]> = [
    ["Visa test card", "4111111111111111"],
    ["Mastercard test card", "5555555555554444"],
    ["Amex (15 digits)", "378282246310005"],
    ["13-digit Visa", "4222222222222"],
    ["19-digit card", "6011000990139424009"],
    ["groups separated by spaces", "4111 1111 1111 1111"],
    ["groups separated by dashes", "4111-1111-1111-1111"],
    ["inside a sentence", "please charge card 4111 1111 1111 1111 thanks"],
    ["followed by an expiry", "4111 1111 1111 1111 12 25"],
    ["written in full-width digits", "４１１１１１１１１１１１１１１１"],
  ];
  for (const [label, text] of pans) {
    it(`finds a PAN: ${label}`, () => {
      expect(containsPan(text)).to.equal(true);
    });
  }

  const notPans: ReadonlyArray<[string, string]> = [
    ["16 digits failing Luhn", "4111111111111112"],
    ["12 digits passing Luhn", "411111111117"],
    ["a 25-digit order reference", "4111111111111111000000000"],
    ["a date and time", "2025-11-14 10:30:00"],
    ["a phone number", "+44 20 7946 0958"],
    ["BIN and last four", "411111 1111"],
  ];
  for (const [label, text] of notPans) {
    it(`finds no PAN: ${label}`, () => {
      expect(containsPan(text)).to.equal(false);
    });
  }

  for (const [brand, pan] of cardNumbersByBrand) {
    it(`finds ${brand} in all ${renderings.length} renderings`, () => {
      const missed = renderings.filter(([, render]) => !containsPan(render(pan))).map(([name]) => name);
      expect(missed).to.deep.equal([]);
    });
    it(`masks ${brand} in all ${renderings.length} renderings, keeping only the last four`, () => {
      for (const [name, render] of renderings) {
        const masked = redactPanText(render(pan));
        expect(containsPan(masked), name).to.equal(false);
        expect(masked.replace(/\D/g, ""), name).to.match(new RegExp(`${pan.slice(-4)}(?:1229)?$|^\\d{0,8}$`));
      }
    });
  }

  const falsePositives = notCardNumbers.filter(([, value]) => containsPan(value));
  const falsePositiveRate = ((100 * falsePositives.length) / notCardNumbers.length).toFixed(1);
  it(`false-positive rate on ${notCardNumbers.length} non-card values (order refs, timestamps, epoch ms, phones, IBANs, Luhn failures) is ${falsePositiveRate} %`, () => {
    expect(falsePositives).to.deep.equal([]);
  });

  const randomUuids = fc.sample(fc.uuid(), { numRuns: 20_000, seed: 2300 });
  const uuidsTakenForCards = randomUuids.filter((uuid) => containsPan(`msg_${uuid}`));
  it(`${uuidsTakenForCards.length} of ${randomUuids.length} random UUIDs (webhook ids, file ids) are taken for card numbers`, () => {
    expect(uuidsTakenForCards).to.deep.equal([]);
  });

  it("a UUID whose digit groups pass for a Visa number across its dashes is not a card number", () => {
    // 4984384136534492 is a Luhn-valid Visa number: a card number anywhere but inside a UUID.
    expect(containsPan("49843841-3653-4492-877e-c15e16f16d7f")).to.equal(false);
    expect(containsPan("49843841-3653-4492")).to.equal(true);
  });

  it("a card number next to a UUID, or written in a UUID-like shape that is not one, is still found", () => {
    const uuid = "49843841-3653-4492-877e-c15e16f16d7f";
    expect(containsPan(`${uuid} 4111 1111 1111 1111`)).to.equal(true);
    expect(containsPan(`4111-1111-1111-1111-${uuid}`)).to.equal(true);
    // Variant 7 is not a UUID's, nor is a last group of 11.
    expect(containsPan("41111111-1111-1111-7111-111111111111")).to.equal(true);
    expect(containsPan("41111111-1111-1111-8111-11111111111")).to.equal(true);
  });

  it("Luhn-valid numbers outside every issuer range are not card numbers", () => {
    expect(luhnValidNonCards.filter(containsPan)).to.deep.equal([]);
  });

  it("finds a card number in a JSON number's text and in a property name at any depth", () => {
    expect(findPans({ a: { b: [{ "4111.1111.1111.1111": 1 }] }, n: 4111111111111111 })).to.deep.equal([
      { path: 'a.b[0]["****.****.****.1111"]', inKey: true },
      { path: "n", inKey: false },
    ]);
  });

  it("reports the paths of PANs in nested values, numbers and keys, never the digits", () => {
    // Prepare
    const input = {
      customerName: "card 4111 1111 1111 1111",
      metadata: {
        notes: ["fine", { deeper: 5555555555554444 }],
        "4111111111111111": "key holds it",
        clean: "order 12345",
      },
    };
    // Act
    const findings = findPans(input);
    // Assess
    expect(findings).to.deep.equal([
      { path: "customerName", inKey: false },
      { path: "metadata.notes[1].deeper", inKey: false },
      { path: 'metadata["************1111"]', inKey: true },
    ]);
    expect(JSON.stringify(findings)).not.to.match(/4111\s?1111\s?1111|555555555555/);
  });

  it("walks a hostile, deeply nested payload without overflowing the stack", () => {
    // Prepare
    let nested: unknown = "4111111111111111";
    for (let depth = 0; depth < 50_000; depth += 1) nested = [nested];
    // Act
    const findings = findPans({ nested });
    // Assess
    expect(findings).to.have.length(1);
  });

  it("masks all but the last four digits, keeping separators, for safe logging", () => {
    expect(redactPanText("card 4111-1111-1111-1111 exp 12/25")).to.equal(
      "card ****-****-****-1111 exp 12/25",
    );
    expect(
      redactPans({ note: "4111111111111111", n: 5555555555554444, "4111111111111111": 1, ok: 42 }),
    ).to.deep.equal({
      note: "************1111",
      n: "************4444",
      "************1111": 1,
      ok: 42,
    });
  });

  it("the quick pre-check never turns away text in which the full search finds a card number", () => {
    // Card numbers cut into groups by every kind of separator, near misses, and other text.
    const separator = fc.constantFrom(
      " ",
      "-",
      ".",
      "/",
      "_",
      "\t",
      "\n",
      "  ",
      " - ",
      "\u00a0",
      "\u2013",
      "\u200b",
    );
    const piece = fc.oneof(
      fc
        .tuple(
          fc.constantFrom(...cardNumbersByBrand.map(([, pan]) => pan)),
          fc.array(fc.tuple(fc.integer({ min: 1, max: 18 }), separator), { maxLength: 4 }),
        )
        .map(([pan, cuts]) => {
          let text = pan;
          for (const [at, joiner] of [...cuts].sort(([a], [b]) => b - a)) {
            if (at < pan.length) text = `${text.slice(0, at)}${joiner}${text.slice(at)}`;
          }
          return text;
        }),
      fc.stringMatching(/^\d{1,8}$/),
      separator,
      fc.constantFrom("é", "x", "Ω", "٣", "４", "½", "T"),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const normalised = normaliseForPanScan(pieces.join(""));
        if (!mayHoldCardNumber(normalised))
          expect(searchCardNumberWindows(normalised), normalised).to.deep.equal([]);
      }),
      { numRuns: 3000 },
    );
  });
});
