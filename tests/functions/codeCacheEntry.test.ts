/**
 * The functions' Lambda entry (entry.js) loads the bundle with the V8 code cache the image build
 * wrote, and the writer makes that cache under the command line Lambda's bootstrap hands a wrapper
 * script. Here the bootstrap is played by calling lambdaNodeFlags.sh as the bootstrap does (this
 * Node.js, heap flags, the runtime's entry script last), and V8 itself judges the cache: it
 * accepts it only under the flags it was made with. What this cannot prove: that the base image's
 * /var/runtime/bootstrap calls the wrapper as AWS documents, nor the flags it derives from the
 * memory size (no Docker engine or Lambda here); a cache that does not match shows as a warning
 * in the function's log, which the tests below check.
 */
import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { lambdaEnvironment } from "../../bench/bundles/suite";
import { bundleFunction, entryFileName, writeCodeCacheTools } from "../../functions/build";
import {
  bundleFileName,
  codeCacheFileName,
  codeCacheInfoFileName,
  type CodeCacheInfo,
} from "../../functions/runtime/bundleScript";

const run = promisify(execFile);

/** Heap flags as Lambda's bootstrap passes them (values of a small function). */
const lambdaFlags = [
  "--expose-gc",
  "--max-http-header-size",
  "81920",
  "--max-semi-space-size=12",
  "--max-old-space-size=231",
];
const otherFlags = ["--expose-gc", "--max-semi-space-size=25", "--max-old-space-size=461"];

/**
 * Loads a module like the Lambda runtime (require, then `.handler`) and calls it with an empty
 * event; the result is the stdout line after "RESULT " (the function logs to stdout too).
 */
const loadAndInvoke = `
const loaded = require(process.argv[1]);
Promise.resolve(loaded.handler({}, { awsRequestId: "r-1", functionName: "file-status", getRemainingTimeInMillis: () => 3000 }))
  .then((answer) => process.stdout.write("\\nRESULT " + JSON.stringify({ handler: typeof loaded.handler, answer }) + "\\n"));
`;

interface Loaded {
  readonly handler: string;
  readonly answer: unknown;
  readonly warnings: readonly Record<string, unknown>[];
}

