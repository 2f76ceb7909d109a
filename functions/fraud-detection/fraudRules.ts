/**
 * The fraud rules: weights, windows, thresholds and the high-risk MCC list, as versioned data in
 * rules.json. FRAUD_RULES_OVERRIDE may adjust them per stage without a code change; the override is
 * merged section by section, validated with the same strict schema (a typo in a key fails the cold
 * start), and stamped into the version, so every assessment says exactly which rules judged it.
 */
import { createHash } from "node:crypto";
import * as z from "../shared/zod";
import { InvalidEnvironmentError, InvalidReferenceDataError } from "../shared/errors";
import { EnvironmentName } from "../shared/environmentNames";
import baseRules from "./rules.json";

const points = z.int().check(z.gte(0), z.lte(100));
const positiveInteger = z.int().check(z.positive(), z.lte(Number.MAX_SAFE_INTEGER));
const usdMinor = z.int().check(z.nonnegative(), z.lte(Number.MAX_SAFE_INTEGER));
const note = z.optional(z.string());
const nonEmpty = z.string().check(z.minLength(1));
const level = z.int().check(z.gte(1), z.lte(100));

const signalBase = { enabled: z.boolean(), points, note };

const fraudRulesSchema = z
  .strictObject({
    version: nonEmpty,
    description: z.optional(z.string()),
    levels: z.strictObject({ highAtLeast: level, mediumAtLeast: level }).check(
      z.refine((levels) => levels.mediumAtLeast < levels.highAtLeast, {
        error: "mediumAtLeast must be below highAtLeast",
      }),
    ),
    history: z.strictObject({ lookbackDays: z.int().check(z.gte(1), z.lte(366)), note }),
    signals: z.strictObject({
      velocity: z.strictObject({
        ...signalBase,
        windowMinutes: positiveInteger,
        minPriorTransactions: positiveInteger,
      }),
      amountAboveHistory: z.strictObject({
        ...signalBase,
        multiplier: positiveInteger,
        minHistoryTransactions: positiveInteger,
      }),
      countryMismatch: z.strictObject(signalBase),
      highRiskMcc: z.strictObject({
        ...signalBase,
        codes: z.record(z.string().check(z.regex(/^\d{4}$/, { error: "MCCs are 4 digits" })), nonEmpty),
      }),
      roundAmount: z.strictObject({
        ...signalBase,
        minUsdMinor: usdMinor,
        roundMajorUnits: positiveInteger,
        roundMajorUnitsByCurrency: z.record(z.string().check(z.regex(/^[A-Z]{3}$/)), positiveInteger),
      }),
      firstTransactionLarge: z.strictObject({ ...signalBase, minUsdMinor: usdMinor }),
    }),
  })
  .check(
    z.refine((rules) => rules.signals.velocity.windowMinutes <= rules.history.lookbackDays * 24 * 60, {
      error: "the velocity window must fit in the history lookback",
    }),
  );

export type FraudRules = z.infer<typeof fraudRulesSchema>;

const section = z.record(z.string(), z.unknown());

/** The override's outline; its values are checked after merging, by the full schema. */
const fraudRulesOverrideSchema = z.strictObject({
  version: z.optional(nonEmpty),
  levels: z.optional(section),
  history: z.optional(section),
  signals: z.optional(
    z.strictObject({
      velocity: z.optional(section),
      amountAboveHistory: z.optional(section),
      countryMismatch: z.optional(section),
      highRiskMcc: z.optional(section),
      roundAmount: z.optional(section),
      firstTransactionLarge: z.optional(section),
    }),
  ),
});

type FraudRulesOverride = z.infer<typeof fraudRulesOverrideSchema>;

/** Sections merge key by key; a value inside a section (e.g. the MCC `codes` map) replaces wholesale, so codes can be removed. */
function merge(base: FraudRules, override: FraudRulesOverride, version: string): unknown {
  const signals: Record<string, unknown> = { ...base.signals };
  for (const [name, values] of Object.entries(override.signals ?? {})) {
    signals[name] = { ...(signals[name] as object), ...values };
  }
  return {
    ...base,
    version,
    levels: { ...base.levels, ...override.levels },
    history: { ...base.history, ...override.history },
    signals,
  };
}

function overrideVersion(baseVersion: string, override: FraudRulesOverride): string {
  if (override.version) return `${baseVersion}+${override.version}`;
  const digest = createHash("sha256").update(JSON.stringify(override)).digest("hex").slice(0, 12);
  return `${baseVersion}+override-${digest}`;
}

/** The shipped rules, validated. */
export function loadBaseFraudRules(): FraudRules {
  const parsed = fraudRulesSchema.safeParse(baseRules);
  if (!parsed.success)
    throw new InvalidReferenceDataError("fraud-detection/rules.json", z.prettifyError(parsed.error));
  return parsed.data;
}

/** The shipped rules with `override` (already JSON-parsed, or undefined) applied. */
export function loadFraudRules(override: unknown): FraudRules {
  const base = loadBaseFraudRules();
  if (override === undefined) return base;
  const outline = fraudRulesOverrideSchema.safeParse(override);
  if (!outline.success) {
    throw new InvalidEnvironmentError(EnvironmentName.fraudRulesOverride, z.prettifyError(outline.error));
  }
  const merged = fraudRulesSchema.safeParse(
    merge(base, outline.data, overrideVersion(base.version, outline.data)),
  );
  if (!merged.success) {
    throw new InvalidEnvironmentError(EnvironmentName.fraudRulesOverride, z.prettifyError(merged.error));
  }
  return merged.data;
}
