/**
 * The screening suite: how well and how fast sanctioned-party screening works on the bundled OFAC
 * SDN list. Recall over listed spellings written the ways customers write them (exact, other case,
 * diacritics, reordered, a middle name dropped, one typo, a transliteration variant), the
 * false-positive rate over ordinary names on no list, microseconds per screened name on one core,
 * and what a cold start pays to load the list. The set is rebuilt from the seed on every run.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { bundledSdnFileName, bundledSdnPublishedAt } from "../../functions/compliance/sanctions/bundledList";
import { parseOfacSdnCsv } from "../../functions/compliance/sanctions/ofacSdnCsv";
import {
  buildScreeningIndex,
  parseScreeningIndex,
} from "../../functions/compliance/sanctions/screeningIndex";
import { NameMatcher } from "../../functions/compliance/sanctions/nameMatcher";
import {
  defaultScreeningThresholds,
  SanctionsScreener,
  type ScreeningThresholds,
} from "../../functions/compliance/sanctions/sanctionsScreener";
import { formatTable, say } from "../lib/report";
import { summarize, type Summary } from "../lib/stats";
import { negativeNames, positiveCases, variantKinds, type VariantKind } from "./labelledSet";

export const defaultScreeningSample = 2_000;
export const defaultScreeningNegatives = 10_000;
export const quickScreeningSample = 500;
export const quickScreeningNegatives = 2_500;
export const defaultScreeningSeed = 20240503;

export const screeningTargets = { recall: 0.98, falsePositiveRate: 0.005, microsPerName: 200 } as const;

export interface KindResult {
  readonly kind: VariantKind;
  readonly cases: number;
  readonly flagged: number;
  readonly blocked: number;
  /** Flagged and the flagged entry is the one the variant was written from. */
  readonly rightEntry: number;
}

export interface ScreeningSuiteResult {
  readonly thresholds: ScreeningThresholds;
  readonly listVersion: string;
  readonly listEntries: number;
  readonly indexedSpellings: number;
  readonly positives: number;
  readonly recall: number;
  readonly recallAtBlock: number;
  readonly negatives: number;
  readonly negativesExcludedAsListed: number;
  readonly falsePositives: number;
  readonly falsePositiveRate: number;
  readonly kinds: readonly KindResult[];
  readonly microsPerName: Summary;
  readonly coldStartMs: {
    readonly gunzipAndParseCsv: number;
    readonly parseIndexJson: number;
    readonly buildMatcher: number;
  };
  readonly indexJsonGzipBytes: number;
  readonly missed: readonly string[];
  readonly falsePositiveExamples: readonly string[];
  readonly meetsTargets: boolean;
}

const bundledSdnPath = path.join(
  __dirname,
  "..",
  "..",
  "functions",
  "compliance",
  "lists",
  "ofac",
  bundledSdnFileName,
);

function timed<T>(work: () => T): [T, number] {
  const started = performance.now();
  const value = work();
  return [value, performance.now() - started];
}

