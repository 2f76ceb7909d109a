/**
 * Shape of the candidate transaction in `detail.transaction` (canonical camelCase names; the
 * intakes translate the wire formats). This schema checks types and formats only; money, the
 * clock, card numbers and sensitive data are judged in validateTransaction.ts, which needs the
 * currency, the time and the whole raw object.
 *
 * Unknown fields are stripped (Zod's default for objects): nothing unvetted reaches the table.
 * They are still scanned for card numbers and sensitive data before being dropped, so a PAN
 * cannot slip through in a field we do not model. `amountMinor` is not modelled either: it is
 * always recomputed from `amount` and `currency`, never trusted.
 */
import * as z from "./zod";
import { normaliseCountryCode } from "./countries";
import { parseTimestamp, toUtcTimestamp } from "./timestamps";

/** Largest metadata accepted, as UTF-8 JSON: enough for references and tags, not for documents. */
export const maxMetadataBytes = 4096;
/** Deepest metadata nesting accepted (an object directly under metadata is depth 2). */
export const maxMetadataDepth = 5;

/**
 * The rules of ids and free text as data, so the CSV reader's fast path (csvCleanRows.ts) accepts
 * exactly what these schemas accept; change them here and both follow.
 */
export const textRules = {
  /** Longest transaction, customer or merchant id. */
  maxIdLength: 128,
  /** Longest customer or merchant name. */
  maxNameLength: 200,
  /** Transaction ids: printable ASCII without spaces. */
  printableId: /^[\x21-\x7E]*$/,
  /** Ids: no control characters. */
  oneLine: /^[^\p{Cc}]*$/u,
  /** Names: no control characters but line breaks (a quoted CSV field may hold one). */
  lineBreaksAllowed: /^(?:[^\p{Cc}]|\r?\n)*$/u,
  /** Free text must hold something other than whitespace and format characters. */
  notBlank: /[^\s\p{Cf}]/u,
  /** Merchant category codes. */
  merchantCategoryCode: /^\d{4}$/,
} as const;

/** True when `value` passes freeText(maxLength, lineBreaks) below. */
export function isFreeText(value: string, maxLength: number, lineBreaks = false): boolean {
  return (
    value.length >= 1 &&
    value.length <= maxLength &&
    (lineBreaks ? textRules.lineBreaksAllowed : textRules.oneLine).test(value) &&
    textRules.notBlank.test(value)
  );
}

const printableId = z
  .string()
  .check(
    z.minLength(1, { error: "must not be empty" }),
    z.maxLength(textRules.maxIdLength, { error: `must be at most ${textRules.maxIdLength} characters` }),
    z.regex(textRules.printableId, { error: "must be printable ASCII without spaces" }),
  );

/** Ids are one line; names may span lines (a quoted CSV field may hold a line break). */
const freeText = (maxLength: number, lineBreaks = false) =>
  z.string().check(
    z.minLength(1, { error: "must not be empty" }),
    z.maxLength(maxLength, { error: `must be at most ${maxLength} characters` }),
    z.regex(lineBreaks ? textRules.lineBreaksAllowed : textRules.oneLine, {
      error: lineBreaks
        ? "must not contain control characters other than line breaks"
        : "must not contain control characters",
    }),
    z.regex(textRules.notBlank, { error: "must not be only whitespace" }),
  );

const countryCode = z.pipe(
  z.string().check(
    z.refine((value) => normaliseCountryCode(value) !== undefined, {
      error: "must be an ISO 3166-1 alpha-2 country code",
    }),
  ),
  z.transform((value: string) => normaliseCountryCode(value) ?? value),
);

/** No card transaction this pipeline takes predates it; earlier years are typos or epoch zero. */
export const earliestOccurredAt = new Date("2000-01-01T00:00:00Z");

const occurredAt = z.pipe(
  z.string().check(
    z.refine((value) => parseTimestamp(value) !== undefined, {
      error: 'must be an ISO 8601 date-time with an offset, e.g. "2025-11-14T09:30:00Z"',
      abort: true,
    }),
    z.refine((value) => (parseTimestamp(value)?.getTime() ?? 0) >= earliestOccurredAt.getTime(), {
      error: `must not be before ${earliestOccurredAt.toISOString()}`,
    }),
  ),
  z.transform((value: string) => {
    const instant = parseTimestamp(value);
    return instant ? toUtcTimestamp(instant) : value;
  }),
);

const cardSummary = z.object(
  {
    bin: z.nullish(
      z.string().check(z.regex(/^\d{6,8}$/, { error: "must be the first 6 to 8 digits of the card" })),
    ),
    last4: z.string().check(z.regex(/^\d{4}$/, { error: "must be the last 4 digits of the card" })),
  },
  { error: "must be an object {bin?, last4}" },
);

function nestingDepth(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  // Bounded by maxMetadataBytes, so the recursion cannot go deep.
  return 1 + Math.max(0, ...children.map(nestingDepth));
}

/**
 * DynamoDB stores numbers exactly or not at all: the SDK refuses integers beyond 2^53 and the
 * service refuses exponents past 125, and a put failing on customer data would be retried to the
 * dead-letter queue. Such numbers, and empty property names, are rejected here instead.
 */
function storableInDynamoDb(value: unknown): boolean {
  if (typeof value === "number") {
    return Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER && !/e/i.test(String(value));
  }
  if (typeof value !== "object" || value === null) return true;
  if (Array.isArray(value)) return value.every(storableInDynamoDb);
  return Object.entries(value).every(([key, child]) => key !== "" && storableInDynamoDb(child));
}

const metadata = z.record(z.string(), z.unknown(), { error: "must be a JSON object" }).check(
  z.refine((value) => Buffer.byteLength(JSON.stringify(value), "utf8") <= maxMetadataBytes, {
    error: `must be at most ${maxMetadataBytes} bytes as JSON`,
    abort: true,
  }),
  z.refine((value) => nestingDepth(value) <= maxMetadataDepth, {
    error: `must be nested at most ${maxMetadataDepth} levels deep`,
    abort: true,
  }),
  z.refine(storableInDynamoDb, {
    error:
      "numbers must be plain decimals within +/-2^53 (send larger ones as strings) and property names non-empty",
  }),
);

export const candidateTransactionSchema = z.object(
  {
    transactionId: printableId,
    source: z.enum(["webhook", "csv"], { error: 'must be "webhook" or "csv"' }),
    provider: z.nullish(
      z
        .string()
        .check(z.regex(/^[A-Za-z0-9._-]{1,64}$/, { error: "must be 1-64 letters, digits, '.', '_' or '-'" })),
    ),
    // Judged against the currency in validateTransaction.ts; here only the type.
    amount: z.union([z.string(), z.number()], { error: "must be a decimal string or a number" }),
    currency: z.string({ error: "must be an ISO 4217 currency code" }),
    customerId: freeText(textRules.maxIdLength),
    merchantId: freeText(textRules.maxIdLength),
    occurredAt: z.nullish(occurredAt),
    merchantCategoryCode: z.nullish(
      z
        .string({ error: "must be a 4-digit string" })
        .check(z.regex(textRules.merchantCategoryCode, { error: "must be 4 digits" })),
    ),
    customerCountry: z.nullish(countryCode),
    merchantCountry: z.nullish(countryCode),
    customerName: z.nullish(freeText(textRules.maxNameLength, true)),
    merchantName: z.nullish(freeText(textRules.maxNameLength, true)),
    card: z.nullish(cardSummary),
    metadata: z.nullish(metadata),
  },
  { error: "must be a JSON object" },
);

export type CandidateTransaction = z.infer<typeof candidateTransactionSchema>;
