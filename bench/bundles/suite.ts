/**
 * The bundles suite: every function bundled exactly as the images are (functions/build.ts'
 * bundleFunction, into a scratch folder), its size, and its module init time: the bundle is
 * required in a fresh `node` process, many times, with only the environment a Lambda container
 * would have (dummy names and ARNs, nothing reachable), and the median time to `require` it is
 * reported, as deployed (no source maps) and with NODE_OPTIONS=--enable-source-maps. Nothing is
 * called; the time is what a cold start spends loading and configuring the module before the first
 * event. The process's CPU time for the same `require` is reported beside
 * it: on a busy machine the wall time includes waiting for a core, the CPU time much less so.
 *
 * The functions load through their entry (entry.js), which hands V8 the bundle's code cache written
 * when the image is built; the suite writes it the same way (the image build's writer, run with
 * the measuring binary and no V8 flags, as the probe) and reports init as deployed, through the
 * entry with its cache, beside the bundle required by itself (no cache). With a second Node.js
 * binary (`--node`, e.g. the Node.js 22 Lambda runs, which this machine's Node.js 20 is not),
 * everything is measured with it as well, its own cache written by it.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import {
  bundleFunction,
  entryFileName,
  listFunctionDirectories,
  writeCodeCacheTools,
} from "../../functions/build";
import { EnvironmentName } from "../../functions/shared/environmentNames";
import { formatTable, say } from "../lib/report";
import { median } from "../lib/stats";

const run = promisify(execFile);

export const defaultInitRuns = 7;

/** What every function must meet: a bundle small enough to load fast, and a quick module init. */
export const bundleTargets = { maxBytes: 300 * 1024, maxInitMedianMs: 50 } as const;
export const quickInitRuns = 3;

/** Dummy values: anything the config loaders accept, nothing a client could reach. */
const dummyValues: Readonly<Record<string, string>> = {
  [EnvironmentName.transactionsTable]: "bench-transactions",
  [EnvironmentName.intakeTable]: "bench-intake-records",
  [EnvironmentName.archivedTransactionsTable]: "bench-archived-transactions",
  [EnvironmentName.fileStatusTable]: "bench-file-status",
  [EnvironmentName.eventBusName]: "bench-transactions-bus",
  [EnvironmentName.webhookSecretsArn]:
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-webhook-AbCdEf",
  [EnvironmentName.webhookSecretsVersion]: "00000000-0000-4000-8000-000000000000",
  [EnvironmentName.webhookMaxBodyBytes]: "65536",
  [EnvironmentName.intakeRecordRetentionHours]: "120",
  [EnvironmentName.archiveBucket]: "bench-audit-archive",
  [EnvironmentName.uploadsBucket]: "bench-uploads",
  [EnvironmentName.screeningListsBucket]: "bench-screening-lists",
  [EnvironmentName.alertsTopicArn]: "arn:aws:sns:us-east-1:123456789012:bench-alerts",
  [EnvironmentName.deadLetterQueueUrl]: "https://sqs.us-east-1.amazonaws.com/123456789012/bench-dead-letters",
  [EnvironmentName.maxAmountUsdMinor]: "100000000",
  [EnvironmentName.metricsNamespace]: "TransactionPipelineBench",
};

