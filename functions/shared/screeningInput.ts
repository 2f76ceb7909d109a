/**
 * Parses the `{transaction}` the state machine hands the screening steps. Validation produced it,
 * so a failure here is a wiring fault, not bad customer data: it throws InvalidStepInputError,
 * which the state machine sends to the dead-letter queue instead of retrying.
 */
import { z } from "zod";
import { InvalidStepInputError } from "./errors";
import type { ScreeningInput } from "./stepContracts";
import { parseTimestamp } from "./timestamps";

const positiveSafeInteger = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const canonicalTransactionSchema = z.object({
  transactionId: z.string().min(1),
  source: z.enum(["webhook", "csv"]),
  provider: z.string().optional(),
  amountMinor: positiveSafeInteger,
  amount: z.string().regex(/^\d+(\.\d+)?$/),
  currency: z.string().regex(/^[A-Z]{3}$/),
  amountUsdMinor: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  customerId: z.string().min(1),
  merchantId: z.string().min(1),
  merchantCategoryCode: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  customerCountry: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  merchantCountry: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  customerName: z.string().optional(),
  merchantName: z.string().optional(),
  occurredAt: z
    .string()
    .refine((value) => parseTimestamp(value) !== undefined, { error: "not an RFC 3339 timestamp" }),
  card: z.object({ bin: z.string().optional(), last4: z.string() }).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
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
