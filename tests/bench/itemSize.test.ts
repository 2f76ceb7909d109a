/** The DynamoDB item-size rules the capacity model counts request units with, on hand-sized items. */
import { expect } from "chai";
import { attributeValueBytes, itemBytes, readUnits, writeUnits } from "../../bench/capacity/itemSize";

describe("DynamoDB item sizes", () => {
  it("counts names, UTF-8 strings, numbers, booleans, lists and maps as the Developer Guide says", () => {
    const item = {
      // 2 + 3
      id: { S: "abc" },
      // 1 + (5 significant digits → 3 bytes + 1)
      n: { N: "123.45" },
      // 1 + (3 + (1 + 1 + 1)): map overhead, element overhead, key "a", boolean
      m: { M: { a: { BOOL: true } } },
      // 1 + (3 + (1 + 1)): list overhead, element overhead, "x"
      l: { L: [{ S: "x" }] },
    };
    expect(itemBytes(item)).to.equal(5 + 5 + 7 + 6);
    expect(attributeValueBytes({ S: "€" })).to.equal(3);
    expect(attributeValueBytes({ N: "-0.00100" })).to.equal(2);
    expect(attributeValueBytes({ NULL: true })).to.equal(1);
  });

  it("rounds writes to 1 KB and reads to 4 KB, halving eventually consistent reads", () => {
    expect(writeUnits(1)).to.equal(1);
    expect(writeUnits(1024)).to.equal(1);
    expect(writeUnits(1025)).to.equal(2);
    expect(readUnits(0, "strong")).to.equal(1);
    expect(readUnits(4097, "strong")).to.equal(2);
    expect(readUnits(100, "eventual")).to.equal(0.5);
    expect(readUnits(8193, "eventual")).to.equal(1.5);
  });
});
