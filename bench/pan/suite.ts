/**
 * The card-number detector's cost per CSV row: every cell of generated bench rows (the csv suite's
 * rows, about one in twenty with a note, some with non-ASCII names) through `containsPan`, the
 * call csv-intake and csv-transform make for each cell. Process CPU time is reported besides wall
 * time because it is less sensitive to other load on the machine; the median of several rounds.
 */
import { containsPan } from "../../functions/shared/pan";
import { csvBenchRow } from "../csv/generate";
import { median } from "../lib/stats";

export interface PanSuiteResult {
  readonly rows: number;
  readonly cells: number;
  readonly rounds: number;
  /** Rows found holding a card number (0 for the bench rows: a check that nothing is mis-detected). */
  readonly rowsWithCardNumbers: number;
  readonly cpuMicrosPerRow: number;
  readonly wallMicrosPerRow: number;
}

export const defaultPanRows = 100_000;

export function runPanSuite(rowCount = defaultPanRows, rounds = 7): PanSuiteResult {
  // Cells split at commas, quotes kept: the detector sees the same characters either way.
  const rows = Array.from({ length: rowCount }, (_, index) => csvBenchRow(index + 1).split(","));
  const cells = rows.reduce((sum, row) => sum + row.length, 0);
  const cpu: number[] = [];
  const wall: number[] = [];
  let rowsWithCardNumbers = 0;
  for (let round = 0; round < rounds; round += 1) {
    let found = 0;
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    for (const row of rows) if (row.some((cell) => containsPan(cell))) found += 1;
    const used = process.cpuUsage(cpuStart);
    wall.push(((performance.now() - wallStart) * 1000) / rowCount);
    cpu.push((used.user + used.system) / rowCount);
    rowsWithCardNumbers = found;
  }
  return {
    rows: rowCount,
    cells,
    rounds,
    rowsWithCardNumbers,
    cpuMicrosPerRow: median(cpu),
    wallMicrosPerRow: median(wall),
  };
}

export function panTable(result: PanSuiteResult): string {
  return [
    `rows ${result.rows.toLocaleString("en-US")}, cells ${result.cells.toLocaleString("en-US")}, median of ${result.rounds} rounds`,
    `CPU µs per row   ${result.cpuMicrosPerRow.toFixed(2)}`,
    `wall µs per row  ${result.wallMicrosPerRow.toFixed(2)}`,
    `rows with a card number found: ${result.rowsWithCardNumbers}`,
  ].join("\n");
}
