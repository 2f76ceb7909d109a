/**
 * The demo's scenarios (`npm run demo`) give the outcomes the demo promises, on the same target
 * as the rest of the end-to-end suite.
 */
import { expect } from "chai";
import { demoScenarios } from "../../../tools/demo/demoScenarios";
import { usePipelineTarget } from "../support/pipelineTarget";

describe("demo scenarios end to end", function () {
  this.timeout(120_000);
  const pipeline = usePipelineTarget();

  for (const scenario of demoScenarios) {
    it(`${scenario.name}: ${scenario.expected.http} ${scenario.expected.outcome}`, async () => {
      const result = await scenario.run(pipeline.client);
      expect({ http: result.http, outcome: result.outcome }, result.reasons.join(", ")).to.deep.equal(
        scenario.expected,
      );
    });
  }
});
