/**
 * Runs one measured piece of work in a child process of its own, so its peak RSS is not raised by
 * earlier runs, and reads back what the child measured. The child samples its own RSS every
 * 20 ms; since a long synchronous stretch can starve that timer, the kernel's high-water mark
 * (resourceUsage().maxRSS) is reported too, and the peak is the larger of the two.
 */
import { fork } from "node:child_process";
import { performance } from "node:perf_hooks";

export interface ChildMeasurement<Outcome> {
  readonly seconds: number;
  /**
   * CPU seconds the child spent on the work (user + system, all its threads): on a busy machine a
   * steadier measure than wall time, which also counts waiting for a core.
   */
  readonly cpuSeconds: number;
  /** RSS just before the work started (runtime and modules loaded). */
  readonly startRssBytes: number;
  /** Highest RSS sampled every sampleIntervalMs while the work ran. */
  readonly sampledPeakRssBytes: number;
  /** The kernel's high-water mark for the whole child process. */
  readonly maxRssBytes: number;
  readonly peakRssBytes: number;
  readonly peakHeapUsedBytes: number;
  readonly samples: number;
  readonly outcome: Outcome;
}

type ChildMessage<Outcome> =
  | { readonly kind: "done"; readonly measurement: ChildMeasurement<Outcome> }
  | { readonly kind: "failed"; readonly message: string };

export const sampleIntervalMs = 20;

/** In the child: measures `work`, reports to the parent, and exits. */
export async function measureInChild<Outcome>(work: () => Promise<Outcome>): Promise<void> {
  const send = (message: ChildMessage<Outcome>): Promise<void> =>
    new Promise((resolve) => {
      if (process.send) process.send(message, () => resolve());
      else resolve();
    });
  try {
    let sampledPeakRssBytes = 0;
    let peakHeapUsedBytes = 0;
    let samples = 0;
    const sample = (): void => {
      const usage = process.memoryUsage();
      sampledPeakRssBytes = Math.max(sampledPeakRssBytes, usage.rss);
      peakHeapUsedBytes = Math.max(peakHeapUsedBytes, usage.heapUsed);
      samples += 1;
    };
    const startRssBytes = process.memoryUsage().rss;
    sample();
    const timer = setInterval(sample, sampleIntervalMs);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const outcome = await work();
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    sample();
    clearInterval(timer);
    // maxRSS is in kibibytes.
    const maxRssBytes = process.resourceUsage().maxRSS * 1024;
    await send({
      kind: "done",
      measurement: {
        seconds,
        cpuSeconds,
        startRssBytes,
        sampledPeakRssBytes,
        maxRssBytes,
        peakRssBytes: Math.max(sampledPeakRssBytes, maxRssBytes),
        peakHeapUsedBytes,
        samples,
        outcome,
      },
    });
  } catch (error) {
    await send({
      kind: "failed",
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    process.exitCode = 1;
  }
  // The open IPC channel would keep this process alive (and its parent waiting on it).
  if (process.connected) process.disconnect();
}

/** In the parent: forks `modulePath` (with this process's loader flags, so .ts runs) and awaits its result. */
export function runInChild<Outcome>(
  modulePath: string,
  args: readonly string[],
): Promise<ChildMeasurement<Outcome>> {
  return new Promise((resolve, reject) => {
    const child = fork(modulePath, [...args], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let settled = false;
    child.on("message", (message: ChildMessage<Outcome>) => {
      settled = true;
      if (message.kind === "done") resolve(message.measurement);
      else reject(new Error(`bench child ${modulePath} ${args.join(" ")} failed:\n${message.message}`));
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (!settled)
        reject(new Error(`bench child ${args.join(" ")} exited (${signal ?? code}) without a result`));
    });
  });
}
