/**
 * The dev and prod graphs keep every resource's URN: the program under mocks registers exactly
 * the resources listed in tests/program/urns/<stack>.txt, each under the parent named there. A
 * URN is how Pulumi recognises a resource from one deployment to the next, so a changed logical
 * name, type or parent chain replaces the resource in production (a new table, bucket or bus,
 * the old one deleted) unless an alias carries it. Moving code must leave these files unchanged.
 *
 * To accept a deliberate change of the graph (a resource added or removed on purpose), regenerate
 * the snapshots and review their diff before committing it:
 *
 *   UPDATE_URN_SNAPSHOTS=1 npx mocha tests/program/urns.test.ts
 *
 * What a mock test cannot prove: that the engine resolves aliases as intended (the mock monitor
 * ignores them, so a moved resource must keep its URN here), or that inputs which force a
 * replacement (a bucket's name, a table's key schema) are unchanged: the component tests pin those.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { installMocks } from "../support/pulumiMocks";
import { recordUrns } from "../support/resourceUrns";
import { settledResources } from "../support/settled";
import { project, stackFileConfig } from "../support/stackFileConfig";
import { loadStackConfig } from "../../stackConfig";

const snapshotDirectory = path.join(__dirname, "urns");
const updateSnapshots = process.env.UPDATE_URN_SNAPSHOTS === "1";

for (const stack of ["dev", "prod"]) {
  describe(`the ${stack} stack's resource URNs`, function () {
    // The whole program under mocks: seconds on an idle machine, more on a busy one.
    this.timeout(120_000);

    it(`are exactly those in tests/program/urns/${stack}.txt, each under the same parent`, async () => {
      // Prepare
      const recorder = await installMocks(stack, stackFileConfig(stack), project);
      const urns = recordUrns();
      // Loaded after the mocks so the program's module-level state binds to them.
      const { deployPipeline } = await import("../../program");

      // Act
      deployPipeline("eu-west-1", loadStackConfig());
      await settledResources(recorder);

      // Assess
      const snapshotFile = path.join(snapshotDirectory, `${stack}.txt`);
      const actual = urns.lines();
      expect(actual.length, "resources registered").to.be.greaterThan(100);
      if (updateSnapshots) fs.writeFileSync(snapshotFile, `${actual.join("\n")}\n`);
      const expected = fs
        .readFileSync(snapshotFile, "utf8")
        .split("\n")
        .filter((line) => line !== "");
      const added = actual.filter((line) => !expected.includes(line));
      const removed = expected.filter((line) => !actual.includes(line));
      expect({ added, removed }).to.deep.equal({ added: [], removed: [] });
      expect(actual).to.deep.equal(expected);
    });
  });
}
