/**
 * `npm run bench [-- <suite> ...] [--quick] [--sizes 10000,100000] [--count N] [--seed N] [--runs N]
 * [--requests N] [--cpu-prof-dir DIR] [--node <path>]`: runs the benchmark suites (all of them, in the order below, when none is named),
 * prints the machine and each suite's tables, and writes each suite's results as JSON to
 * bench/results/<suite>-<timestamp>.json (gitignored). `--suite a,b` names suites too.
 *
 * --quick shrinks every suite (CSV 10,000 rows, 5,000 domain transactions, 3 init runs, 1,000
 * end-to-end requests) to a minute or two; the defaults take about 10 minutes on two cores, most
 * of it the CSV suite's million-row files. capacity reads the latest domain and bundles results,
 * so it runs after them. --node names a second Node.js binary (e.g. the Node.js 22 that Lambda
 * runs) the bundles suite also measures init with: as deployed (the entry with its code cache),
 * without the code cache, and with source maps on.
 */
import { machineInfo, say, writeResults } from "./lib/report";
import {
  csvGrowthTable,
  csvMemoryTargetLines,
  csvReferenceTable,
  csvTable,
  defaultCsvSizes,
  runCsvSuite,
} from "./csv/suite";
import { defaultPanRows, panTable, runPanSuite } from "./pan/suite";
import {
  defaultDomainCount,
  defaultDomainSeed,
  domainProfileLines,
  domainTable,
  quickDomainCount,
  runDomainSuite,
} from "./domain/suite";
import {
  bundlesTable,
  bundleTargets,
  defaultInitRuns,
  meetsTargets,
  quickInitRuns,
  runBundlesSuite,
} from "./bundles/suite";
import {
  defaultEndToEndConcurrency,
  defaultEndToEndRequests,
  endToEndTable,
  quickEndToEndRequests,
  runEndToEndSuite,
} from "./e2e/suite";
import {
  defaultScreeningNegatives,
  defaultScreeningSample,
  defaultScreeningSeed,
  quickScreeningNegatives,
  quickScreeningSample,
  runScreeningSuite,
  screeningKindTable,
  screeningSummaryLines,
} from "./screening/suite";
import {
  capacityBoundsTable,
  capacityCostTable,
  archivalRunTable,
  capacityDurationTable,
  capacitySummaryTable,
  runCapacitySuite,
} from "./capacity/suite";
import { archivalTable, defaultArchivalItems, quickArchivalItems, runArchivalSuite } from "./archival/suite";

interface BenchOptions {
  readonly sizes: readonly number[];
  readonly suites: readonly string[];
  readonly quick: boolean;
  /** Domain suite: transactions generated and measured, and the generator's seed. */
  readonly count: number;
  readonly seed: number;
  /** Whether --seed was given (suites other than domain keep their own default otherwise). */
  readonly seedGiven: boolean;
  /** Bundles suite: fresh processes per function and variant. */
  readonly runs: number;
  /** e2e suite: signed webhooks sent through the local stack. */
  readonly requests: number;
  /** e2e suite: folder for a CPU profile of the pipeline process (node --cpu-prof). */
  readonly cpuProfileDirectory?: string;
  /** Bundles suite: a second Node.js binary to measure init with (`--node`). */
  readonly otherNode?: string;
}

interface Suite {
  run(options: BenchOptions): Promise<{ readonly results: unknown; readonly ok: boolean }>;
}

const quickCsvSizes: readonly number[] = [10_000];

