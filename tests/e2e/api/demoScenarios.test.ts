/**
 * The demo's scenarios (`npm run demo`) give the outcomes the demo promises, on the same target
 * as the rest of the end-to-end suite.
 */
import { expect } from "chai";
import { demoScenarios } from "../../../tools/demo/demoScenarios";
import { PipelineClient } from "../../../tools/pipelineClient";
import { openPipelineTarget, type PipelineTarget } from "../support/pipelineTarget";

describe("demo scenarios end to end", function () {
  this.timeout(120_000);
  let target: PipelineTarget;
  let client: PipelineClient;

  before(async () => {
    target = await openPipelineTarget();
    client = new PipelineClient(target);
  });

  after(async () => {
    await target?.close();
  });

  for (const scenario of demoScenarios) {
    it(`${scenario.name}: ${scenario.expected.http} ${scenario.expected.outcome}`, async () => {
      const result = await scenario.run(client);
      expect({ http: result.http, outcome: result.outcome }, result.reasons.join(", ")).to.deep.equal(
        scenario.expected,
      );
    });
  }
});