describe("code-cache entry (entry.js) and its writer", function () {
  this.timeout(120_000);
  let root: string;
  let functionDirectory: string;
  let tools: string;

  const environment = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    AWS_REGION: "eu-west-1",
    FILE_STATUS_TABLE_NAME: "file-status",
    POWERTOOLS_DEV: "false",
  };

  /** Writes the cache of the bundle in `directory` as the bootstrap would start the writer. */
  async function writeCache(flags: readonly string[], directory = functionDirectory): Promise<string> {
    const { stdout } = await run(
      path.join(tools, "lambdaNodeFlags.sh"),
      [process.execPath, ...flags, "/var/runtime/index.mjs"],
      { env: { PATH: environment.PATH, LAMBDA_TASK_ROOT: directory } },
    );
    return stdout;
  }

  /** The JSON a child process wrote after "RESULT " on a line of its own. */
  function resultOf(stdout: string): unknown {
    const result = stdout.split("\n").find((line) => line.startsWith("RESULT "));
    if (result === undefined) throw new Error(`no RESULT line in: ${stdout}`);
    return JSON.parse(result.slice("RESULT ".length));
  }

  async function load(file: string, flags: readonly string[]): Promise<Loaded> {
    const { stdout, stderr } = await run(process.execPath, [...flags, "-e", loadAndInvoke, file], {
      env: environment,
    });
    const warnings = stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      // The entry's own warnings (the function's logger warns on stderr too).
      .filter((line) => line.level === "WARN" && String(line.message).includes("code cache"));
    return { ...(resultOf(stdout) as Omit<Loaded, "warnings">), warnings };
  }

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), "code-cache-entry-"));
    tools = path.join(root, "code-cache");
    await bundleFunction("file-status", { outputRoot: root });
    await writeCodeCacheTools(tools);
    functionDirectory = path.join(root, "file-status");
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  beforeEach(() => {
    rmSync(path.join(functionDirectory, codeCacheFileName), { force: true });
    rmSync(path.join(functionDirectory, codeCacheInfoFileName), { force: true });
  });

  it("the writer runs under the command line the bootstrap passes, less the runtime's entry script", async () => {
    const output = await writeCache(lambdaFlags);
    const info = JSON.parse(
      readFileSync(path.join(functionDirectory, codeCacheInfoFileName), "utf8"),
    ) as CodeCacheInfo;
    expect(info).to.deep.equal({ nodeVersion: process.version, execArgv: lambdaFlags });
    expect(readFileSync(path.join(functionDirectory, codeCacheFileName)).length).to.be.greaterThan(100_000);
    // It ran the bundle's init as far as the settings only Lambda gives.
    expect(output).to.include("the bundle's init stopped at: Missing required environment variable");
  });

  it("under the same flags V8 takes the cache: the handler loads with no warning and answers as the bundle does", async () => {
    await writeCache(lambdaFlags);
    const throughEntry = await load(path.join(functionDirectory, entryFileName), lambdaFlags);
    const bundleAlone = await load(path.join(functionDirectory, bundleFileName), lambdaFlags);
    expect(throughEntry.warnings).to.deep.equal([]);
    expect(throughEntry.handler).to.equal("function");
    expect(throughEntry.answer).to.deep.equal(bundleAlone.answer);
    expect(throughEntry.answer).to.have.property("statusCode", 403);
  });

  it("under other V8 flags V8 refuses the cache: the handler still loads, and one warning gives both command lines", async () => {
    await writeCache(lambdaFlags);
    const loaded = await load(path.join(functionDirectory, entryFileName), otherFlags);
    expect(loaded.handler).to.equal("function");
    expect(loaded.answer).to.have.property("statusCode", 403);
    expect(loaded.warnings).to.have.length(1);
    expect(loaded.warnings[0].message).to.match(/^V8 refused the code cache/);
    expect(loaded.warnings[0].cache).to.deep.equal({ nodeVersion: process.version, execArgv: lambdaFlags });
    expect(loaded.warnings[0].execArgv).to.include.members(otherFlags);
  });

  it("without a cache the handler still loads, and one warning says it compiles at cold start", async () => {
    expect(existsSync(path.join(functionDirectory, codeCacheFileName))).to.equal(false);
    const loaded = await load(path.join(functionDirectory, entryFileName), lambdaFlags);
    expect(loaded.handler).to.equal("function");
    expect(loaded.warnings.map((warning) => warning.message)).to.deep.equal([
      "no V8 code cache beside the bundle: compiled at cold start",
    ]);
  });

  it("with source maps on, the bundle loads as a plain module, so Node maps its stack traces (no cache, no warning)", async () => {
    await writeCache(lambdaFlags);
    const bundlePath = path.join(functionDirectory, bundleFileName);
    const { stdout, stderr } = await run(
      process.execPath,
      [
        ...lambdaFlags,
        "-e",
        `const loaded = require(process.argv[1]);
        const map = require("node:module").findSourceMap(${JSON.stringify(bundlePath)});
        process.stdout.write("\\nRESULT " + JSON.stringify({ handler: typeof loaded.handler, mapped: map !== undefined }) + "\\n");`,
        path.join(functionDirectory, entryFileName),
      ],
      { env: { ...environment, NODE_OPTIONS: "--enable-source-maps" } },
    );
    expect(resultOf(stdout)).to.deep.equal({
      handler: "function",
      mapped: true,
    });
    expect(stderr).not.to.include("code cache");
  });

  it("compliance, which reads its sanctions index from beside its bundle, loads through the entry with its cache", async () => {
    await bundleFunction("compliance", { outputRoot: root });
    const directory = path.join(root, "compliance");
    await writeCache(lambdaFlags, directory);
    const { stdout, stderr } = await run(
      process.execPath,
      [
        ...lambdaFlags,
        "-e",
        'process.stdout.write("\\nRESULT " + JSON.stringify(typeof require(process.argv[1]).handler) + "\\n")',
        path.join(directory, entryFileName),
      ],
      { env: lambdaEnvironment("compliance", false) },
    );
    expect(resultOf(stdout)).to.equal("function");
    expect(stderr).not.to.include("code cache");
  });

  it("a stack trace through the entry gives the bundle's own line and column, as a plain require does", async () => {
    // A bundle whose handler throws on its first line, after some code, as minified bundles do.
    const directory = path.join(root, "throwing");
    mkdirSync(directory, { recursive: true });
    writeFileSync(
      path.join(directory, bundleFileName),
      'const padding = [1, 2, 3].map((n) => n * 2); exports.handler = () => { throw new Error("boom"); };\n',
    );
    copyFileSync(path.join(functionDirectory, entryFileName), path.join(directory, entryFileName));
    await writeCache([], directory);
    const whereItThrows = async (file: string): Promise<string> => {
      const { stdout } = await run(process.execPath, [
        "-e",
        `try { require(process.argv[1]).handler(); } catch (error) { process.stdout.write(error.stack.split("\\n")[1]); }`,
        file,
      ]);
      return stdout.trim();
    };
    const bundlePath = path.join(directory, bundleFileName);
    const plain = await whereItThrows(bundlePath);
    expect(plain).to.include(`${bundlePath}:1:`);
    expect(await whereItThrows(path.join(directory, entryFileName))).to.equal(plain);
  });

  it("the wrapper refuses a command line without the runtime's entry script", async () => {
    const failure = await run(path.join(tools, "lambdaNodeFlags.sh"), [process.execPath], {
      env: { PATH: environment.PATH, LAMBDA_TASK_ROOT: functionDirectory },
    }).then(
      () => undefined,
      (error: unknown) => error as { code?: number; stderr?: string },
    );
    expect(failure?.code).to.equal(2);
    expect(failure?.stderr).to.include("expected the runtime's command line");
  });
});
