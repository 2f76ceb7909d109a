/**
 * The compliance rule lists (lists/screening-lists.json): sanctioned countries, FATF high-risk
 * jurisdictions, the reporting threshold and the structuring window, validated once at cold
 * start. They change with every FATF plenary, so they are data with a version, not code. Sanctioned
 * parties come from the official lists instead (sanctions/).
 */
import { z } from "zod";
import { InvalidReferenceDataError } from "../shared/errors";
import rawLists from "./lists/screening-lists.json";

const countryMap = z.record(
  z.string().regex(/^[A-Z]{2}$/, { error: "country keys are ISO 3166-1 alpha-2" }),
  z.string(),
);
const usdMinor = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const screeningListsSchema = z.strictObject({
  version: z.string().min(1),
  effectiveFrom: z.iso.date(),
  notes: z.string().optional(),
  sanctionedCountries: z.strictObject({
    source: z.string(),
    notes: z.string().optional(),
    countries: countryMap,
  }),
  highRiskJurisdictions: z.strictObject({
    version: z.string().min(1),
    asOf: z.iso.date(),
    source: z.string(),
    notes: z.string().optional(),
    callForAction: countryMap,
    increasedMonitoring: countryMap,
  }),
  currencyTransactionReport: z.strictObject({ thresholdUsdMinor: usdMinor, source: z.string() }),
  structuring: z.strictObject({
    windowHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 7),
    minTransactions: z.number().int().min(2),
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
