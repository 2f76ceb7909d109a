/** The demo's results as a plain-text table: one row per scenario, reasons wrapped under it. */

export interface ResultRow {
  readonly scenario: string;
  readonly http: string;
  readonly outcome: string;
  readonly expected: string;
  readonly ok: boolean;
  readonly reasons: readonly string[];
}

export function resultsTable(rows: readonly ResultRow[]): string {
  const headers = ["", "Scenario", "HTTP", "Outcome", "Expected"];
  const cells = rows.map((row) => [
    row.ok ? "ok" : "XX",
    row.scenario,
    row.http,
    row.outcome,
    row.ok ? "" : `${row.expected}`,
  ]);
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...cells.map((line) => line[column].length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, column) => value.padEnd(widths[column]))
      .join("  ")
      .trimEnd();
  const output = [line(headers), line(widths.map((width) => "-".repeat(width)))];
  rows.forEach((row, index) => {
    output.push(line(cells[index]));
    if (row.reasons.length > 0) output.push(`${" ".repeat(widths[0] + 2)}  ${row.reasons.join(", ")}`);
  });
  return output.join("\n");
}
