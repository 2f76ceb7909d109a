/**
 * The attacks a careless integrator or a hostile sender tries, over HTTP against the pipeline of
 * `npm start` (or a deployed stack, see pipelineTarget.ts): card numbers in every rendering in body
 * fields and in the URL, a CSV file holding one, hostile metadata property names and values,
 * millisecond-timestamp ids (which must not be mistaken for cards), a signature over other bytes
 * and a non-canonical webhook-timestamp. Route-scoped API keys are in routes.test.ts.
 */
import { expect } from "chai";
import fc from "fast-check";
import { createHmac } from "node:crypto";
import { findPans } from "../../../functions/shared/pan";
import { cardNumbersByBrand, renderings } from "../../functions/support/panCorpus";
import { hostileMetadataJson } from "../../properties/support/hostileMetadata";
import { usePipelineTarget } from "../support/pipelineTarget";
import { transactionBody } from "../support/transactionBodies";

const decided = ["APPROVED", "REVIEW", "REJECTED"];

describe("hostile input end to end", function () {
  this.timeout(300_000);
  const pipeline = usePipelineTarget();

  /** Standard Webhooks v1 over exact bytes, as a sender's own HMAC code computes it. */
  function signBytes(id: string, timestamp: string, bytes: Buffer): string {
    const key = Buffer.from(pipeline.target.webhookSecret.slice("whsec_".length), "base64");
    const mac = createHmac("sha256", key).update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`), bytes]));
    return `v1,${mac.digest("base64")}`;
  }

  async function postBytes(bytes: Buffer, headers: Record<string, string>): Promise<number> {
    const answer = await fetch(pipeline.target.outputs.webhookUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: bytes,
    });
    await answer.arrayBuffer();
    return answer.status;
  }

  it("card numbers in every rendering, in body fields, metadata keys and values: 400 PAN_DETECTED, never echoed, never stored", async () => {
    const fields: ReadonlyArray<(text: string) => Record<string, unknown>> = [
      (text) => ({ customer_id: text }),
      (text) => ({ merchant_name: text }),
      (text) => ({ metadata: { [text]: "x" } }),
      (text) => ({ metadata: { nested: [{ note: text }] } }),
    ];
    const problems: string[] = [];
    let sequence = 0;
    for (const [brand, pan] of cardNumbersByBrand.slice(0, 4)) {
      for (const [rendering, render] of renderings) {
        for (const field of fields) {
          sequence += 1;
          const id = pipeline.client.transactionId(`pan-${sequence}`);
          const answer = await pipeline.client.postWebhook(transactionBody(id, field(render(pan))));
          const code = (answer.body as { error?: { code?: string } }).error?.code;
          if (answer.status !== 400 || code !== "PAN_DETECTED")
            problems.push(`${brand} ${rendering}: ${answer.status}`);
          if (findPans(answer.body).length > 0) problems.push(`${brand} ${rendering}: echoed`);
          const stored = await pipeline.client.getTransaction(pipeline.client.key(id));
          if (stored.status !== 404) problems.push(`${brand} ${rendering}: GET answered ${stored.status}`);
        }
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it("a card number in the URL path or query: 400 PAN_DETECTED without the number", async () => {
    const { apiUrl } = pipeline.target.outputs;
    const attempts = [
      [`${apiUrl}/transactions/4100282491748633`, pipeline.target.apiKey],
      [`${apiUrl}/transactions/local%234111.1111.1111.1111`, pipeline.target.apiKey],
      [`${apiUrl}/transactions/local%23tx?ref=4111_1111_1111_1111`, pipeline.target.apiKey],
      [`${apiUrl}/files/4111-1111-1111-1111`, pipeline.target.uploadApiKey],
    ] as const;
    for (const [url, key] of attempts) {
      const answer = await fetch(url, { headers: { "x-api-key": key } });
      const text = await answer.text();
      expect(answer.status, url).to.equal(400);
      expect(findPans(JSON.parse(text)), url).to.deep.equal([]);
    }
  });

  it("a CSV file with a card number in a cell is refused whole (422 PAN_DETECTED) and its status says so", async () => {
    const id = pipeline.client.transactionId("csv-pan");
    const csv = [
      "transaction_id,amount,currency,timestamp,merchant,status,notes",
      `${id}-a,10.00,USD,2026-01-15T09:30:00Z,Bakery,completed,fine`,
      `${id}-b,10.00,USD,2026-01-15T09:30:00Z,Bakery,completed,card 4111.1111.1111.1111`,
    ].join("\n");
    const answer = await pipeline.client.uploadCsv(csv);
    expect(answer.status, answer.text).to.equal(422);
    expect(findPans(answer.body)).to.deep.equal([]);
    const fileId = (answer.body as { file_id: string }).file_id;
    const status = await pipeline.client.getFile(fileId);
    expect(status.body).to.include({ status: "REJECTED" });
    expect(findPans(status.body)).to.deep.equal([]);
  });

  it("metadata named constructor, __proto__ or prototype: 400 with a reason naming it, never a dead letter", async () => {
    for (const metadataJson of [
      '{"constructor":{"a":1}}',
      '{"a":{"constructor":"x"}}',
      '{"__proto__":{"polluted":true}}',
      '{"a":[{"__proto__":null}]}',
      '{"prototype":1}',
    ]) {
      const id = pipeline.client.transactionId(`meta-${Math.random().toString(36).slice(2, 8)}`);
      const text = JSON.stringify(transactionBody(id)).replace(/\}$/, `,"metadata":${metadataJson}}`);
      const answer = await pipeline.client.postWebhook(text);
      expect(answer.status, metadataJson).to.equal(400);
      expect(answer.text).to.match(/reserved by JavaScript/);
    }
  });

  it("300 random hostile metadata objects through the whole pipeline: each refused with a reason or decided", async () => {
    const samples = fc.sample(hostileMetadataJson, { numRuns: 300, seed: 13 });
    const accepted: string[] = [];
    for (const [index, metadataJson] of samples.entries()) {
      const id = pipeline.client.transactionId(`fuzz-${index}`);
      const text = JSON.stringify(transactionBody(id)).replace(/\}$/, `,"metadata":${metadataJson}}`);
      const answer = await pipeline.client.postWebhook(text);
      if (answer.status === 202) accepted.push(pipeline.client.key(id));
      else {
        expect(answer.status, metadataJson).to.equal(400);
        expect((answer.body as { error?: { code?: string } }).error?.code, metadataJson).to.match(
          /^[A-Z_]+$/,
        );
      }
    }
    expect(accepted.length, "some are accepted").to.be.greaterThan(0);
    for (const key of accepted) {
      const view = await pipeline.client.waitForDecision(key);
      expect(decided, key).to.include(view.body.status);
    }
  });

  it("150 ids holding a millisecond timestamp are accepted: no false card-number refusals", async () => {
    const start = 1_765_081_191_000;
    const refused: string[] = [];
    for (let index = 0; index < 150; index += 1) {
      const id = `p${start + index * 7919}_${index}`;
      const answer = await pipeline.client.postWebhook(transactionBody(`${pipeline.target.runId}-${id}`));
      if (answer.status !== 202) refused.push(`${id}: ${answer.status} ${answer.text}`);
    }
    expect(refused).to.deep.equal([]);
  });

  it("a signature over other bytes is 401: 0xFF signed as decoded text, 0xFE sent", async () => {
    const id = pipeline.client.transactionId("bytes");
    const signed = Buffer.from(JSON.stringify(transactionBody(id, { merchant_name: "Caf~" })));
    signed[signed.indexOf("~")] = 0xff;
    const sent = Buffer.from(signed);
    sent[sent.indexOf(0xff)] = 0xfe;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const status = await postBytes(sent, {
      "webhook-id": "msg_bytes",
      "webhook-timestamp": timestamp,
      "webhook-signature": signBytes("msg_bytes", timestamp, Buffer.from(signed.toString("utf8"))),
    });
    expect(status).to.equal(401);
    expect((await pipeline.client.getTransaction(pipeline.client.key(id))).status).to.equal(404);
  });

  it("a webhook-timestamp that is not canonical seconds is 401, even signed over its number", async () => {
    const bytes = Buffer.from(JSON.stringify(transactionBody(pipeline.client.transactionId("ts"))));
    const seconds = String(Math.floor(Date.now() / 1000));
    const status = await postBytes(bytes, {
      "webhook-id": "msg_ts",
      "webhook-timestamp": `00${seconds}`,
      "webhook-signature": signBytes("msg_ts", seconds, bytes),
    });
    expect(status).to.equal(401);
  });

  it("a webhook that is not application/json is 415", async () => {
    const answer = await fetch(pipeline.target.outputs.webhookUrl, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify(transactionBody(pipeline.client.transactionId("plain"))),
    });
    expect(answer.status).to.equal(415);
  });
});
