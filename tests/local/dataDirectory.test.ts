/**
 * `npm start -- --data-dir <folder>`: DynamoDB data (transactions, delivery records, files)
 * survives a restart of the local stack; without it, everything is in memory.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalStack, type LocalStack } from "../../local/localStack";
import { PipelineClient } from "../../tools/pipelineClient";

const webhookSecret = `whsec_${Buffer.from("data-directory-test-secret-32-bytes!").toString("base64")}`;
const apiKey = "data-dir-test-key";
const uploadApiKey = "data-dir-test-upload-key";

function start(dataDirectory: string): Promise<LocalStack> {
  return startLocalStack({
    apiKey,
    uploadApiKey,
    webhookSecret,
    port: 0,
    dataDirectory,
    apiLogLevel: "SILENT",
    functionEnvironment: { POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true" },
  });
}

function clientOf(stack: LocalStack): PipelineClient {
  return new PipelineClient({
    outputs: stack.outputs,
    apiKey,
    uploadApiKey,
    webhookSecret,
    providerName: "local",
    runId: "data-dir",
    settled: () => stack.pipeline.idle(),
    decisionTimeoutMs: 10_000,
  });
}

describe("local stack with a data directory", function () {
  this.timeout(60_000);
  let directory: string;

  before(() => {
    directory = mkdtempSync(join(tmpdir(), "local-data-"));
  });

  after(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("keeps a decided transaction and its delivery record across a restart", async () => {
    const body = {
      transaction_id: "persisted-1",
      amount: "12.00",
      currency: "USD",
      customer_id: "customer-persisted",
      merchant_id: "merchant-1",
    };
    const first = await start(directory);
    let delivery: { status: number; text: string };
    try {
      const client = clientOf(first);
      delivery = await client.postWebhook(body, { deliveryId: "msg_persisted_1" });
      expect(delivery.status).to.equal(202);
      expect((await client.waitForDecision("local#persisted-1")).body.status).to.equal("APPROVED");
    } finally {
      await first.stop();
    }

    const second = await start(directory);
    try {
      const client = clientOf(second);
      const stored = await client.getTransaction("local#persisted-1");
      expect(stored.status).to.equal(200);
      expect(stored.body.status).to.equal("APPROVED");
      // The same delivery after the restart is recognised, not accepted a second time.
      const again = await client.postWebhook(body, { deliveryId: "msg_persisted_1" });
      expect(again.text).to.equal(delivery.text);
    } finally {
      await second.stop();
    }
  });
});
