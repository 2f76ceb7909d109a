/**
 * The compliance function's settings, read once at cold start: the screening thresholds, and where
 * the sanctions lists come from (the screening-lists bucket when deployed, the bundled list when
 * no bucket is named).
 */
import { EnvironmentName } from "../shared/environmentNames";
import {
  optionalEnvironment,
  optionalPositiveIntegerEnvironment,
  requireEnvironment,
  type EnvironmentSource,
} from "../shared/environment";
import { InvalidEnvironmentError } from "../shared/errors";
import {
  checkThresholds,
  defaultScreeningThresholds,
  type ScreeningThresholds,
} from "./sanctions/sanctionsScreener";

export interface ComplianceConfig {
  readonly transactionsTable: string;
  readonly thresholds: ScreeningThresholds;
  /** Unset: screen against the bundled list. */
  readonly screeningListsBucket?: string;
  readonly recheckMs: number;
}

function score(name: string, fallback: number, env: EnvironmentSource): number {
  const text = optionalEnvironment(name, env);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(text.trim()) || !(value > 0)) {
    throw new InvalidEnvironmentError(
      name,
      `expected a score above 0 and at most 1, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

export function readComplianceConfig(env: EnvironmentSource = process.env): ComplianceConfig {
  const transactionsTable = requireEnvironment(EnvironmentName.transactionsTable, env);
  const review = score(EnvironmentName.sanctionsReviewScore, defaultScreeningThresholds.review, env);
  const block = score(EnvironmentName.sanctionsBlockScore, defaultScreeningThresholds.block, env);
  let thresholds: ScreeningThresholds;
  try {
    thresholds = checkThresholds({ review, block });
  } catch (error) {
    throw new InvalidEnvironmentError(EnvironmentName.sanctionsReviewScore, (error as Error).message);
  }
  const bucket = optionalEnvironment(EnvironmentName.screeningListsBucket, env);
  return {
    transactionsTable,
    thresholds,
    ...(bucket === undefined ? {} : { screeningListsBucket: bucket }),
    recheckMs:
      Number(optionalPositiveIntegerEnvironment(EnvironmentName.screeningListsRecheckSeconds, 300n, env)) *
      1000,
  };
}
