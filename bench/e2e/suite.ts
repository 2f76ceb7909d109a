/**
 * Local end to end: `npm start` in a child process (the pipeline: emulators, bus, state machine,
 * real handlers) and a bounded load generator in this one, both on this machine's cores. It sends
 * signed webhooks, `concurrency` at a time, and measures:
 *   - intake latency: POST /webhook until its 202, per request (p50/p99);
 *   - decision latency: POST /webhook until GET /transactions/{id} shows the decision, for one
 *     transaction in `sampleEvery` (polled every 25 ms, so the load itself is barely changed);
 *   - sustained throughput: transactions decided per second, from the first request until the
 *     last transaction is decided (every one is checked through GET /transactions/{id});
 *   - the pipeline process's CPU time over the same span (from /proc), per decided transaction,
 *     for the whole process and its main thread, and its idle share of the cores: the measures to
 *     compare between changes on a machine other work shares.
 * The seeds' target is 10,000 transactions a minute (about 167 a second).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { mapWithConcurrency } from "../../functions/shared/concurrency";
import {
  defaultLocalApiKey,
  defaultLocalUploadApiKey,
  defaultLocalWebhookSecret,
  localProviderName,
} from "../../local/localCredentials";
import type { LocalStackOutputs } from "../../local/localStack";
import { PipelineClient } from "../../tools/pipelineClient";
import { idleShare, mainThreadCpuMs, processCpuMs } from "../lib/processCpu";
import { formatTable } from "../lib/report";
import { summarize, type Summary } from "../lib/stats";

export const seedTargetPerMinute = 10_000;
export const defaultEndToEndRequests = 5_000;
export const quickEndToEndRequests = 1_000;
export const defaultEndToEndConcurrency = 32;
const sampleEvery = 20;

export interface EndToEndResult {
  readonly requests: number;
  readonly concurrency: number;
  readonly accepted: number;
  readonly decided: number;
  readonly otherAnswers: Readonly<Record<string, number>>;
  readonly intakeMs: Summary;
  /** POST until the decision is readable, sampled. */
  readonly decisionMs: Summary;
  readonly sampleEvery: number;
  readonly sendSeconds: number;
  readonly totalSeconds: number;
  readonly intakePerSecond: number;
  readonly decidedPerSecond: number;
  readonly decidedPerMinute: number;
  readonly seedTargetPerMinute: number;
  readonly pipelinePeakRssMb: number;
  /**
   * CPU the pipeline process used (all its threads) from the first request until the last
   * transaction read back decided; the work per transaction, whatever else shares the machine.
   */
  readonly pipelineCpuMs: number | undefined;
  readonly pipelineCpuMsPerDecided: number | undefined;
  /** The same for its main thread alone: the event loop every handler, the bus and the engine share. */
  readonly pipelineMainThreadCpuMsPerDecided: number | undefined;
  /** 1 - pipeline CPU time / (wall time x cores available), over the same span. */
  readonly pipelineIdleShare: number | undefined;
  /** CPU the load generator (this process) used over the same span, on the same cores. */
  readonly loadGeneratorCpuMs: number;
  readonly coresAvailable: number;
  /** One-minute load average as the load ended: above the core count, rates are noisy. */
  readonly loadAverageAtEnd: number;
  /** Where the pipeline's CPU profile was written (`--cpu-prof-dir`), when asked for. */
  readonly cpuProfileDirectory?: string;
}

const projectDirectory = resolve(__dirname, "../..");

async function waitForFile(path: string, child: ChildProcess, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await readFile(path, "utf8");
    } catch {
      if (child.exitCode !== null)
        throw new Error(`npm start exited with ${child.exitCode} before it was ready`);
      if (Date.now() > deadline) throw new Error("npm start did not come up in time");
      await new Promise((wait) => setTimeout(wait, 100));
    }
  }
}

