/**
 * 10,000 random metadata objects (tests/properties/support/hostileMetadata.ts: names JavaScript
 * gives a meaning of its own, every JSON type, numbers spelled every way, nesting) posted as signed
 * webhooks to the whole local pipeline of `npm start`: intake, the local bus, the deployed state
 * machine on the emulators, the decision read back over HTTP. Each must end refused at intake with
 * a reason (a 4xx with a code) or decided (APPROVED, REVIEW or REJECTED); none may answer 5xx or
 * reach the dead-letter queue. Sent a few at a time, as a provider's delivery workers would.
 *
 * About five minutes on two shared cores, so `npm test` leaves it out (package.json); it runs in
 * `npm run test:reliability`. The same generator's 10,000 objects through validation and the
 * store's marshalling alone are tests/properties/hostileMetadata.test.ts (part of `npm test`), and
 * 300 of them through this pipeline are in tests/e2e/api/hostileInput.test.ts.
 */
import { expect } from "chai";
import fc from "fast-check";
import { mapWithConcurrency } from "../../functions/shared/concurrency";
import { hostileMetadataJson } from "../properties/support/hostileMetadata";
import { usePipelineTarget } from "../e2e/support/pipelineTarget";
import { transactionBody } from "../e2e/support/transactionBodies";

const objects = 10_000;
/** Fixed, so a failure names objects that can be sampled again. */
const seed = 1313;
const inFlight = 16;
const decided = ["APPROVED", "REVIEW", "REJECTED"];

describe("reliability: hostile metadata through the whole local pipeline", function () {
  this.timeout(3_600_000);
  const pipeline = usePipelineTarget();

  it(`${objects.toLocaleString("en-US")} random metadata objects: each refused with a reason (4xx and a code) or decided, none answered 5xx, none dead-lettered`, async () => {
    // Prepare
    const samples = fc.sample(hostileMetadataJson, { numRuns: objects, seed });
    const accepted: Array<{ key: string; metadataJson: string }> = [];
    const refusedCodes = new Map<string, number>();
    const problems: string[] = [];

    // Act
    await mapWithConcurrency(samples, inFlight, async (metadataJson, index) => {
      const id = pipeline.client.transactionId(`meta-${index}`);
      const text = JSON.stringify(transactionBody(id)).replace(/\}$/, `,"metadata":${metadataJson}}`);
      const answer = await pipeline.client.postWebhook(text);
      if (answer.status === 202) {
        accepted.push({ key: pipeline.client.key(id), metadataJson });
        return;
      }
      const code = (answer.body as { error?: { code?: unknown } }).error?.code;
      if (answer.status >= 400 && answer.status < 500 && typeof code === "string" && /^[A-Z_]+$/.test(code)) {
        refusedCodes.set(code, (refusedCodes.get(code) ?? 0) + 1);
      } else problems.push(`#${index} ${metadataJson}: ${answer.status} ${answer.text.slice(0, 200)}`);
    });
    await pipeline.target.settled?.();
    await mapWithConcurrency(accepted, inFlight, async ({ key, metadataJson }) => {
      const view = await pipeline.client.waitForDecision(key);
      if (view.status !== 200 || !decided.includes(view.body.status) || view.body.decision === undefined)
        problems.push(`${key} ${metadataJson}: ${view.status} ${view.text.slice(0, 200)}`);
    });
    const deadLetters = await pipeline.client.deadLetterBodies();

    // Assess
    expect(
      problems.length,
      `${problems.length} problems, the first:\n${problems.slice(0, 10).join("\n")}`,
    ).to.equal(0);
    expect(deadLetters.length, deadLetters.slice(0, 3).join("\n")).to.equal(0);
    const refused = [...refusedCodes.values()].reduce((sum, count) => sum + count, 0);
    expect(accepted.length + refused).to.equal(objects);
    // Both outcomes are exercised, or the generator has drifted.
    expect(accepted.length, "accepted and decided").to.be.greaterThan(objects / 20);
    expect(refused, `refused: ${JSON.stringify([...refusedCodes])}`).to.be.greaterThan(objects / 20);
  });
});
