import { expect } from "chai";
import { findSensitiveData, isSensitiveKey } from "../../functions/shared/sensitiveData";

describe("sensitive authentication data", () => {
  for (const key of [
    "cvv",
    "CVV2",
    "cvc",
    "Cvc2",
    "cvc_2",
    "pin",
    "PIN",
    "pinBlock",
    "track1",
    "Track-2",
    "trackData",
    "securityCode",
  ]) {
    it(`treats the key "${key}" as sensitive`, () => {
      expect(isSensitiveKey(key)).to.equal(true);
    });
  }

  for (const key of ["pinned", "cid", "spin", "trackingNumber", "customerId", "last4"]) {
    it(`does not treat the key "${key}" as sensitive`, () => {
      expect(isSensitiveKey(key)).to.equal(false);
    });
  }

  it("finds sensitive keys at any depth and ignores empty values", () => {
    // Prepare
    const input = {
      card: { last4: "1111", cvv: "123" },
      metadata: { items: [{ PIN: 1234 }], pin: null, cvc: "" },
    };
    // Act
    const paths = findSensitiveData(input);
    // Assess
    expect(paths).to.deep.equal(["card.cvv", "metadata.items[0].PIN"]);
  });
});
