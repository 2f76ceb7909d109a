/**
 * Settings more than one function reads, each with its one rule, so the intakes and the
 * validation step cannot come to disagree about what they accept.
 */
import { integer, positiveBigInt } from "./environment";
import { EnvironmentName } from "./environmentNames";

/** 1,000,000 USD: above it a payment is refused outright, whatever the risk signals say. */
export const defaultMaxAmountUsdMinor = 100_000_000n;

/** Largest accepted amount in US-dollar cents equivalent: webhooks, CSV rows and validation alike. */
export const maxAmountUsdMinor = positiveBigInt(EnvironmentName.maxAmountUsdMinor, defaultMaxAmountUsdMinor);

/**
 * Longer than every provider's retry window (Standard Webhooks ~75 h, Stripe up to 3 days), so a
 * redelivery or a re-uploaded row within it is caught.
 */
export const minimumRetentionHours = 96;
export const defaultRetentionHours = 120;
/** A year, the longest the stack accepts. */
export const largestRetentionHours = 24 * 365;

/** Hours an intake record (a webhook delivery's or a CSV row's dedupe record) is kept. */
export const intakeRecordRetentionHours = integer(
  EnvironmentName.intakeRecordRetentionHours,
  defaultRetentionHours,
  {
    min: minimumRetentionHours,
    max: largestRetentionHours,
  },
);
