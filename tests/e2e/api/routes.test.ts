/**
 * Every route of the ingest API over HTTP, on the target the stack outputs describe (the local
 * stack by default; a deployed one with `npm run test:integration -- --stack <name>`): what each
 * answers, and what the API itself refuses before a function runs (no key, unknown route).
 */
import { expect } from "chai";
import { usePipelineTarget } from "../support/pipelineTarget";
import { transactionBody } from "../support/transactionBodies";

describe("ingest API routes end to end", function () {
  this.timeout(120_000);
  const pipeline = usePipelineTarget();

  it("POST /webhook accepts a signed delivery with 202 RECEIVED and the namespaced id", async () => {
    const id = pipeline.client.transactionId("route-webhook");
    const answer = await pipeline.client.postWebhook(transactionBody(id));
    expect(answer.status, answer.text).to.equal(202);
    expect(answer.body).to.deep.equal({ transaction_id: pipeline.client.key(id), status: "RECEIVED" });
  });

  it("GET /transactions/{id} answers the decided transaction with amount as a decimal string", async () => {
    const id = pipeline.client.transactionId("route-status");
    await pipeline.client.postWebhook(transactionBody(id, { amount: "19.99" }));
    const answer = await pipeline.client.waitForDecision(pipeline.client.key(id));
    expect(answer.status, answer.text).to.equal(200);
    expect(answer.body).to.include({
      transaction_id: pipeline.client.key(id),
      status: "APPROVED",
      amount: "19.99",
    });
    expect(answer.body.decision?.status).to.equal("APPROVED");
    expect(answer.text).not.to.match(/\d{13,19}/);
  });

  it("GET /transactions/{id} answers 404 for an id never sent", async () => {
    const answer = await pipeline.client.getTransaction(
      pipeline.client.key(pipeline.client.transactionId("never-sent")),
    );
    expect(answer.status).to.equal(404);
  });

  it("refuses the key-protected routes without the API key (403 before any function runs)", async () => {
    const answer = await pipeline.client.getTransaction(pipeline.client.key("anything"), "wrong-key");
    expect(answer.status).to.equal(403);
    const upload = await fetch(`${pipeline.target.outputs.apiUrl}/upload`, {
      method: "POST",
      headers: { "Content-Type": "text/csv" },
      body: "transaction_id,amount\n",
    });
    expect(upload.status).to.equal(403);
  });

  it("answers 403 for a route the API does not have", async () => {
    const answer = await fetch(`${pipeline.target.outputs.apiUrl}/no-such-route`);
    expect(answer.status).to.equal(403);
  });

  it("POST /upload validates a CSV body and GET /files/{file_id} follows it to COMPLETED", async () => {
    const id = pipeline.client.transactionId("route-csv");
    const csv = [
      "transaction_id,amount,currency,timestamp,merchant,status,customer_id",
      `${id},10.00,USD,2026-01-15T09:30:00Z,Corner Shop,completed,customer-${id}`,
    ].join("\n");
    const uploaded = await pipeline.client.uploadCsv(csv);
    expect(uploaded.status, uploaded.text).to.equal(202);
    expect(uploaded.body).to.include({ rows: 1, valid_rows: 1, invalid_rows: 0 });
    const file = await pipeline.client.waitForFile(uploaded.body.file_id, ["COMPLETED"]);
    expect(file.body, file.text).to.include({ status: "COMPLETED", decided_rows: 1, approved: 1 });
  });

  it("POST /uploads answers a presigned PUT that takes a file through to COMPLETED", async () => {
    const presigned = await pipeline.client.requestUploadUrl();
    expect(presigned.status, presigned.text).to.be.oneOf([200, 201]);
    const {
      file_id: fileId,
      upload_url: uploadUrl,
      headers,
    } = presigned.body as {
      file_id: string;
      upload_url: string;
      headers: Record<string, string>;
    };
    const id = pipeline.client.transactionId("route-presigned");
    const put = await fetch(uploadUrl, {
      method: "PUT",
      headers,
      body: [
        "transaction_id,amount,currency,timestamp,merchant,status",
        `${id},30.00,EUR,2026-01-15T09:30:00Z,Bakery,completed`,
      ].join("\n"),
    });
    expect(put.status, await put.text()).to.equal(200);
    const file = await pipeline.client.waitForFile(fileId, ["COMPLETED", "REJECTED"]);
    expect(file.body, file.text).to.include({ status: "COMPLETED", decided_rows: 1 });
  });

  it("each API key opens its own routes only: 403 FORBIDDEN for the other key's", async () => {
    const { apiUrl } = pipeline.target.outputs;
    const { apiKey: statusKey, uploadApiKey: uploadKey } = pipeline.target;
    const id = pipeline.client.transactionId("route-keys");
    const csv = `transaction_id,amount,currency,timestamp,merchant,status\n${id},1.00,EUR,2026-01-15T09:30:00Z,Bakery,completed\n`;
    const attempts = await Promise.all([
      fetch(`${apiUrl}/transactions/${encodeURIComponent(pipeline.client.key(id))}`, {
        headers: { "x-api-key": uploadKey },
      }),
      fetch(`${apiUrl}/upload`, {
        method: "POST",
        headers: { "x-api-key": statusKey, "Content-Type": "text/csv" },
        body: csv,
      }),
      fetch(`${apiUrl}/uploads`, { method: "POST", headers: { "x-api-key": statusKey } }),
      fetch(`${apiUrl}/files/00000000-0000-4000-8000-000000000000`, { headers: { "x-api-key": statusKey } }),
    ]);
    for (const answer of attempts) {
      expect(answer.status, answer.url).to.equal(403);
      expect(await answer.json()).to.deep.equal({
        error: { code: "FORBIDDEN", message: "This API key is not allowed on this route." },
      });
    }
    const own = await Promise.all([
      fetch(`${apiUrl}/transactions/${encodeURIComponent(pipeline.client.key(id))}`, {
        headers: { "x-api-key": statusKey },
      }),
      fetch(`${apiUrl}/files/00000000-0000-4000-8000-000000000000`, { headers: { "x-api-key": uploadKey } }),
    ]);
    expect(own.map((answer) => answer.status)).to.deep.equal([404, 404]);
  });
});
