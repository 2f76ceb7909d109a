/**
 * Parses the `{transaction}` the state machine hands the screening steps. Validation produced it,
 * so a failure here is a wiring fault, not bad customer data: it throws InvalidStepInputError,
 * which the state machine sends to the dead-letter queue instead of retrying.
 */
import * as z from "./zod";
import { InvalidStepInputError } from "./errors";
import type { ScreeningInput } from "./stepContracts";
import { parseTimestamp } from "./timestamps";

const positiveSafeInteger = z.int().check(z.positive(), z.lte(Number.MAX_SAFE_INTEGER));
const nonEmpty = z.string().check(z.minLength(1));
const matching = (pattern: RegExp) => z.string().check(z.regex(pattern));

const canonicalTransactionSchema = z.object({
  transactionId: nonEmpty,
  source: z.enum(["webhook", "csv"]),
  provider: z.optional(z.string()),
  amountMinor: positiveSafeInteger,
  amount: matching(/^\d+(\.\d+)?$/),
  currency: matching(/^[A-Z]{3}$/),
  amountUsdMinor: z.int().check(z.nonnegative(), z.lte(Number.MAX_SAFE_INTEGER)),
  customerId: nonEmpty,
  merchantId: nonEmpty,
  merchantCategoryCode: z.optional(matching(/^\d{4}$/)),
  customerCountry: z.optional(matching(/^[A-Z]{2}$/)),
  merchantCountry: z.optional(matching(/^[A-Z]{2}$/)),
  customerName: z.optional(z.string()),
  merchantName: z.optional(z.string()),
  occurredAt: z
    .string()
    .check(z.refine((value) => parseTimestamp(value) !== undefined, { error: "not an RFC 3339 timestamp" })),
  card: z.optional(z.object({ bin: z.optional(z.string()), last4: z.string() })),
  metadata: z.optional(z.record(z.string(), z.unknown())),
});

const screeningInputSchema = z.object({ transaction: canonicalTransactionSchema });

export function parseScreeningInput(input: unknown, stepName: string): ScreeningInput {
  const parsed = screeningInputSchema.safeParse(input);
  if (!parsed.success) {
    // Paths and problems only: the input is never echoed.
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    throw new InvalidStepInputError(stepName, problems.join("; "));
  }
  return parsed.data;
}
