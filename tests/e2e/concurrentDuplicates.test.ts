/**
 * 200 copies of one delivery at once, as a provider's retry storm or a replayed batch sends them:
 * the transaction is accepted once, and every copy gets the first answer (a copy that arrives
 * while the first is still being accepted waits for it instead of answering 503).
 */
import { expect } from "chai";
import { startFaultyStack, type FaultyStack } from "../reliability/support/faultyStack";
import { transactionBody } from "./support/transactionBodies";

describe("concurrent duplicate deliveries on the local stack", function () {
  this.timeout(120_000);
  let target: FaultyStack | undefined;
  after(async () => target?.close());

  it("answers 200 concurrent copies of one delivery with the same 202 and starts one execution", async () => {
    let executions = 0;
    target = await startFaultyStack({
      faults: {
        onExecutionStart() {
          executions += 1;
          return undefined;
        },
      },
    });
    const { client, pipeline } = target;
    const text = JSON.stringify(transactionBody("storm-1"));
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => client.postWebhook(text, { deliveryId: "msg_storm-1" })),
    );
    const distinct = new Set(answers.map((answer) => `${answer.status} ${JSON.stringify(answer.body)}`));
    expect([...distinct]).to.deep.equal([
      `202 ${JSON.stringify({ transaction_id: client.key("storm-1"), status: "RECEIVED" })}`,
    ]);
    await pipeline.idle();
    expect(executions).to.equal(1);
  });
});
