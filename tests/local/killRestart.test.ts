/**
 * One seed of the kill test in the default suite (the others are in tests/reliability): a real
 * `npm start -- --data-dir` killed with SIGKILL mid-load and started again keeps every 202.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killAndRestart } from "../reliability/support/killRestart";

describe("npm start --data-dir, killed and restarted (one seed)", function () {
  this.timeout(1_500_000);
  let folder: string;
  before(() => (folder = mkdtempSync(join(tmpdir(), "kill-restart-"))));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it("every webhook answered 202 is decided, and the 2,000-row file COMPLETED with exact counts", async () => {
    const result = await killAndRestart("seed-2", join(folder, "data"));
    expect(result.accepted).to.have.length(200);
    expect(result.undecided).to.deep.equal([]);
    const file = result.file;
    expect(file).to.include({ status: "COMPLETED", rows: 2000, valid_rows: 2000, invalid_rows: 0 });
    expect(Number(file.published_rows) + Number(file.already_received_rows ?? 0)).to.equal(2000);
    // Each row counted once: as many outcomes as published rows, split exactly over the decisions.
    expect(file.decided_rows).to.equal(file.published_rows);
    expect(
      Number(file.approved) +
        Number(file.review) +
        Number(file.rejected) +
        Number(file.dead_lettered_rows ?? 0),
    ).to.equal(file.decided_rows);
  });
});
