/**
 * `npm run bench [-- --sizes 10000,100000] [--suite csv]`: runs the benchmark suites, prints the
 * machine and each suite's side-by-side table, and writes each suite's results as JSON to
 * bench/results/<suite>-<timestamp>.json (gitignored). Suites are registered below; issue 7's
 * other suites (domain throughput, bundles, local end-to-end, capacity) join the same way.
 */
import { machineInfo, say, writeResults } from "./lib/report";
import { csvGrowthTable, csvTable, defaultCsvSizes, runCsvSuite } from "./csv/suite";

interface BenchOptions {
  readonly sizes: readonly number[];
  readonly suites: readonly string[];
}

interface Suite {
  run(options: BenchOptions): Promise<{ readonly results: unknown; readonly ok: boolean }>;
}

const suites: Record<string, Suite> = {
  csv: {
    async run(options) {
      const result = await runCsvSuite(options.sizes);
      say();
      say(csvTable(result));
      say();
      say("Peak RSS (MB) as the file grows:");
      say(csvGrowthTable(result));
      say();
      say(
        result.outcomesAgree
          ? "Both implementations found the same rows, valid rows, errors and batches at every size."
          : "WARNING: the implementations disagree on what they found; the comparison is void (see the JSON).",
      );
      return { results: result, ok: result.outcomesAgree };
    },
  },
};

function valueOf(args: readonly string[], flag: string): string | undefined {
  const inline = args.find((arg) => arg.startsWith(`${flag}=`));
  if (inline !== undefined) return inline.slice(flag.length + 1);
  const index = args.indexOf(flag);
  return index === -1 ? undefined : args[index + 1];
}

function parseOptions(args: readonly string[]): BenchOptions {
  const sizesText = valueOf(args, "--sizes");
  const sizes =
    sizesText === undefined
      ? defaultCsvSizes
      : sizesText.split(",").map((size) => Number(size.replace(/_/g, "")));
  const bad = sizes.filter((size) => !Number.isSafeInteger(size) || size < 1);
  if (bad.length > 0 || sizes.length === 0) {
    throw new Error(`--sizes must be positive whole row counts separated by commas, got "${sizesText}"`);
  }
  const suitesText = valueOf(args, "--suite");
  const chosen = suitesText === undefined ? Object.keys(suites) : suitesText.split(",");
  const unknown = chosen.filter((name) => !(name in suites));
  if (unknown.length > 0) {
    throw new Error(`--suite: unknown ${unknown.join(", ")}; known: ${Object.keys(suites).join(", ")}`);
  }
  return { sizes, suites: chosen };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const machine = machineInfo();
  const startedAt = new Date();
  say(
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.totalMemoryGiB} GiB, node ${machine.node}`,
  );
  let ok = true;
  for (const name of options.suites) {
    const outcome = await suites[name].run(options);
    ok &&= outcome.ok;
    const file = await writeResults(name, startedAt, {
      suite: name,
      startedAt: startedAt.toISOString(),
      machine,
      options,
      ...(typeof outcome.results === "object" && outcome.results !== null ? outcome.results : {}),
    });
    say(`results: ${file}`);
  }
  if (!ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
