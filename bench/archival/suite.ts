/**
 * The archival suite: the archival job (functions/archival/archivalRun.ts) over one day of
 * generated decided transactions on the emulators (dynalite for the tables, fauxqs for the audit
 * bucket, in this process: the same bench the archival tests use), once with one part at a time
 * and once with the default number of parts at once. Reported: items archived a second, overall
 * and per worker (per part in flight). On the emulators every call is CPU work on the same two
 * cores, so the parallel speed-up here is a floor; the capacity suite models the deployed rate
 * from the service latencies.
 */
import { performance } from "node:perf_hooks";
import {
  defaultPartConcurrency,
  runArchival,
  type ArchivalSummary,
} from "../../functions/archival/archivalRun";
import {
  decidedOn,
  oldDay,
  putItems,
  recordingLog,
  recordingMetrics,
  remainingTime,
  startArchiveBench,
  testNow,
} from "../../tests/functions/support/archiveFixture";
import { formatTable, say } from "../lib/report";

export const defaultArchivalItems = 4000;
export const quickArchivalItems = 1000;

export interface ArchivalRunMeasure {
  readonly partConcurrency: number;
  readonly items: number;
  readonly chunkSize: number;
  readonly seconds: number;
  readonly itemsPerSecond: number;
  readonly itemsPerSecondPerWorker: number;
  readonly archived: number;
}

export interface ArchivalSuiteResult {
  readonly runs: readonly ArchivalRunMeasure[];
  /** Every run archived every item. */
  readonly complete: boolean;
}

export async function runArchivalSuite(options: { readonly items: number }): Promise<ArchivalSuiteResult> {
  const bench = await startArchiveBench();
  const runs: ArchivalRunMeasure[] = [];
  const chunkSize = Math.max(100, Math.floor(options.items / 8));
  try {
    for (const partConcurrency of [1, defaultPartConcurrency]) {
      const scene = await bench.newScene({ chunkSize });
      await putItems(
        bench.testDynamoDb,
        scene.config.transactionsTable,
        decidedOn(oldDay, options.items, `bench-${partConcurrency}`, Math.floor(86_400_000 / options.items)),
      );
      const started = performance.now();
      const summary: ArchivalSummary = await runArchival(
        {
          config: scene.config,
          dynamoDb: bench.dynamoDb,
          s3: bench.s3,
          log: recordingLog(),
          metrics: recordingMetrics(),
          now: () => testNow,
          partConcurrency,
        },
        remainingTime(),
      );
      const seconds = (performance.now() - started) / 1000;
      const measure: ArchivalRunMeasure = {
        partConcurrency,
        items: options.items,
        chunkSize,
        seconds,
        itemsPerSecond: summary.archived / seconds,
        itemsPerSecondPerWorker: summary.archived / seconds / partConcurrency,
        archived: summary.archived,
      };
      runs.push(measure);
      say(
        `archival: ${summary.archived} items, ${partConcurrency} part(s) at once: ${measure.itemsPerSecond.toFixed(0)} items/s`,
      );
    }
  } finally {
    await bench.stop();
  }
  return { runs, complete: runs.every((run) => run.archived === run.items) };
}

export function archivalTable(result: ArchivalSuiteResult): string {
  return formatTable(
    ["parts at once (workers)", "items", "part size", "seconds", "items/s", "items/s per worker"],
    result.runs.map((run) => [
      String(run.partConcurrency),
      run.items.toLocaleString("en-US"),
      String(run.chunkSize),
      run.seconds.toFixed(1),
      run.itemsPerSecond.toFixed(0),
      run.itemsPerSecondPerWorker.toFixed(0),
    ]),
  );
}
