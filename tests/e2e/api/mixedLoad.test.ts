/**
 * A crash-free run of 1,000 mixed requests: valid deliveries in every lane, repeats, conflicts,
 * bad signatures, invalid bodies, status reads and CSV files, sent 16 at a time. Nothing is lost:
 * every accepted transaction ends decided or in the dead-letter queue, no request gets a 5xx,
 * and the API still answers afterwards. (Speed is measured by `npm run bench`, not here.)
 */
import { expect } from "chai";
import { mapWithConcurrency } from "../../../functions/shared/concurrency";
import type { HttpAnswer } from "../../../tools/pipelineClient";
import { usePipelineTarget } from "../support/pipelineTarget";
import { transactionBody } from "../support/transactionBodies";

type Kind = "valid" | "repeat" | "conflict" | "bad-signature" | "invalid" | "status" | "csv";

/** Out of every 20 requests: mostly valid deliveries, some of each kind of trouble. */
const kindCycle: readonly Kind[] = [
  ...Array<Kind>(11).fill("valid"),
  "repeat",
  "repeat",
  "conflict",
  "bad-signature",
  "invalid",
  "invalid",
  "status",
  "status",
  "csv",
];
const amounts = ["12.00", "480.00", "999.99", "1000.00", "7250.50", "10000.00", "10000.01", "48000.00"];
const wrongSecret = `whsec_${Buffer.from("not-the-pipelines-signing-secret").toString("base64")}`;

describe("1,000 mixed requests end to end", function () {
  this.timeout(600_000);
  const pipeline = usePipelineTarget();

  it("loses nothing: every accepted transaction is decided or dead-lettered, and nothing answers 5xx", async () => {
    const accepted = new Set<string>();
    const csvFiles: string[] = [];
    const answers: { kind: Kind; answer: HttpAnswer<unknown> }[] = [];
    const requests = Array.from({ length: 1000 }, (_, index) => index);

    await mapWithConcurrency(requests, 16, async (index) => {
      const kind = kindCycle[index % kindCycle.length];
      const id = pipeline.client.transactionId(`mixed-${index}`);
      const body = transactionBody(id, { amount: amounts[index % amounts.length] });
      let answer: HttpAnswer<unknown>;
      switch (kind) {
        case "valid":
          answer = await pipeline.client.postWebhook(body);
          if (answer.status === 202) accepted.add(pipeline.client.key(id));
          break;
        case "repeat": {
          const text = JSON.stringify(body);
          const first = await pipeline.client.postWebhook(text, { deliveryId: `msg_${id}` });
          answer = await pipeline.client.postWebhook(text, { deliveryId: `msg_${id}` });
          expect(answer.text, "a repeat answers as the first").to.equal(first.text);
          if (answer.status === 202) accepted.add(pipeline.client.key(id));
          break;
        }
        case "conflict": {
          const first = await pipeline.client.postWebhook(body);
          if (first.status === 202) accepted.add(pipeline.client.key(id));
          answer = await pipeline.client.postWebhook({ ...body, amount: "1.23" });
          expect(answer.status, answer.text).to.equal(409);
          break;
        }
        case "bad-signature":
          answer = await pipeline.client.postWebhook(body, { secret: wrongSecret });
          expect(answer.status).to.equal(401);
          break;
        case "invalid":
          answer = await pipeline.client.postWebhook({
            ...body,
            currency: index % 2 === 0 ? "XYZ" : "USD",
            amount: "-5",
          });
          expect(answer.status).to.equal(400);
          break;
        case "status":
          answer = await pipeline.client.getTransaction(
            pipeline.client.key(pipeline.client.transactionId(`mixed-${index - 7}`)),
          );
          expect(answer.status).to.be.oneOf([200, 404]);
          break;
        case "csv": {
          const rows = Array.from(
            { length: 10 },
            (_, row) =>
              `${id}-row-${row},${amounts[row % amounts.length]},EUR,2026-01-15T09:30:00Z,Shop ${row},completed`,
          );
          answer = await pipeline.client.uploadCsv(
            ["transaction_id,amount,currency,timestamp,merchant,status", ...rows].join("\n"),
          );
          expect(answer.status, answer.text).to.equal(202);
          csvFiles.push((answer.body as { file_id: string }).file_id);
          break;
        }
      }
      answers.push({ kind, answer });
    });

    expect(answers).to.have.length(1000);
    const serverErrors = answers.filter(({ answer }) => answer.status >= 500);
    expect(serverErrors.map(({ kind, answer }) => `${kind}: ${answer.status} ${answer.text}`)).to.deep.equal(
      [],
    );

    await pipeline.target.settled?.();
    const deadLettered = (await pipeline.client.deadLetterBodies()).join("\n");
    const undecided: string[] = [];
    await mapWithConcurrency([...accepted], 16, async (key) => {
      const view = await pipeline.client.waitForDecision(key);
      const decided = view.status === 200 && ["APPROVED", "REVIEW", "REJECTED"].includes(view.body.status);
      if (!decided && !deadLettered.includes(key)) undecided.push(`${key}: ${view.status} ${view.text}`);
    });
    expect(undecided, "accepted but neither decided nor dead-lettered").to.deep.equal([]);
    expect(accepted.size).to.be.greaterThan(600);

    for (const fileId of csvFiles) {
      const file = await pipeline.client.waitForFile(fileId, ["COMPLETED"]);
      expect(file.body, file.text).to.include({ status: "COMPLETED", decided_rows: 10 });
    }
    expect(csvFiles).to.have.length(50);

    // Still up and answering after the run.
    const after = await pipeline.client.postWebhook(
      transactionBody(pipeline.client.transactionId("after-load")),
    );
    expect(after.status).to.equal(202);
  });
});
