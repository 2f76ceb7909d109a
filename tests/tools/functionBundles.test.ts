/**
 * What functions/build.ts puts into a Lambda bundle: source maps as separate files, none of the
 * heavy packages replaced by smaller code (the stripe SDK, standardwebhooks and its SHA-256, the
 * country-name and currency libraries, Zod's classic API and its message locales other than
 * English, semver, the SDK's credential chain beyond environment variables),
 * and a bundle that still loads and exports its handler in a Lambda-like process.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { lambdaEnvironment } from "../../bench/bundles/suite";
import { build } from "esbuild";
import { bundleFunction, lambdaEnvironmentCredentials, type BundleResult } from "../../functions/build";

const run = promisify(execFile);

describe("function bundles", function () {
  this.timeout(120_000);
  let outputRoot: string;
  let intake: BundleResult;

  before(async () => {
    outputRoot = mkdtempSync(path.join(os.tmpdir(), "bundle-test-"));
    intake = await bundleFunction("webhook-intake", { outputRoot });
  });

  after(() => rmSync(outputRoot, { recursive: true, force: true }));

  it("writes the source map beside the bundle, not inline", () => {
    const code = readFileSync(intake.outputFile, "utf8");
    expect(code).to.match(/\/\/# sourceMappingURL=index\.js\.map\s*$/);
    expect(code).not.to.include("sourceMappingURL=data:");
    expect(intake.sourceMapBytes).to.be.greaterThan(0);
  });

  it("leaves out the packages replaced by smaller code", () => {
    const packages = intake.inputs.filter((input) =>
      /node_modules\/(stripe|standardwebhooks|fast-sha256|currency-codes|semver|i18n-iso-countries|zod\/v4\/classic|@aws-sdk\/(credential-provider-(sso|ini|process|web-identity|node)|nested-clients))\//.test(
        input,
      ),
    );
    expect(packages).to.deep.equal([]);
    const locales = intake.inputs.filter((input) => /node_modules\/zod\/v4\/locales\/(?!en\.js)/.test(input));
    expect(locales).to.deep.equal([]);
  });

  it("loads in a fresh process and exports the handler", async () => {
    const probe = `const m = require(process.argv[1]); process.stdout.write(typeof m.handler);`;
    const { stdout } = await run(process.execPath, ["-e", probe, intake.outputFile], {
      env: lambdaEnvironment("webhook-intake", false),
    });
    expect(stdout).to.equal("function");
  });

  it("gives the SDK clients the execution role's credentials from the environment", async () => {
    const script = path.join(outputRoot, "credentials.js");
    await build({
      stdin: {
        contents: `import { defaultProvider } from "@aws-sdk/credential-provider-node";
          defaultProvider()().then((c) => process.stdout.write(c.accessKeyId + " " + c.sessionToken));`,
        resolveDir: path.resolve(__dirname, "..", ".."),
      },
      outfile: script,
      bundle: true,
      platform: "node",
      format: "cjs",
      plugins: [lambdaEnvironmentCredentials],
      logLevel: "error",
    });
    const { stdout } = await run(process.execPath, [script], {
      env: {
        PATH: process.env.PATH ?? "",
        AWS_ACCESS_KEY_ID: "ASIAEXAMPLEROLEKEY",
        AWS_SECRET_ACCESS_KEY: "secret",
        AWS_SESSION_TOKEN: "session",
      },
    });
    expect(stdout).to.equal("ASIAEXAMPLEROLEKEY session");
  });
});
