/**
 * The pack as the Pulumi CLI loads it. policy/index.ts is read as text, never imported: building
 * a PolicyPack starts the analyzer's gRPC server, which would keep mocha alive.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { parse } from "yaml";
import { policies } from "../../policy/policies";

const packDirectory = path.resolve(__dirname, "../../policy");
const read = (file: string) => fs.readFileSync(path.join(packDirectory, file), "utf8");

describe("the policy pack", () => {
  it("has eleven mandatory policies with unique names and descriptions", () => {
    const names = policies.map((policy) => policy.name);
    expect(names).to.have.length(11);
    expect(new Set(names).size).to.equal(names.length);
    for (const policy of policies) {
      expect(policy.enforcementLevel, policy.name).to.equal("mandatory");
      expect(policy.description, policy.name).to.have.length.greaterThan(20);
    }
  });

  it("is a nodejs pack whose package.json carries the version PolicyPack reads", () => {
    expect((parse(read("PulumiPolicy.yaml")) as { runtime: string }).runtime).to.equal("nodejs");
    const manifest = JSON.parse(read("package.json")) as { version: string; main: string };
    expect(manifest.version).to.match(/^\d+\.\d+\.\d+$/);
    expect(fs.existsSync(path.join(packDirectory, manifest.main))).to.equal(true);
  });

  it("index.ts only builds the PolicyPack from the shared list", () => {
    const source = read("index.ts");
    expect(source).to.contain('import { policies } from "./policies";');
    expect(source.match(/new PolicyPack\("transaction-pipeline", \{ policies[,} ]/g)).to.have.length(1);
  });
});
