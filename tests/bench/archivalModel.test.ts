import { expect } from "chai";
import { estimateArchivalRun } from "../../bench/capacity/archivalModel";

describe("archival run model", () => {
  // Hand computed: 600,000 items in parts of 1,000 = 600 parts. One part: query 10 + 3 rounds of
  // 4 BatchGets (10 requests) x 5 + PUT 40 + GET 20 + manifest PUT 40 + 63 rounds of 16 items x
  // (put 5 + delete 5) + manifest PUT 40 = 10 + 15 + 40 + 20 + 40 + 630 + 40 = 795 ms.
  const inputs = {
    transactions: 600_000,
    chunkSize: 1000,
    partConcurrency: 4,
    itemConcurrency: 16,
    timeoutSeconds: 900,
    itemBytes: 1000,
    latencyMs: { dynamoDbItem: 5, dynamoDbQuery: 10, dynamoDbBatchGet: 5, s3Put: 40, s3Get: 20 },
  };

  it("times a part from its calls and runs parts side by side", () => {
    const estimate = estimateArchivalRun(inputs);
    expect(estimate.parts).to.equal(600);
    expect(estimate.partSeconds).to.be.closeTo(0.795, 1e-9);
    // 150 rounds of 4 parts.
    expect(estimate.runSeconds).to.be.closeTo(150 * 0.795, 1e-9);
    expect(estimate.headroom).to.be.closeTo(900 / 119.25, 1e-9);
    expect(estimate.itemsPerSecondPerWorker).to.be.closeTo(1000 / 0.795, 1e-9);
    expect(estimate.requests).to.deep.equal({
      query: 600,
      batchGet: 6000,
      putItem: 600_000,
      deleteItem: 600_000,
      s3Put: 1800,
      s3Get: 600,
    });
  });

  it("one part at a time takes four times as long", () => {
    const single = estimateArchivalRun({ ...inputs, partConcurrency: 1 });
    expect(single.runSeconds).to.be.closeTo(600 * 0.795, 1e-9);
  });
});