/** The child's resident set, sampled from /proc while the load runs (Linux). */
async function rssMb(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

export async function runEndToEndSuite(options: {
  readonly requests: number;
  readonly concurrency: number;
  /** Write a V8 CPU profile of the pipeline process (node --cpu-prof) into this folder. */
  readonly cpuProfileDirectory?: string;
}): Promise<EndToEndResult> {
  const scratch = await mkdtemp(join(tmpdir(), "bench-e2e-"));
  const outputsPath = join(scratch, "outputs.json");
  // node itself, not the tsx wrapper, so the process sampled for memory is the pipeline.
  const child = spawn(
    process.execPath,
    [
      ...(options.cpuProfileDirectory
        ? ["--cpu-prof", "--cpu-prof-dir", resolve(options.cpuProfileDirectory)]
        : []),
      "--import",
      "tsx",
      "local/main.ts",
      "--port",
      "0",
      "--outputs",
      outputsPath,
    ],
    {
      cwd: projectDirectory,
      // Quiet and without metrics, as a benchmark of the work rather than of log output.
      env: {
        ...process.env,
        WEBHOOK_SECRET: "",
        API_KEY: "",
        UPLOAD_API_KEY: "",
        POWERTOOLS_LOG_LEVEL: "ERROR",
        POWERTOOLS_METRICS_DISABLED: "true",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  let peakRss = 0;
  const sampler = setInterval(() => {
    void rssMb(child.pid ?? 0).then((mb) => (peakRss = Math.max(peakRss, mb)));
  }, 200);
  try {
    const outputs = JSON.parse(await waitForFile(outputsPath, child, 60_000)) as LocalStackOutputs;
    const client = new PipelineClient({
      outputs,
      apiKey: defaultLocalApiKey,
      uploadApiKey: defaultLocalUploadApiKey,
      webhookSecret: defaultLocalWebhookSecret,
      providerName: localProviderName,
      runId: `bench-${Date.now().toString(36)}`,
      decisionTimeoutMs: 120_000,
    });
    const ids = Array.from({ length: options.requests }, (_, index) => client.transactionId(`tx-${index}`));
    const amounts = ["12.00", "480.00", "999.99", "2500.00", "7250.50", "12000.00", "48000.00"];
    const intake: number[] = [];
    const decisionLatency: number[] = [];
    const otherAnswers: Record<string, number> = {};
    const accepted: string[] = [];

    const cpuBefore = await processCpuMs(child.pid ?? 0);
    const mainThreadBefore = await mainThreadCpuMs(child.pid ?? 0);
    const generatorBefore = process.cpuUsage();
    const started = performance.now();
    await mapWithConcurrency(ids, options.concurrency, async (id, index) => {
      const body = {
        transaction_id: id,
        amount: amounts[index % amounts.length],
        currency: "USD",
        customer_id: `customer-${index % 500}`,
        merchant_id: `merchant-${index % 50}`,
        merchant_category_code: "5411",
        customer_country: "US",
        merchant_country: "US",
      };
      const sent = performance.now();
      const answer = await client.postWebhook(body);
      intake.push(performance.now() - sent);
      if (answer.status === 202) accepted.push(client.key(id));
      else otherAnswers[answer.status] = (otherAnswers[answer.status] ?? 0) + 1;
      if (answer.status === 202 && index % sampleEvery === 0) {
        for (;;) {
          const view = await client.getTransaction(client.key(id));
          if (view.status === 200 && view.body.status !== "RECEIVED") break;
          await new Promise((wait) => setTimeout(wait, 25));
        }
        decisionLatency.push(performance.now() - sent);
      }
    });
    const sendSeconds = (performance.now() - started) / 1000;

    // Every accepted transaction, read back until decided.
    let decided = 0;
    await mapWithConcurrency(accepted, 16, async (key) => {
      const view = await client.waitForDecision(key);
      if (view.status === 200 && view.body.status !== "RECEIVED") decided += 1;
    });
    const totalSeconds = (performance.now() - started) / 1000;
    const cpuAfter = await processCpuMs(child.pid ?? 0);
    const mainThreadAfter = await mainThreadCpuMs(child.pid ?? 0);
    const generator = process.cpuUsage(generatorBefore);
    const pipelineCpuMs =
      cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
    const coresAvailable = availableParallelism();
    const decidedPerSecond = decided / totalSeconds;
    return {
      requests: options.requests,
      concurrency: options.concurrency,
      accepted: accepted.length,
      decided,
      otherAnswers,
      intakeMs: summarize(intake),
      decisionMs: summarize(decisionLatency.length > 0 ? decisionLatency : [Number.NaN]),
      sampleEvery,
      sendSeconds,
      totalSeconds,
      intakePerSecond: options.requests / sendSeconds,
      decidedPerSecond,
      decidedPerMinute: decidedPerSecond * 60,
      seedTargetPerMinute,
      pipelinePeakRssMb: Math.round(peakRss),
      pipelineCpuMs,
      pipelineCpuMsPerDecided:
        pipelineCpuMs === undefined || decided === 0 ? undefined : pipelineCpuMs / decided,
      pipelineMainThreadCpuMsPerDecided:
        mainThreadBefore === undefined || mainThreadAfter === undefined || decided === 0
          ? undefined
          : (mainThreadAfter - mainThreadBefore) / decided,
      pipelineIdleShare:
        pipelineCpuMs === undefined
          ? undefined
          : idleShare(pipelineCpuMs, totalSeconds * 1000, coresAvailable),
      loadGeneratorCpuMs: (generator.user + generator.system) / 1000,
      coresAvailable,
      loadAverageAtEnd: Math.round(loadavg()[0] * 100) / 100,
      cpuProfileDirectory: options.cpuProfileDirectory,
    };
  } finally {
    clearInterval(sampler);
    child.kill("SIGINT");
    await new Promise((done) => child.once("exit", done));
    await rm(scratch, { recursive: true, force: true });
  }
}

const ms = (value: number) => value.toFixed(1);

export function endToEndTable(result: EndToEndResult): string {
  return formatTable(
    ["measure", "value"],
    [
      ["requests (concurrency)", `${result.requests} (${result.concurrency})`],
      ["accepted / decided", `${result.accepted} / ${result.decided}`],
      ["intake p50 / p99 (ms)", `${ms(result.intakeMs.p50)} / ${ms(result.intakeMs.p99)}`],
      [
        `POST→decision readable p50 / p99 (ms, 1 in ${result.sampleEvery})`,
        `${ms(result.decisionMs.p50)} / ${ms(result.decisionMs.p99)}`,
      ],
      ["intake rate (requests/s)", result.intakePerSecond.toFixed(0)],
      ["sustained decided (tx/s)", result.decidedPerSecond.toFixed(0)],
      [
        "sustained decided (tx/min) vs target",
        `${result.decidedPerMinute.toFixed(0)} vs ${result.seedTargetPerMinute}`,
      ],
      [
        "pipeline CPU per decided transaction (ms)",
        result.pipelineCpuMsPerDecided === undefined ? "n/a" : ms(result.pipelineCpuMsPerDecided),
      ],
      [
        "  of which its main thread (ms)",
        result.pipelineMainThreadCpuMsPerDecided === undefined
          ? "n/a"
          : ms(result.pipelineMainThreadCpuMsPerDecided),
      ],
      [
        `pipeline idle share (1 - CPU / (wall x ${result.coresAvailable} cores))`,
        result.pipelineIdleShare === undefined ? "n/a" : `${(result.pipelineIdleShare * 100).toFixed(0)} %`,
      ],
      ["load generator CPU per request (ms)", ms(result.loadGeneratorCpuMs / Math.max(1, result.requests))],
      ["load average (1 min) at the end", result.loadAverageAtEnd.toFixed(2)],
      ["pipeline process peak RSS (MB)", String(result.pipelinePeakRssMb)],
    ],
  );
}
