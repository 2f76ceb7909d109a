/**
 * The compliance rule lists (lists/screening-lists.json): sanctioned countries, FATF high-risk
 * jurisdictions, the reporting threshold and the structuring window, validated once at cold
 * start. They change with every FATF plenary, so they are data with a version, not code. Sanctioned
 * parties come from the official lists instead (sanctions/).
 */
import * as z from "../shared/zod";
import { InvalidReferenceDataError } from "../shared/errors";
import rawLists from "./lists/screening-lists.json";

const countryMap = z.record(
  z.string().check(z.regex(/^[A-Z]{2}$/, { error: "country keys are ISO 3166-1 alpha-2" })),
  z.string(),
);
const usdMinor = z.int().check(z.positive(), z.lte(Number.MAX_SAFE_INTEGER));
const nonEmpty = z.string().check(z.minLength(1));

const screeningListsSchema = z.strictObject({
  version: nonEmpty,
  effectiveFrom: z.iso.date(),
  notes: z.optional(z.string()),
  sanctionedCountries: z.strictObject({
    source: z.string(),
    notes: z.optional(z.string()),
    countries: countryMap,
  }),
  highRiskJurisdictions: z.strictObject({
    version: nonEmpty,
    asOf: z.iso.date(),
    source: z.string(),
    notes: z.optional(z.string()),
    callForAction: countryMap,
    increasedMonitoring: countryMap,
  }),
  currencyTransactionReport: z.strictObject({ thresholdUsdMinor: usdMinor, source: z.string() }),
  structuring: z.strictObject({
    windowHours: z.int().check(z.gte(1), z.lte(24 * 7)),
    minTransactions: z.int().check(z.gte(2)),
    source: z.string(),
  }),
});

export type ScreeningLists = z.infer<typeof screeningListsSchema>;

export function loadScreeningLists(raw: unknown = rawLists): ScreeningLists {
  const parsed = screeningListsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidReferenceDataError(
      "compliance/lists/screening-lists.json",
      z.prettifyError(parsed.error),
    );
  }
  return parsed.data;
}