/** What each function reads at init, from its config loader and index.ts (pipeline.ts sets the same). */
const initEnvironment: Readonly<Record<string, readonly string[]>> = {
  validation: [EnvironmentName.transactionsTable, EnvironmentName.archivedTransactionsTable],
  "fraud-detection": [EnvironmentName.transactionsTable],
  // No lists bucket: the bundled list is built at init, which is the cold start a first
  // invocation pays when the bucket's version is read instead (less its download).
  compliance: [EnvironmentName.transactionsTable],
  "screening-lists-refresh": [EnvironmentName.screeningListsBucket],
  "webhook-intake": [
    EnvironmentName.intakeTable,
    EnvironmentName.eventBusName,
    EnvironmentName.webhookSecretsArn,
    EnvironmentName.webhookSecretsVersion,
    EnvironmentName.webhookMaxBodyBytes,
    EnvironmentName.intakeRecordRetentionHours,
  ],
  "csv-intake": [EnvironmentName.uploadsBucket, EnvironmentName.fileStatusTable],
  "file-status": [EnvironmentName.fileStatusTable],
  "csv-transform": [
    EnvironmentName.uploadsBucket,
    EnvironmentName.fileStatusTable,
    EnvironmentName.intakeTable,
    EnvironmentName.intakeRecordRetentionHours,
    EnvironmentName.eventBusName,
    EnvironmentName.alertsTopicArn,
  ],
  notifier: [EnvironmentName.fileStatusTable, EnvironmentName.intakeTable, EnvironmentName.alertsTopicArn],
  reconciler: [
    EnvironmentName.intakeTable,
    EnvironmentName.transactionsTable,
    EnvironmentName.archivedTransactionsTable,
    EnvironmentName.fileStatusTable,
    EnvironmentName.uploadsBucket,
    EnvironmentName.eventBusName,
    EnvironmentName.deadLetterQueueUrl,
    EnvironmentName.alertsTopicArn,
  ],
  "transaction-status": [
    EnvironmentName.transactionsTable,
    EnvironmentName.intakeTable,
    EnvironmentName.archivedTransactionsTable,
  ],
  archival: [
    EnvironmentName.transactionsTable,
    EnvironmentName.archivedTransactionsTable,
    EnvironmentName.archiveBucket,
  ],
};

