/**
 * The bundles suite: every function bundled exactly as the images are (functions/build.ts'
 * bundleFunction, into a scratch folder), its size, and its module init time: the bundle is
 * required in a fresh `node` process, many times, with only the environment a Lambda container
 * would have (dummy names and ARNs, nothing reachable), and the median time to `require` it is
 * reported. Nothing is called; the time is what a cold start spends loading and configuring the
 * module before the first event. The process's CPU time for the same `require` is reported beside
 * it: on a busy machine the wall time includes waiting for a core, the CPU time much less so.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { bundleFunction, listFunctionDirectories } from "../../functions/build";
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
    _HANDLER: "index.handler",
    [EnvironmentName.serviceName]: functionDirectory,
    [EnvironmentName.metricsNamespace]: dummyValues[EnvironmentName.metricsNamespace],
    [EnvironmentName.maxAmountUsdMinor]: dummyValues[EnvironmentName.maxAmountUsdMinor],
    ...Object.fromEntries(names.map((name) => [name, dummyValues[name] ?? "bench"])),
    // What containerFunction.ts sets on every function.
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

async function probeOnce(bundle: string, env: Record<string, string>): Promise<ProbeResult> {
  const { stdout } = await run(process.execPath, ["-e", probe, bundle], { env, timeout: 60_000 });
  return JSON.parse(stdout) as ProbeResult;
}

export interface BundleRun {
  readonly functionDirectory: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly sourceMapBytes: number;
  readonly runs: number;
  /** Median milliseconds to require the bundle, as deployed (NODE_OPTIONS=--enable-source-maps). */
  readonly initMedianMs: number;
  readonly initMinMs: number;
  readonly initMaxMs: number;
  /** Median CPU milliseconds (user + system, every thread of the process) of the same require. */
  readonly initCpuMedianMs: number;
  /** The same without source maps, to show what they cost at init. */
  readonly initWithoutSourceMapsMedianMs: number;
  /** Median RSS of the process once the module is loaded. */
  readonly rssAfterInitMB: number;
  readonly environment: readonly string[];
}

export interface BundlesSuiteResult {
  readonly runsPerFunction: number;
  readonly bundles: readonly BundleRun[];
}

const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

export async function runBundlesSuite(options: { readonly runs: number }): Promise<BundlesSuiteResult> {
  const outputRoot = await mkdtemp(path.join(os.tmpdir(), "bundles-bench-"));
  const bundles: BundleRun[] = [];
  try {
    for (const functionDirectory of listFunctionDirectories()) {
      const built = await bundleFunction(functionDirectory, { outputRoot });
      const gzipBytes = gzipSync(await readFile(built.outputFile), { level: 9 }).length;
      const withMaps: ProbeResult[] = [];
      const withoutMaps: ProbeResult[] = [];
      // Alternated, so a burst of load on the machine hits both variants alike.
      for (let attempt = 0; attempt < options.runs; attempt += 1) {
        withMaps.push(await probeOnce(built.outputFile, lambdaEnvironment(functionDirectory, true)));
        withoutMaps.push(await probeOnce(built.outputFile, lambdaEnvironment(functionDirectory, false)));
      }
      const times = withMaps.map((result) => result.requireMs);
      const result: BundleRun = {
        functionDirectory,
        bytes: built.bytes,
        gzipBytes,
        sourceMapBytes: built.sourceMapBytes,
        runs: options.runs,
        initMedianMs: median(times),
        initMinMs: Math.min(...times),
        initMaxMs: Math.max(...times),
        initCpuMedianMs: median(withMaps.map((probeResult) => probeResult.requireCpuMs)),
        initWithoutSourceMapsMedianMs: median(withoutMaps.map((probeResult) => probeResult.requireMs)),
        rssAfterInitMB: mb(median(withMaps.map((probeResult) => probeResult.rssBytes))),
        environment: initEnvironment[functionDirectory] ?? Object.keys(dummyValues),
      };
      bundles.push(result);
      say(
        `bundles: ${functionDirectory}: ${(result.bytes / 1024).toFixed(1)} KiB, init median ${result.initMedianMs.toFixed(1)} ms over ${options.runs} runs`,
      );
    }
  } finally {
    await rm(outputRoot, { recursive: true, force: true });
  }
  return { runsPerFunction: options.runs, bundles };
}

/** "yes", or what misses the target. */
export function meetsTargets(bundle: BundleRun): string {
  const misses = [
    ...(bundle.bytes > bundleTargets.maxBytes ? ["size"] : []),
    ...(bundle.initMedianMs > bundleTargets.maxInitMedianMs ? ["init"] : []),
  ];
  return misses.length === 0 ? "yes" : `no (${misses.join(", ")})`;
}

export function bundlesTable(result: BundlesSuiteResult): string {
  const kib = (bytes: number): string => (bytes / 1024).toFixed(1);
  const rows = result.bundles.map((bundle) => [
    bundle.functionDirectory,
    kib(bundle.bytes),
    kib(bundle.gzipBytes),
    kib(bundle.sourceMapBytes),
    bundle.initMedianMs.toFixed(1),
    `${bundle.initMinMs.toFixed(1)}-${bundle.initMaxMs.toFixed(1)}`,
    bundle.initCpuMedianMs.toFixed(1),
    bundle.initWithoutSourceMapsMedianMs.toFixed(1),
    bundle.rssAfterInitMB.toFixed(1),
    meetsTargets(bundle),
  ]);
  return formatTable(
    [
      "function",
      "bundle KiB",
      "gzip KiB",
      "map KiB",
      "init ms (median)",
      "init ms min-max",
      "init CPU ms (median)",
      "init ms, no maps",
      "RSS MB after init",
      `target ≤ ${bundleTargets.maxBytes / 1024} KiB, ≤ ${bundleTargets.maxInitMedianMs} ms`,
    ],
    rows,
  );
}
