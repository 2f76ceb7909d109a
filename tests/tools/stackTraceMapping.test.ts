/**
 * A stack trace from a minified bundle run without --enable-source-maps, as the functions run, is
 * mapped back to the TypeScript lines it came from with the map written beside the bundle.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { SourceMapPayload } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { build } from "esbuild";
import { mapStackTrace } from "../../tools/stackTraceMapping";

const run = promisify(execFile);

const source = [
  "export function checkAmount(amount: number): number {",
  "  if (amount < 0) {",
  '    throw new RangeError("amount is negative");',
  "  }",
  "  return amount;",
  "}",
  "try {",
  "  checkAmount(-1);",
  "} catch (error) {",
  "  process.stdout.write((error as Error).stack ?? '');",
  "}",
  "",
].join("\n");

describe("stack trace mapping", function () {
  this.timeout(30_000);
  let folder: string;
  let trace: string;
  let payload: SourceMapPayload;

  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), "stack-trace-"));
    writeFileSync(path.join(folder, "checkAmount.ts"), source);
    const bundle = path.join(folder, "dist", "index.js");
    await build({
      entryPoints: [path.join(folder, "checkAmount.ts")],
      outfile: bundle,
      bundle: true,
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      platform: "node",
      format: "cjs",
      logLevel: "error",
    });
    ({ stdout: trace } = await run(process.execPath, [bundle], { env: { PATH: process.env.PATH ?? "" } }));
    payload = JSON.parse(readFileSync(`${bundle}.map`, "utf8")) as SourceMapPayload;
  });

  after(() => rmSync(folder, { recursive: true, force: true }));

  it("maps the bundle's positions to the TypeScript lines", () => {
    // Act
    const mapped = mapStackTrace(trace, payload, {
      mapDirectory: path.join(folder, "dist"),
      sourceRoot: folder,
    });
    // Assess
    expect(trace).to.match(/index\.js:1:\d+/);
    expect(trace).not.to.include("checkAmount.ts");
    expect(mapped).to.match(/^RangeError: amount is negative\n/);
    expect(mapped).to.match(/at \S+ \(checkAmount\.ts:3:11\)/);
    expect(mapped).to.include("(checkAmount.ts:8:3)");
    expect(mapped).not.to.match(/index\.js:\d+:\d+/);
  });

  it("leaves positions in other files as they are", () => {
    // Prepare
    const foreign = "Error: x\n    at run (node:internal/modules/cjs/loader:1:2)\n    at other.js:4:5";
    // Act
    const mapped = mapStackTrace(foreign, payload, { mapDirectory: folder, sourceRoot: folder });
    // Assess
    expect(mapped).to.equal(foreign);
  });
});
