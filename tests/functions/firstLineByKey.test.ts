/**
 * FirstLineByKey, the CSV reader's compact record of each transaction id's first line: it answers
 * exactly as a Map would, for keys whose hashes collide, keys it keeps in its fallback Map, and
 * enough keys to grow its table and fill several chunks of each kind.
 */
import { expect } from "chai";
import fc from "fast-check";
import { FirstLineByKey } from "../../functions/shared/firstLineByKey";

/** What FirstLineByKey must answer: a plain Map doing the same. */
function firstLineOrRememberInMap(map: Map<string, number>, key: string, line: number): number | undefined {
  const first = map.get(key);
  if (first === undefined) map.set(key, line);
  return first;
}

describe("FirstLineByKey", () => {
  it("answers as a Map for any keys, repeated or not", () => {
    const key = fc.oneof(
      fc.stringMatching(/^[a-z0-9-]{0,6}$/),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: "binary", maxLength: 4 }),
      fc.constantFrom("", "a".repeat(255), "a".repeat(256), "ÿ", "Ā", "😀"),
    );
    fc.assert(
      fc.property(fc.array(key, { maxLength: 200 }), (keys) => {
        // Prepare
        const index = new FirstLineByKey();
        const map = new Map<string, number>();
        keys.forEach((text, line) => {
          // Act, Assess
          expect(index.firstLineOrRemember(text, line), JSON.stringify(text)).to.equal(
            firstLineOrRememberInMap(map, text, line),
          );
        });
        expect(index.size).to.equal(map.size);
      }),
    );
  });

  it("tells apart two keys whose hashes are the same", () => {
    // Prepare: "id-5pvu" and "id-c3ea" have the same 32-bit FNV-1a hash (2578039723).
    const index = new FirstLineByKey();
    // Act
    const first = index.firstLineOrRemember("id-5pvu", 2);
    const second = index.firstLineOrRemember("id-c3ea", 3);
    const repeat = index.firstLineOrRemember("id-c3ea", 4);
    // Assess
    expect([first, second, repeat]).to.deep.equal([undefined, undefined, 3]);
  });

  it("keeps every one of 300,000 ids across table growth and chunk boundaries", () => {
    // Prepare
    const index = new FirstLineByKey();
    const ids = Array.from({ length: 300_000 }, (_, n) => `tx-${String(n).padStart(9, "0")}`);
    // Act
    const firstPass = ids.map((id, n) => index.firstLineOrRemember(id, n + 2));
    const secondPass = ids.map((id) => index.firstLineOrRemember(id, 0));
    // Assess
    expect(firstPass.every((answer) => answer === undefined)).to.equal(true);
    expect(secondPass.every((answer, n) => answer === n + 2)).to.equal(true);
    expect(index.size).to.equal(ids.length);
  });
});
