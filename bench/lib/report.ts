/** What every suite shares: the machine line, table printing, and the results file. */
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { format } from "prettier";

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly totalMemoryGiB: number;
  readonly node: string;
  readonly platform: string;
  /** One-minute load average when the run started: above the core count, the numbers are noisy. */
  readonly loadAverage1m: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

/** The bench reports to the terminal; lint keeps console.log out of shipped code, so write directly. */
export function say(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/** A plain aligned table: numbers right-aligned, text left-aligned. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const isNumeric = (cell: string): boolean => /^[-\d.,x×]+$/.test(cell) && cell !== "";
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (isNumeric(cell) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

export const resultsDirectory = path.join(__dirname, "..", "results");

/** Writes `bench/results/<suite>-<timestamp>.json` and returns its path. */
export async function writeResults(suite: string, startedAt: Date, results: unknown): Promise<string> {
  await mkdir(resultsDirectory, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  const file = path.join(resultsDirectory, `${suite}-${stamp}.json`);
  // Formatted as the repository's prettier would, so `npm run format:check` passes after a run.
  await writeFile(file, await format(JSON.stringify(results), { parser: "json", printWidth: 110 }));
  return file;
}
