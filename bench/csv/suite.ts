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
import { csvReferences, type CsvReference } from "./references";
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
  /** Rows per CPU second of the child (see ChildMeasurement.cpuSeconds). */
  readonly rowsPerCpuSecond: number;
  readonly peakRssMB: number;
  readonly startRssMB: number;
  readonly sampledPeakRssMB: number;
  readonly maxRssMB: number;
  readonly peakHeapUsedMB: number;
  readonly outcome: CsvTaskOutcome;
}

export interface CsvReferenceResult {
  readonly rows: number;
  readonly reference: CsvReference;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly rowsPerCpuSecond: number;
  readonly peakRssMB: number;
  readonly outcome: CsvTaskOutcome;
}

export interface CsvSuiteResult {
  readonly sizes: readonly number[];
  readonly runs: readonly CsvRunResult[];
  /** The bare parser and the plain-JavaScript validation over the same files. */
  readonly references: readonly CsvReferenceResult[];
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
    rowsPerCpuSecond: Math.round(rows / measured.cpuSeconds),
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
  const references: CsvReferenceResult[] = [];
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
      for (const reference of csvReferences) {
        const measured = await runInChild<CsvTaskOutcome>(childModule, [reference, "reference", file]);
        const result: CsvReferenceResult = {
          rows,
          reference,
          seconds: measured.seconds,
          rowsPerSecond: Math.round(rows / measured.seconds),
          rowsPerCpuSecond: Math.round(rows / measured.cpuSeconds),
          peakRssMB: mb(measured.peakRssBytes),
          outcome: measured.outcome,
        };
        references.push(result);
        say(
          `csv: ${rows} rows reference ${reference}: ${result.seconds.toFixed(2)} s, ` +
            `${result.rowsPerSecond.toLocaleString("en-US")} rows/s, peak RSS ${result.peakRssMB} MB`,
        );
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
  return { sizes, runs, references, outcomesAgree };
}

/**
 * Our streaming tasks against the references at each size: our rate as a share of the bare
 * parser's (the target is at least 40 %), our peak RSS over the parser's, and the plain-JavaScript
 * validation's rate and peak beside them.
 */
export function csvReferenceTable(result: CsvSuiteResult): string {
  const rows: string[][] = [];
  for (const size of result.sizes) {
    const bare = result.references.find((ref) => ref.rows === size && ref.reference === "bare-parser");
    const plain = result.references.find((ref) => ref.rows === size && ref.reference === "plain-js");
    if (bare === undefined) continue;
    for (const task of csvTasks) {
      const ours = result.runs.find(
        (run) => run.rows === size && run.task === task && run.implementation === "streaming",
      );
      if (ours === undefined) continue;
      rows.push([
        size.toLocaleString("en-US"),
        task,
        ours.rowsPerSecond.toLocaleString("en-US"),
        bare.rowsPerSecond.toLocaleString("en-US"),
        `${((100 * ours.rowsPerSecond) / bare.rowsPerSecond).toFixed(1)} %`,
        `${((100 * ours.rowsPerCpuSecond) / bare.rowsPerCpuSecond).toFixed(1)} %`,
        `${ours.peakRssMB.toFixed(0)} / ${bare.peakRssMB.toFixed(0)} = ${(ours.peakRssMB / bare.peakRssMB).toFixed(2)}x`,
        plain === undefined ? "" : plain.rowsPerSecond.toLocaleString("en-US"),
        plain === undefined ? "" : `${((100 * ours.rowsPerSecond) / plain.rowsPerSecond).toFixed(1)} %`,
        plain === undefined ? "" : `${(ours.peakRssMB / plain.peakRssMB).toFixed(2)}x`,
      ]);
    }
  }
  return formatTable(
    [
      "rows",
      "task",
      "ours rows/s",
      "bare csv-parse rows/s",
      "ours / bare (target ≥ 40 %)",
      "ours / bare, CPU time",
      "peak RSS MB ours / bare",
      "plain JS rows/s",
      "ours / plain JS",
      "RSS ours / plain JS",
    ],
    rows,
  );
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

/** The memory targets for the streaming reader: peak RSS at a million rows, and its growth from 100,000. */
export const csvMemoryTargets = { maxPeakMBAtMillion: 185, maxGrowthFromHundredThousand: 1.3 } as const;

/** One line per task: the streaming reader's peak at 1M rows against both memory targets. */
export function csvMemoryTargetLines(result: CsvSuiteResult): string[] {
  return csvTasks.flatMap((task) => {
    const peakAt = (rows: number): number | undefined =>
      result.runs.find((run) => run.rows === rows && run.task === task && run.implementation === "streaming")
        ?.peakRssMB;
    const million = peakAt(1_000_000);
    if (million === undefined) return [];
    const hundredThousand = peakAt(100_000);
    const growth = hundredThousand === undefined ? undefined : million / hundredThousand;
    return [
      `${task}: peak RSS at 1,000,000 rows ${million.toFixed(0)} MB (target ≤ ${csvMemoryTargets.maxPeakMBAtMillion} MB)` +
        (growth === undefined
          ? ""
          : `, ${growth.toFixed(2)}× the 100,000-row peak (target ≤ ${csvMemoryTargets.maxGrowthFromHundredThousand}×)`),
    ];
  });
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