export function runScreeningSuite(options: {
  readonly seed: number;
  readonly sample: number;
  readonly negatives: number;
}): ScreeningSuiteResult {
  const thresholds = defaultScreeningThresholds;
  const [list, csvMs] = timed(() =>
    parseOfacSdnCsv(gunzipSync(readFileSync(bundledSdnPath)), { publishedAt: bundledSdnPublishedAt }),
  );
  const index = buildScreeningIndex([list], new Date(0));
  const serialised = gzipSync(JSON.stringify(index));
  const [, jsonMs] = timed(() => parseScreeningIndex(JSON.parse(gunzipSync(serialised).toString("utf8"))));
  const [, matcherMs] = timed(() => new NameMatcher(index.parties));
  const screener = new SanctionsScreener(index, thresholds);
  const positives = positiveCases(list.entries, options.sample, options.seed);
  const negativeSet = negativeNames(list.entries, options.negatives, options.seed + 1);
  say(
    `screening: ${list.version.list} ${list.version.publishedAt} (${list.entries.length.toLocaleString("en-US")} entries), ` +
      `${positives.length.toLocaleString("en-US")} listed variants from ${options.sample} sampled spellings, ` +
      `${negativeSet.names.length.toLocaleString("en-US")} ordinary names, seed ${options.seed}, ` +
      `review ≥ ${thresholds.review}, block ≥ ${thresholds.block}`,
  );
  // Warm up so the timings are of optimised code, as in a warm function.
  for (const testCase of positives.slice(0, 2_000)) screener.screen(testCase.name);
  const samples: number[] = [];
  const screen = (name: string) => {
    const started = performance.now();
    const match = screener.screen(name);
    samples.push((performance.now() - started) * 1000);
    return match;
  };
  const kinds = new Map<VariantKind, { cases: number; flagged: number; blocked: number; rightEntry: number }>(
    variantKinds.map((kind) => [kind, { cases: 0, flagged: 0, blocked: 0, rightEntry: 0 }]),
  );
  const missed: string[] = [];
  for (const testCase of positives) {
    const match = screen(testCase.name);
    const tally = kinds.get(testCase.kind)!;
    tally.cases += 1;
    if (match === undefined) {
      missed.push(`${testCase.kind}: "${testCase.name}" (listed "${testCase.listedName}")`);
      continue;
    }
    tally.flagged += 1;
    if (match.outcome === "BLOCK") tally.blocked += 1;
    if (match.entryNumber === testCase.entryNumber) tally.rightEntry += 1;
  }
  const falsePositiveExamples: string[] = [];
  for (const name of negativeSet.names) {
    const match = screen(name);
    if (match !== undefined) {
      falsePositiveExamples.push(`"${name}" → "${match.matchedName}" (${match.entryNumber}) ${match.score}`);
    }
  }
  const kindResults = [...kinds].map(([kind, tally]) => ({ kind, ...tally }));
  const flagged = kindResults.reduce((sum, kind) => sum + kind.flagged, 0);
  const blocked = kindResults.reduce((sum, kind) => sum + kind.blocked, 0);
  const recall = flagged / positives.length;
  const falsePositiveRate = falsePositiveExamples.length / negativeSet.names.length;
  const microsPerName = summarize(samples);
  return {
    thresholds,
    listVersion: index.version,
    listEntries: list.entries.length,
    indexedSpellings: new NameMatcher(index.parties).nameCount,
    positives: positives.length,
    recall,
    recallAtBlock: blocked / positives.length,
    negatives: negativeSet.names.length,
    negativesExcludedAsListed: negativeSet.excludedAsListed.length,
    falsePositives: falsePositiveExamples.length,
    falsePositiveRate,
    kinds: kindResults,
    microsPerName,
    coldStartMs: { gunzipAndParseCsv: csvMs, parseIndexJson: jsonMs, buildMatcher: matcherMs },
    indexJsonGzipBytes: serialised.length,
    missed: missed.slice(0, 50),
    falsePositiveExamples: falsePositiveExamples.slice(0, 50),
    meetsTargets:
      recall >= screeningTargets.recall &&
      falsePositiveRate <= screeningTargets.falsePositiveRate &&
      microsPerName.mean <= screeningTargets.microsPerName,
  };
}

const percent = (share: number): string => `${(share * 100).toFixed(2)} %`;

export function screeningKindTable(result: ScreeningSuiteResult): string {
  return formatTable(
    ["variant", "cases", "flagged", "blocked", "right entry"],
    result.kinds.map((kind) => [
      kind.kind,
      kind.cases.toLocaleString("en-US"),
      percent(kind.flagged / Math.max(1, kind.cases)),
      percent(kind.blocked / Math.max(1, kind.cases)),
      percent(kind.rightEntry / Math.max(1, kind.cases)),
    ]),
  );
}

export function screeningSummaryLines(result: ScreeningSuiteResult): string[] {
  const { microsPerName: micros, coldStartMs: cold } = result;
  const verdict = (ok: boolean): string => (ok ? "met" : "NOT MET");
  return [
    `recall ${percent(result.recall)} (review or block; block alone ${percent(result.recallAtBlock)}), ` +
      `target ≥ ${percent(screeningTargets.recall)}: ${verdict(result.recall >= screeningTargets.recall)}`,
    `false-positive rate ${percent(result.falsePositiveRate)} (${result.falsePositives} of ${result.negatives.toLocaleString("en-US")} ordinary names; ` +
      `${result.negativesExcludedAsListed} generated names left out as word-for-word listed), ` +
      `target ≤ ${percent(screeningTargets.falsePositiveRate)}: ${verdict(result.falsePositiveRate <= screeningTargets.falsePositiveRate)}`,
    `µs per screened name (one core): mean ${micros.mean.toFixed(1)}, p50 ${micros.p50.toFixed(1)}, p99 ${micros.p99.toFixed(1)}, ` +
      `max ${micros.max.toFixed(0)}; target mean ≤ ${screeningTargets.microsPerName}: ${verdict(micros.mean <= screeningTargets.microsPerName)}`,
    `cold start: gunzip + parse sdn.csv ${cold.gunzipAndParseCsv.toFixed(0)} ms, or read the index JSON ` +
      `(${(result.indexJsonGzipBytes / 1024).toFixed(0)} KiB gzip) ${cold.parseIndexJson.toFixed(0)} ms; build the matcher over ` +
      `${result.indexedSpellings.toLocaleString("en-US")} spellings ${cold.buildMatcher.toFixed(0)} ms`,
    `list version ${result.listVersion}`,
  ];
}