/** The environment of a Lambda container of `functionDirectory`: the runtime's own variables plus its config. */
export function lambdaEnvironment(functionDirectory: string, sourceMaps: boolean): Record<string, string> {
  // A folder added later without an entry above gets every variable, so it still loads.
  const names = initEnvironment[functionDirectory] ?? Object.keys(dummyValues);
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_LAMBDA_FUNCTION_NAME: `bench-${functionDirectory}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1024",
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    _HANDLER: "entry.handler",
    [EnvironmentName.serviceName]: functionDirectory,
    [EnvironmentName.metricsNamespace]: dummyValues[EnvironmentName.metricsNamespace],
    [EnvironmentName.maxAmountUsdMinor]: dummyValues[EnvironmentName.maxAmountUsdMinor],
    ...Object.fromEntries(names.map((name) => [name, dummyValues[name] ?? "bench"])),
    // Not deployed (containerFunction.ts sets no NODE_OPTIONS); measured to show what it costs.
    ...(sourceMaps ? { NODE_OPTIONS: "--enable-source-maps" } : {}),
    // Lambda runs Node.js 22, where the SDK has nothing to warn about; on an older local Node.js
    // its warning (a stack trace captured at init) would be measured as init time.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

/** Plain JavaScript run by `node -e`: no TypeScript loader in the measured process. */
const probe = `
const { performance } = require("node:perf_hooks");
const cpuBefore = process.cpuUsage();
const started = performance.now();
const loaded = require(process.argv[1]);
const requireMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
if (typeof loaded.handler !== "function") throw new Error("the bundle exports no handler");
const requireCpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(JSON.stringify({ requireMs, requireCpuMs, rssBytes: process.memoryUsage().rss }));
`;

interface ProbeResult {
  readonly requireMs: number;
  readonly requireCpuMs: number;
  readonly rssBytes: number;
}

async function probeOnce(node: string, bundle: string, env: Record<string, string>): Promise<ProbeResult> {
  const { stdout } = await run(node, ["-e", probe, bundle], { env, timeout: 60_000 });
  return JSON.parse(stdout) as ProbeResult;
}

async function nodeVersion(node: string): Promise<string> {
  const { stdout } = await run(node, ["--version"]);
  return `Node.js ${stdout.trim()}`;
}

/** Init with one Node.js binary: as deployed (entry.js with its code cache), without the cache, and with source maps on. */
export interface NodeInit {
  /**
   * Median milliseconds to require the function as deployed: its entry (entry.js) loading the
   * bundle with a V8 code cache written by the image build's writer under this binary and the
   * same (no) V8 flags; no NODE_OPTIONS, so no source maps.
   */
  readonly initMedianMs: number;
  readonly initMinMs: number;
  readonly initMaxMs: number;
  /** Median CPU milliseconds (user + system, every thread of the process) of the same require. */
  readonly initCpuMedianMs: number;
  /** Whether V8 took the cache (the entry warns when it does not). */
  readonly codeCacheAccepted: boolean;
  /** The bundle (index.js) required by itself, compiled at load: what the cache saves. */
  readonly initWithoutCodeCacheMedianMs: number;
  readonly initWithoutCodeCacheCpuMedianMs: number;
  /** As deployed with NODE_OPTIONS=--enable-source-maps, to show what they cost at init (wall and CPU). */
  readonly initWithSourceMapsMedianMs: number;
  readonly initWithSourceMapsCpuMedianMs: number;
  /** Median RSS of the process once the module is loaded. */
  readonly rssAfterInitMB: number;
}

/**
 * Writes the bundle's code cache with `node`, as the image build does (functions/Dockerfile):
 * the writer from functions/build.ts's writeCodeCacheTools, with only the variables Lambda's
 * bootstrap sets, none of the function's configuration. Then loads the entry once and says
 * whether V8 took the cache.
 */
async function prepareCodeCache(
  node: string,
  tools: string,
  bundle: string,
  env: Record<string, string>,
): Promise<boolean> {
  await run(node, [path.join(tools, "write-code-cache.js")], {
    env: {
      PATH: env.PATH,
      LAMBDA_TASK_ROOT: path.dirname(bundle),
      AWS_EXECUTION_ENV: env.AWS_EXECUTION_ENV,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    },
    timeout: 60_000,
  });
  const { stderr } = await run(node, ["-e", probe, entryOf(bundle)], { env, timeout: 60_000 });
  return !stderr.includes("code cache");
}

const entryOf = (bundle: string): string => path.join(path.dirname(bundle), entryFileName);

async function measureInit(
  node: string,
  tools: string,
  bundle: string,
  functionDirectory: string,
  runs: number,
): Promise<NodeInit> {
  const deployed = lambdaEnvironment(functionDirectory, false);
  const withSourceMaps = lambdaEnvironment(functionDirectory, true);
  const codeCacheAccepted = await prepareCodeCache(node, tools, bundle, deployed);
  const asDeployed: ProbeResult[] = [];
  const withoutCache: ProbeResult[] = [];
  const withMaps: ProbeResult[] = [];
  // Alternated, so a burst of load on the machine hits every variant alike.
  for (let attempt = 0; attempt < runs; attempt += 1) {
    asDeployed.push(await probeOnce(node, entryOf(bundle), deployed));
    withoutCache.push(await probeOnce(node, bundle, deployed));
    withMaps.push(await probeOnce(node, entryOf(bundle), withSourceMaps));
  }
  const times = asDeployed.map((result) => result.requireMs);
  return {
    initMedianMs: median(times),
    initMinMs: Math.min(...times),
    initMaxMs: Math.max(...times),
    initCpuMedianMs: median(asDeployed.map((result) => result.requireCpuMs)),
    codeCacheAccepted,
    initWithoutCodeCacheMedianMs: median(withoutCache.map((result) => result.requireMs)),
    initWithoutCodeCacheCpuMedianMs: median(withoutCache.map((result) => result.requireCpuMs)),
    initWithSourceMapsMedianMs: median(withMaps.map((result) => result.requireMs)),
    initWithSourceMapsCpuMedianMs: median(withMaps.map((result) => result.requireCpuMs)),
    rssAfterInitMB: mb(median(asDeployed.map((result) => result.rssBytes))),
  };
}

export interface BundleRun extends NodeInit {
  readonly functionDirectory: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly sourceMapBytes: number;
  readonly runs: number;
  /** The same measurements with the second binary, when one was given. */
  readonly otherNode?: NodeInit;
  readonly environment: readonly string[];
}

export interface BundlesSuiteResult {
  readonly runsPerFunction: number;
  /** The Node.js that ran the bench (and measured the main columns). */
  readonly node: string;
  /** The second binary's version, when one was given. */
  readonly otherNode?: string;
  readonly bundles: readonly BundleRun[];
}

const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

export async function runBundlesSuite(options: {
  readonly runs: number;
  readonly otherNode?: string;
}): Promise<BundlesSuiteResult> {
  const outputRoot = await mkdtemp(path.join(os.tmpdir(), "bundles-bench-"));
  const bundles: BundleRun[] = [];
  const node = process.execPath;
  const otherNode = options.otherNode;
  const tools = path.join(outputRoot, "code-cache");
  await writeCodeCacheTools(tools);
  try {
    for (const functionDirectory of listFunctionDirectories()) {
      const built = await bundleFunction(functionDirectory, { outputRoot });
      const gzipBytes = gzipSync(await readFile(built.outputFile), { level: 9 }).length;
      const init = await measureInit(node, tools, built.outputFile, functionDirectory, options.runs);
      const other =
        otherNode === undefined
          ? undefined
          : await measureInit(otherNode, tools, built.outputFile, functionDirectory, options.runs);
      const result: BundleRun = {
        functionDirectory,
        bytes: built.bytes,
        gzipBytes,
        sourceMapBytes: built.sourceMapBytes,
        runs: options.runs,
        ...init,
        ...(other === undefined ? {} : { otherNode: other }),
        environment: initEnvironment[functionDirectory] ?? Object.keys(dummyValues),
      };
      bundles.push(result);
      say(
        `bundles: ${functionDirectory}: ${(result.bytes / 1024).toFixed(1)} KiB, init median ${result.initMedianMs.toFixed(1)} ms` +
          (other === undefined ? "" : ` (${other.initMedianMs.toFixed(1)} ms with the second Node.js)`) +
          ` over ${options.runs} runs`,
      );
    }
  } finally {
    await rm(outputRoot, { recursive: true, force: true });
  }
  return {
    runsPerFunction: options.runs,
    node: await nodeVersion(node),
    ...(otherNode === undefined ? {} : { otherNode: await nodeVersion(otherNode) }),
    bundles,
  };
}

/** "yes", or what misses the target, with the bench's Node.js or the second one. */
export function meetsTargets(bundle: BundleRun, node: "bench" | "other" = "bench"): string {
  const init = node === "bench" ? bundle : bundle.otherNode;
  if (init === undefined) return "not measured";
  const misses = [
    ...(bundle.bytes > bundleTargets.maxBytes ? ["size"] : []),
    ...(init.initMedianMs > bundleTargets.maxInitMedianMs ? ["init"] : []),
  ];
  return misses.length === 0 ? "yes" : `no (${misses.join(", ")})`;
}

const ms = (value: number | undefined): string => (value === undefined ? "-" : value.toFixed(1));

/** "wall (CPU)" milliseconds. */
const wallAndCpu = (wall: number | undefined, cpu: number | undefined): string =>
  wall === undefined ? "-" : `${ms(wall)} (${ms(cpu)})`;

/** The init columns of one binary. */
function initCells(init: NodeInit | undefined): string[] {
  if (init === undefined) return ["-", "-", "-", "-"];
  const deployed = wallAndCpu(init.initMedianMs, init.initCpuMedianMs);
  return [
    init.codeCacheAccepted ? deployed : `${deployed} cache refused`,
    `${ms(init.initMinMs)}-${ms(init.initMaxMs)}`,
    wallAndCpu(init.initWithoutCodeCacheMedianMs, init.initWithoutCodeCacheCpuMedianMs),
    wallAndCpu(init.initWithSourceMapsMedianMs, init.initWithSourceMapsCpuMedianMs),
  ];
}

export function bundlesTable(result: BundlesSuiteResult): string {
  const kib = (bytes: number): string => (bytes / 1024).toFixed(1);
  const target = `≤ ${bundleTargets.maxBytes / 1024} KiB, ≤ ${bundleTargets.maxInitMedianMs} ms`;
  const other = result.otherNode;
  // Medians, wall time with CPU time in brackets.
  const initHeaders = (label: string): string[] => [
    `init ms (CPU) ${label}`,
    `min-max ${label}`,
    `no code cache ${label}`,
    `source maps ${label}`,
  ];
  const short = (version: string): string => version.replace("Node.js ", "");
  const rows = result.bundles.map((bundle) => [
    bundle.functionDirectory,
    kib(bundle.bytes),
    kib(bundle.gzipBytes),
    kib(bundle.sourceMapBytes),
    ...initCells(bundle),
    bundle.rssAfterInitMB.toFixed(1),
    meetsTargets(bundle),
    ...(other === undefined ? [] : [...initCells(bundle.otherNode), meetsTargets(bundle, "other")]),
  ]);
  return formatTable(
    [
      "function",
      "bundle KiB",
      "gzip KiB",
      "map KiB",
      ...initHeaders(short(result.node)),
      "RSS MB after init",
      `${target} (${short(result.node)})`,
      ...(other === undefined ? [] : [...initHeaders(short(other)), `${target} (${short(other)})`]),
    ],
    rows,
  );
}
