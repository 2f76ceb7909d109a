/**
 * What functions/build.ts puts into a Lambda bundle: source maps as separate files; none of the
 * heavy packages replaced by smaller code (the stripe SDK, standardwebhooks and its SHA-256, the
 * country-name and currency libraries, Zod's classic API and its message locales other than
 * English, semver, the SDK's credential chain beyond environment variables) and no X-Ray whitelist
 * entries for services the bundle has no client for; csv-transform's event reading (classic zod,
 * rewritten to a namespace import) answering as it does bundled without the plugins; a bundle that
 * still loads and exports its handler in a Lambda-like process; compliance's screening index
 * written beside its bundle, the very index its CSV gives, and read by the bundle.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { gunzipSync, gzipSync } from "node:zlib";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { lambdaEnvironment } from "../../bench/bundles/suite";
import { build } from "esbuild";
import {
  bundleFunction,
  bundlePlugins,
  lambdaEnvironmentCredentials,
  type BundleResult,
} from "../../functions/build";
import { bundledScreeningIndex, prebuiltIndexPath } from "../../functions/compliance/sanctions/bundledList";
import type { ScreeningIndex } from "../../functions/compliance/sanctions/screeningIndex";

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

  it("keeps X-Ray's parameter whitelist for the services of the bundled clients only", () => {
    // Prepare: webhook-intake holds DynamoDB, EventBridge and Secrets Manager clients.
    const code = readFileSync(intake.outputFile, "utf8");
    // Assess: DynamoDB's entries stay (the whitelist names its operations in lower camel case)...
    expect(code).to.include("batchGetItem");
    // ...those of SQS, Lambda, S3 and SageMaker Runtime, which it cannot call, are gone.
    for (const operation of ["sendMessageBatch", "invokeAsync", "abortMultipartUpload", "invokeEndpoint"]) {
      expect(code, operation).not.to.include(operation);
    }
  });

  it("reads csv-transform's events (classic zod, Powertools' S3 schema) as the code bundled without the plugins does", async () => {
    // Prepare: S3 records created, removed, elsewhere, undecodable and malformed; continuations.
    const script = `
      import { transformRequests } from "./functions/csv-transform/transformEvent";
      const record = (key, eventName = "ObjectCreated:Put", sourceIPAddress = "10.0.0.1") => ({
        eventVersion: "2.1", eventSource: "aws:s3", awsRegion: "us-east-1", eventTime: "2026-12-07T10:00:00.000Z",
        eventName, userIdentity: { principalId: "AWS:X" }, requestParameters: { sourceIPAddress },
        responseElements: { "x-amz-request-id": "r", "x-amz-id-2": "i" },
        s3: { s3SchemaVersion: "1.0", configurationId: "c",
          bucket: { name: "up", ownerIdentity: { principalId: "p" }, arn: "arn:aws:s3:::up" },
          object: { key, size: 17, eTag: "e", sequencer: "s" } } });
      const events = [
        { Records: [record("validated/abcdefgh-1234.csv"), record("validated/abcdefgh-1234.csv", "ObjectRemoved:Delete"),
          record("other/x.csv"), record("validated/bad%zz.csv", "ObjectCreated:Put", "2001:db8::1")] },
        { Records: [{ ...record("validated/abcdefgh-1234.csv"), eventTime: "yesterday" }] },
        { continueFile: { fileId: "abcdefgh-1234", fromLine: 5 } },
        { continueFile: { fileId: "x" } },
      ];
      process.stdout.write(JSON.stringify(events.map((event) => transformRequests(event, "up"))));`;
    const answers: unknown[] = [];
    for (const [name, plugins] of [
      ["with", [...bundlePlugins]],
      ["without", []],
    ] as const) {
      const outfile = path.join(outputRoot, `transform-event-${name}.js`);
      await build({
        stdin: { contents: script, resolveDir: path.resolve(__dirname, "..", ".."), loader: "ts" },
        outfile,
        bundle: true,
        platform: "node",
        format: "cjs",
        minify: true,
        mainFields: ["module", "main"],
        plugins: [...plugins],
        logLevel: "error",
      });
      // Act
      const { stdout } = await run(process.execPath, [outfile]);
      answers.push(JSON.parse(stdout));
    }
    // Assess
    expect(answers[0]).to.deep.equal(answers[1]);
    expect(answers[0]).to.deep.include({
      files: [{ fileId: "abcdefgh-1234", trigger: "continue", fromLine: 5 }],
      ignored: [],
    });
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

  describe("compliance's screening index", () => {
    let compliance: BundleResult;
    let fromCsv: ScreeningIndex;
    let reader: string;

    before(async () => {
      compliance = await bundleFunction("compliance", { outputRoot });
      fromCsv = bundledScreeningIndex();
      // A bundle of bundledList.ts alone, in a folder of its own, reads the index beside it.
      const folder = path.join(outputRoot, "index-reader");
      reader = path.join(folder, "index.js");
      await build({
        stdin: {
          contents: `import { bundledScreeningIndex } from "./functions/compliance/sanctions/bundledList";
            try {
              const index = bundledScreeningIndex();
              process.stdout.write(JSON.stringify({ version: index.version, parties: index.parties.length }));
            } catch (error) {
              process.stdout.write(JSON.stringify({ error: error.message }));
            }`,
          resolveDir: path.resolve(__dirname, "..", ".."),
        },
        outfile: reader,
        bundle: true,
        platform: "node",
        format: "cjs",
        mainFields: ["module", "main"],
        plugins: [...bundlePlugins],
        logLevel: "error",
      });
      mkdirSync(path.join(folder, path.dirname(prebuiltIndexPath)), { recursive: true });
    });

    async function readBeside(indexBytes: Buffer): Promise<Record<string, unknown>> {
      writeFileSync(path.join(path.dirname(reader), prebuiltIndexPath), indexBytes);
      const { stdout } = await run(process.execPath, [reader]);
      return JSON.parse(stdout) as Record<string, unknown>;
    }

    it("is written beside the bundle and equals the index built from the CSV", () => {
      // Act
      const written = JSON.parse(
        gunzipSync(readFileSync(path.join(path.dirname(compliance.outputFile), prebuiltIndexPath))).toString(
          "utf8",
        ),
      ) as ScreeningIndex;
      // Assess
      expect(written).to.deep.equal(fromCsv);
      expect(written.parties.length).to.be.greaterThan(10_000);
    });

    it("is what the bundled code reads, and an incomplete one is refused", async () => {
      // Prepare
      const written = path.join(path.dirname(compliance.outputFile), prebuiltIndexPath);
      copyFileSync(written, path.join(path.dirname(reader), prebuiltIndexPath));
      const shortened = { ...fromCsv, parties: fromCsv.parties.slice(1) };
      // Act
      const read = await readBeside(readFileSync(written));
      const refused = await readBeside(gzipSync(JSON.stringify(shortened)));
      // Assess
      expect(read).to.deep.equal({ version: fromCsv.version, parties: fromCsv.parties.length });
      expect(refused.error).to.equal(
        `${path.join(path.dirname(reader), prebuiltIndexPath)} is not a complete screening index of ${fromCsv.version}`,
      );
    });
  });
});
