/**
 * The CSV suite (issue 4's bench, issue 7's "CSV" line): for each size, a generated file on disk,
 * then every task × implementation in its own child process, streaming beside the naive baseline.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runInChild, type ChildMeasurement } from "../lib/childMeasure";
import { formatTable, say } from "../lib/report";
import { writeCsvBenchFile } from "./generate";
import {
  csvImplementations,
  csvTasks,
  type CsvImplementation,
  type CsvTask,
  type CsvTaskOutcome,
} from "./tasks";

export const defaultCsvSizes: readonly number[] = [10_000, 100_000, 1_000_000];

export interface CsvRunResult {
  readonly rows: number;
  readonly fileBytes: number;
  readonly implementation: CsvImplementation;
  readonly task: CsvTask;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly peakRssMB: number;
  readonly startRssMB: number;
  readonly sampledPeakRssMB: number;
  readonly maxRssMB: number;
  readonly peakHeapUsedMB: number;
  readonly outcome: CsvTaskOutcome;
}

export interface CsvSuiteResult {
  readonly sizes: readonly number[];
  readonly runs: readonly CsvRunResult[];
  /** Every size and task where both implementations found the same rows, valid rows and batches. */
  readonly outcomesAgree: boolean;
}

const childModule = path.join(__dirname, "child.ts");
const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

function toResult(
  rows: number,
  fileBytes: number,
  implementation: CsvImplementation,
  task: CsvTask,
  measured: ChildMeasurement<CsvTaskOutcome>,
): CsvRunResult {
  return {
    rows,
    fileBytes,
    implementation,
    task,
    seconds: measured.seconds,
    rowsPerSecond: Math.round(rows / measured.seconds),
    peakRssMB: mb(measured.peakRssBytes),
    startRssMB: mb(measured.startRssBytes),
    sampledPeakRssMB: mb(measured.sampledPeakRssBytes),
    maxRssMB: mb(measured.maxRssBytes),
    peakHeapUsedMB: mb(measured.peakHeapUsedBytes),
    outcome: measured.outcome,
  };
}

const sameOutcome = (a: CsvTaskOutcome, b: CsvTaskOutcome): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

export async function runCsvSuite(sizes: readonly number[]): Promise<CsvSuiteResult> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "csv-bench-"));
  const runs: CsvRunResult[] = [];
  const total = sizes.length * csvTasks.length * csvImplementations.length;
  let done = 0;
  try {
    for (const rows of sizes) {
      const file = path.join(directory, `rows-${rows}.csv`);
      const fileBytes = await writeCsvBenchFile(file, rows);
      say(`csv: generated ${rows.toLocaleString("en-US")} rows (${mb(fileBytes)} MB) in ${file}`);
      for (const task of csvTasks) {
        for (const implementation of csvImplementations) {
          done += 1;
          const measured = await runInChild<CsvTaskOutcome>(childModule, [implementation, task, file]);
          const result = toResult(rows, fileBytes, implementation, task, measured);
          runs.push(result);
          say(
            `csv: [${done}/${total}] ${rows} rows ${task} ${implementation}: ${result.seconds.toFixed(2)} s, ` +
              `${result.rowsPerSecond.toLocaleString("en-US")} rows/s, peak RSS ${result.peakRssMB} MB`,
          );
        }
      }
      await rm(file);
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
  const find = (rows: number, task: CsvTask, implementation: CsvImplementation): CsvRunResult | undefined =>
    runs.find((run) => run.rows === rows && run.task === task && run.implementation === implementation);
  const outcomesAgree = sizes.every((rows) =>
    csvTasks.every((task) => {
      const streaming = find(rows, task, "streaming");
      const naive = find(rows, task, "naive");
      return streaming !== undefined && naive !== undefined && sameOutcome(streaming.outcome, naive.outcome);
    }),
  );
  return { sizes, runs, outcomesAgree };
}

/** Streaming beside naive for each size and task, with naive ÷ streaming for time and peak RSS. */
export function csvTable(result: CsvSuiteResult): string {
  const headers = ["rows", "task", "implementation", "seconds", "rows/s", "peak RSS MB", "naive/streaming"];
  const rows: string[][] = [];
  for (const size of result.sizes) {
    for (const task of csvTasks) {
      const pair = csvImplementations.map((implementation) =>
        result.runs.find(
          (run) => run.rows === size && run.task === task && run.implementation === implementation,
        ),
      );
      const [streaming, naive] = pair;
      for (const run of pair) {
        if (run === undefined) continue;
        rows.push([
          size.toLocaleString("en-US"),
          task,
          run.implementation === "naive" ? "naive (baseline)" : run.implementation,
          run.seconds.toFixed(3),
          run.rowsPerSecond.toLocaleString("en-US"),
          run.peakRssMB.toFixed(1),
          run === naive && streaming !== undefined
            ? `time ${(naive.seconds / streaming.seconds).toFixed(2)}x, RSS ${(naive.peakRssMB / streaming.peakRssMB).toFixed(2)}x`
            : "",
        ]);
      }
    }
  }
  return formatTable(headers, rows);
}

/** Peak RSS per implementation and task across the sizes: flat for streaming, growing for naive. */
export function csvGrowthTable(result: CsvSuiteResult): string {
  const headers = [
    "task",
    "implementation",
    ...result.sizes.map((size) => `${size.toLocaleString("en-US")} MB`),
  ];
  const rows = csvTasks.flatMap((task) =>
    csvImplementations.map((implementation) => [
      task,
      implementation === "naive" ? "naive (baseline)" : implementation,
      ...result.sizes.map((size) => {
        const run = result.runs.find(
          (candidate) =>
            candidate.rows === size && candidate.task === task && candidate.implementation === implementation,
        );
        return run === undefined ? "" : run.peakRssMB.toFixed(1);
      }),
    ]),
  );
  return formatTable(headers, rows);
}
