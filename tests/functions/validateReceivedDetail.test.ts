import { expect } from "chai";
import { validateReceivedDetail } from "../../functions/validation/validateReceivedDetail";
import { receivedDetail } from "./support/transactions";

const options = { now: new Date("2025-11-14T12:00:00.000Z"), maxAmountUsdMinor: 100_000_000 };

describe("validateReceivedDetail: the event's namespaced key and its transaction", () => {
  it("carries the namespaced key as the canonical transactionId, the id every later step uses", () => {
    // Act
    const result = validateReceivedDetail(receivedDetail(), options);
    // Assess
    expect(result.valid).to.equal(true);
    if (!result.valid) return;
    expect(result.transaction.transactionId).to.equal("acme#tx-fixture-1");
    expect(result.occurredAtDefaulted).to.equal(false);
  });

  it("says when occurredAt was defaulted, so a retry can reuse the stored one", () => {
    const result = validateReceivedDetail(receivedDetail({ occurredAt: undefined }), options);
    expect(result.valid && result.occurredAtDefaulted).to.equal(true);
  });

  it("answers MISSING_FIELD for transactionId when the key is absent", () => {
    // Act
    const result = validateReceivedDetail(receivedDetail({}, { transactionId: undefined }), options);
    // Assess
    expect(result.valid).to.equal(false);
    if (result.valid) return;
    expect(result.reasons).to.deep.equal([
      {
        code: "MISSING_FIELD",
        field: "transactionId",
        message: "transactionId: the event's namespaced key (detail.transactionId) is required",
      },
    ]);
  });

  it("rejects a key that does not end with #<transaction.transactionId>", () => {
    for (const key of ["acme#tx-other", "tx-fixture-1", "#tx-fixture-1", "acmetx-fixture-1"]) {
      const result = validateReceivedDetail(receivedDetail({}, { transactionId: key }), options);
      expect(result.valid, key).to.equal(false);
      if (!result.valid)
        expect(result.reasons[0]).to.include({ code: "INVALID_FIELD", field: "transactionId" });
    }
  });

  it("accepts any non-empty namespace, including one with its own separators", () => {
    const result = validateReceivedDetail(
      receivedDetail({}, { transactionId: "csv#file-7#tx-fixture-1" }),
      options,
    );
    expect(result.valid).to.equal(true);
  });

  it("rejects a non-string key and a key holding a card number, without repeating it", () => {
    // Act
    const numeric = validateReceivedDetail(receivedDetail({}, { transactionId: 42 }), options);
    const withPan = validateReceivedDetail(
      receivedDetail({ transactionId: "4111111111111111" }, { transactionId: "acme#4111111111111111" }),
      options,
    );
    // Assess
    expect(numeric.valid).to.equal(false);
    expect(withPan.valid).to.equal(false);
    if (withPan.valid) return;
    expect(withPan.reasons.map((reason) => reason.code)).to.include("PAN_DETECTED");
    expect(JSON.stringify(withPan)).not.to.contain("4111111111111111");
  });

  it("answers MISSING_FIELD for a detail without a transaction, and INVALID_FIELD for a detail that is not an object", () => {
    // Act
    const noTransaction = validateReceivedDetail({ transactionId: "acme#1" }, options);
    const notAnObject = validateReceivedDetail(null, options);
    // Assess
    expect(
      noTransaction.valid || noTransaction.reasons.map((reason) => `${reason.code}:${reason.field}`),
    ).to.deep.equal(["MISSING_FIELD:transaction"]);
    expect(
      notAnObject.valid || notAnObject.reasons.map((reason) => `${reason.code}:${reason.field}`),
    ).to.deep.equal(["INVALID_FIELD:detail"]);
  });

  it("reports key problems together with the transaction's own problems", () => {
    const result = validateReceivedDetail(
      receivedDetail({ amount: "0" }, { transactionId: undefined }),
      options,
    );
    expect(result.valid || result.reasons.map((reason) => reason.code)).to.have.members([
      "MISSING_FIELD",
      "INVALID_AMOUNT",
    ]);
  });
});
