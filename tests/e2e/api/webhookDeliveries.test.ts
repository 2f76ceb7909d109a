/**
 * Webhook deliveries over HTTP as providers really send them: each amount lane, repeated and
 * conflicting deliveries, bad signatures and invalid bodies, and the business outcomes that
 * follow (sanctioned country blocked, high value reviewed or alerted).
 */
import { expect } from "chai";
import { usePipelineTarget } from "../support/pipelineTarget";
import { transactionBody } from "../support/transactionBodies";

describe("webhook deliveries end to end", function () {
  this.timeout(120_000);
  const pipeline = usePipelineTarget();

  for (const { lane, amount, currency } of [
    { lane: "low", amount: "42.50", currency: "USD" },
    { lane: "medium", amount: "5000.00", currency: "USD" },
    { lane: "high", amount: "25000.00", currency: "USD" },
    // 2,000,000 yen is about 13,000 dollars: lanes go by the US-dollar equivalent.
    { lane: "high", amount: "2000000", currency: "JPY" },
  ]) {
    it(`routes ${amount} ${currency} to the ${lane} lane and records the lane with the decision`, async () => {
      const id = pipeline.client.transactionId(`lane-${lane}-${currency}`);
      const accepted = await pipeline.client.postWebhook(transactionBody(id, { amount, currency }));
      expect(accepted.status, accepted.text).to.equal(202);
      const decided = await pipeline.client.waitForDecision(pipeline.client.key(id));
      expect(decided.body.status, decided.text).to.be.oneOf(["APPROVED", "REVIEW", "REJECTED"]);
      expect(decided.body.decision?.lane).to.equal(lane);
      expect(decided.body).to.include({ amount, currency });
    });
  }

  it("answers a repeated delivery exactly as the first and decides the transaction once", async () => {
    const id = pipeline.client.transactionId("duplicate");
    const body = JSON.stringify(transactionBody(id));
    const first = await pipeline.client.postWebhook(body, { deliveryId: `msg_${id}` });
    const again = await pipeline.client.postWebhook(body, { deliveryId: `msg_${id}` });
    // A provider's retry may carry a new delivery id for the same transaction: still one transaction.
    const redelivered = await pipeline.client.postWebhook(body);
    expect(first.status).to.equal(202);
    expect(again.status).to.equal(first.status);
    expect(again.text).to.equal(first.text);
    expect(redelivered.status).to.equal(202);
    const decided = await pipeline.client.waitForDecision(pipeline.client.key(id));
    expect(decided.body.status).to.equal("APPROVED");
  });

  it("refuses a different payload under an id already received with 409", async () => {
    const id = pipeline.client.transactionId("conflict");
    const first = await pipeline.client.postWebhook(transactionBody(id, { amount: "10.00" }));
    const changed = await pipeline.client.postWebhook(transactionBody(id, { amount: "99.00" }));
    expect(first.status).to.equal(202);
    expect(changed.status, changed.text).to.equal(409);
    expect(changed.body).to.have.nested.property("error.code");
    const decided = await pipeline.client.waitForDecision(pipeline.client.key(id));
    expect(decided.body.amount).to.equal("10.00");
  });

  it("refuses a delivery signed with another secret with 401 and stores nothing", async () => {
    const id = pipeline.client.transactionId("bad-signature");
    const wrongSecret = `whsec_${Buffer.from("a-secret-the-pipeline-never-saw").toString("base64")}`;
    const answer = await pipeline.client.postWebhook(transactionBody(id), { secret: wrongSecret });
    expect(answer.status, answer.text).to.equal(401);
    expect((await pipeline.client.getTransaction(pipeline.client.key(id))).status).to.equal(404);
  });

  it("refuses an amount with more decimals than the currency has with 400 naming the field", async () => {
    const id = pipeline.client.transactionId("invalid-amount");
    const answer = await pipeline.client.postWebhook(transactionBody(id, { amount: "12.345" }));
    expect(answer.status, answer.text).to.equal(400);
    expect(answer.body).to.have.nested.property("error.field", "amount");
    expect(answer.body).to.have.nested.property("error.code", "INVALID_AMOUNT");
  });

  it("refuses a body that is not JSON with 400", async () => {
    const answer = await pipeline.client.postWebhook("{not json");
    expect(answer.status, answer.text).to.equal(400);
  });

  it("rejects a transaction with a comprehensively sanctioned country (compliance BLOCK)", async () => {
    const id = pipeline.client.transactionId("sanctioned");
    await pipeline.client.postWebhook(transactionBody(id, { amount: "120.00", merchant_country: "KP" }));
    const decided = await pipeline.client.waitForDecision(pipeline.client.key(id));
    expect(decided.body.status, decided.text).to.equal("REJECTED");
    expect(decided.body.decision?.compliance?.decision).to.equal("BLOCK");
  });

  it("never answers a full card number, even when one was sent in the metadata", async () => {
    const id = pipeline.client.transactionId("pan");
    const answer = await pipeline.client.postWebhook(
      transactionBody(id, { metadata: { note: "card 4111 1111 1111 1111" } }),
    );
    expect(answer.status, answer.text).to.equal(400);
    expect(answer.text).not.to.contain("4111 1111 1111 1111");
    expect(answer.text).not.to.contain("4111111111111111");
  });
});