const suites: Record<string, Suite> = {
  csv: {
    async run(options) {
      const result = await runCsvSuite(options.sizes);
      say();
      say(csvTable(result));
      say();
      say("Peak RSS (MB) as the file grows:");
      say(csvGrowthTable(result));
      for (const line of csvMemoryTargetLines(result)) say(line);
      say();
      say("Against the references (bare csv-parse, plain-JavaScript validation), same files:");
      say(csvReferenceTable(result));
      say();
      say(
        result.outcomesAgree
          ? "Both implementations found the same rows, valid rows, errors and batches at every size."
          : "WARNING: the implementations disagree on what they found; the comparison is void (see the JSON).",
      );
      return { results: result, ok: result.outcomesAgree };
    },
  },
  pan: {
    async run(options) {
      const result = runPanSuite(options.quick ? 10_000 : defaultPanRows);
      say();
      say(panTable(result));
      return { results: result, ok: result.rowsWithCardNumbers === 0 };
    },
  },
  domain: {
    async run(options) {
      const result = await runDomainSuite({ seed: options.seed, count: options.count });
      say();
      say(domainTable(result));
      say();
      for (const line of domainProfileLines(result)) say(line);
      return { results: result, ok: true };
    },
  },
  bundles: {
    async run(options) {
      const result = await runBundlesSuite({ runs: options.runs, otherNode: options.otherNode });
      say();
      say(bundlesTable(result));
      const met = result.bundles.filter((bundle) => meetsTargets(bundle) === "yes").length;
      say();
      say(
        `${met} of ${result.bundles.length} functions meet the targets (≤ ${bundleTargets.maxBytes / 1024} KiB, ≤ ${bundleTargets.maxInitMedianMs} ms init median with ${result.node}, as deployed: no source maps).`,
      );
      if (result.otherNode !== undefined) {
        const metOther = result.bundles.filter((bundle) => meetsTargets(bundle, "other") === "yes").length;
        say(`${metOther} of ${result.bundles.length} meet them with ${result.otherNode}.`);
      }
      return { results: result, ok: true };
    },
  },
  e2e: {
    async run(options) {
      const result = await runEndToEndSuite({
        requests: options.requests,
        concurrency: defaultEndToEndConcurrency,
        cpuProfileDirectory: options.cpuProfileDirectory,
      });
      say();
      say(endToEndTable(result));
      const complete = result.accepted === result.requests && result.decided === result.accepted;
      if (!complete) say("WARNING: not every request was accepted and decided; see the JSON.");
      return { results: result, ok: complete };
    },
  },
  screening: {
    async run(options) {
      const result = runScreeningSuite({
        seed: options.seedGiven ? options.seed : defaultScreeningSeed,
        sample: options.quick ? quickScreeningSample : defaultScreeningSample,
        negatives: options.quick ? quickScreeningNegatives : defaultScreeningNegatives,
      });
      say();
      say(screeningKindTable(result));
      say();
      for (const line of screeningSummaryLines(result)) say(line);
      return { results: result, ok: result.meetsTargets };
    },
  },
  archival: {
    async run(options) {
      const result = await runArchivalSuite({
        items: options.quick ? quickArchivalItems : defaultArchivalItems,
      });
      say();
      say(archivalTable(result));
      say();
      say(
        "Emulators on this machine's cores; one hourly run at the target rate is modelled by the capacity suite.",
      );
      return { results: result, ok: result.complete };
    },
  },
  capacity: {
    async run() {
      const result = await runCapacitySuite();
      say();
      say(capacitySummaryTable(result));
      say();
      say(capacityCostTable(result));
      say();
      say(capacityDurationTable(result));
      say();
      say("Archival, one hourly run at the target rate (BatchGet 100 keys, conditional deletes one by one):");
      say(archivalRunTable(result));
      for (const row of result.rows) {
        say();
        say(`Throughput bounds, ${row.deployment.label}:`);
        say(capacityBoundsTable(row));
      }
      say();
      say(
        `Fixed, whatever the load: ${result.fixedMonthlyUsd.endpointServices} interface VPC endpoints in 3 AZs, ` +
          `about USD ${result.fixedMonthlyUsd.interfaceEndpoints.toFixed(0)} a month.`,
      );
      say("Prices, quotas and latencies: bench/capacity/assumptions.ts (assumed ones are marked there).");
      return { results: result, ok: true };
    },
  },
};

/** Flags that take a value; anything else starting with -- is a switch. */
const valueFlags = [
  "--sizes",
  "--suite",
  "--count",
  "--seed",
  "--runs",
  "--requests",
  "--cpu-prof-dir",
  "--node",
];

function valueOf(args: readonly string[], flag: string): string | undefined {
  const inline = args.find((arg) => arg.startsWith(`${flag}=`));
  if (inline !== undefined) return inline.slice(flag.length + 1);
  const index = args.indexOf(flag);
  return index === -1 ? undefined : args[index + 1];
}

/** Suite names given without a flag (`npm run bench -- domain capacity`). */
function positionalNames(args: readonly string[]): string[] {
  return args.filter(
    (arg, index) => !arg.startsWith("--") && !(index > 0 && valueFlags.includes(args[index - 1] ?? "")),
  );
}

function wholeNumber(args: readonly string[], flag: string, fallback: number, minimum: number): number {
  const text = valueOf(args, flag);
  if (text === undefined) return fallback;
  const value = Number(text.replace(/_/g, ""));
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new Error(`${flag} must be a whole number of at least ${minimum}, got "${text}"`);
  }
  return value;
}

function parseOptions(args: readonly string[]): BenchOptions {
  const quick = args.includes("--quick");
  const sizesText = valueOf(args, "--sizes");
  const sizes =
    sizesText === undefined
      ? quick
        ? quickCsvSizes
        : defaultCsvSizes
      : sizesText.split(",").map((size) => Number(size.replace(/_/g, "")));
  const bad = sizes.filter((size) => !Number.isSafeInteger(size) || size < 1);
  if (bad.length > 0 || sizes.length === 0) {
    throw new Error(`--sizes must be positive whole row counts separated by commas, got "${sizesText}"`);
  }
  const suitesText = valueOf(args, "--suite");
  const named = [...(suitesText === undefined ? [] : suitesText.split(",")), ...positionalNames(args)];
  const unknown = named.filter((name) => !(name in suites));
  if (unknown.length > 0) {
    throw new Error(`unknown suite ${unknown.join(", ")}; known: ${Object.keys(suites).join(", ")}`);
  }
  // Registry order, whatever order they were named in: capacity reads what domain and bundles wrote.
  const chosen =
    named.length === 0 ? Object.keys(suites) : Object.keys(suites).filter((name) => named.includes(name));
  return {
    sizes,
    suites: chosen,
    quick,
    count: wholeNumber(args, "--count", quick ? quickDomainCount : defaultDomainCount, 1),
    seed: wholeNumber(args, "--seed", defaultDomainSeed, 0),
    seedGiven: valueOf(args, "--seed") !== undefined,
    runs: wholeNumber(args, "--runs", quick ? quickInitRuns : defaultInitRuns, 1),
    requests: wholeNumber(args, "--requests", quick ? quickEndToEndRequests : defaultEndToEndRequests, 1),
    cpuProfileDirectory: valueOf(args, "--cpu-prof-dir"),
    otherNode: valueOf(args, "--node"),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const machine = machineInfo();
  const startedAt = new Date();
  say(
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.totalMemoryGiB} GiB, node ${machine.node}, ` +
      `load average ${machine.loadAverage1m}`,
  );
  let ok = true;
  for (const name of options.suites) {
    say();
    say(`== ${name} ==`);
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
