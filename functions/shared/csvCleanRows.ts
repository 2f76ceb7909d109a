/**
 * The fast path of the CSV row rules. Nearly every row of a real file is valid, and judging one
 * through checkCsvRow means building a candidate object, a Zod parse with its refinements, and
 * walking the candidate again for card numbers, sensitive names and reserved names: most of the
 * reader's time. acceptCleanCsvRow reads the row's cells directly instead, with the same rules from
 * the same definitions (textRules, checkMoney, parseTimestamp, normaliseCountryCode, containsPan,
 * startsLikeFormula, canonicalOf), and answers only "valid, and here is the transaction" or
 * `undefined`. Every row it does not accept goes to checkCsvRow, which stays the rule book and
 * writes the reasons.
 *
 * It accepts exactly the rows checkCsvRow finds valid, with a deep-equal answer: the property test
 * tests/properties/csvCleanRows.test.ts holds the two together on generated rows, valid and not.
 * A new rule in the schema or in checkCsvRow must be added here too, or that test fails.
 *
 * What checkCsvRow does that is safe to skip for such a row: the second card-number scan over the
 * candidate (its values are the cells scanned here, fixed words, and `anonymous:<id>` of a
 * printable-ASCII id, which holds a card number only when the id does), and the scans for
 * sensitive and reserved property names (the candidate's keys are the fixed canonical names).
 */
import { checkMoney, canonicalOf, isInFuture } from "./validateTransaction";
import { containsPan } from "./pan";
import { normaliseCountryCode } from "./countries";
import { parseTimestamp, toUtcTimestamp } from "./timestamps";
import { earliestOccurredAt, isFreeText, textRules, type CandidateTransaction } from "./transactionSchema";
import {
  anonymousCustomerId,
  csvTransaction,
  derivedMerchantIdStandIn,
  merchantIdFromName,
  settlementStatuses,
  startsLikeFormula,
  type CsvColumn,
  type CsvHeader,
  type CsvRowCheck,
  type CsvRowContext,
} from "./csvRows";

const earliestOccurredAtMs = earliestOccurredAt.getTime();

/** True when every character is printable ASCII (space to tilde): no normalisation, no controls. */
function isPrintableAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

/** startsLikeFormula for printable ASCII: after leading spaces, one of = + - @. */
function asciiStartsLikeFormula(text: string): boolean {
  let index = 0;
  while (index < text.length && text.charCodeAt(index) === 0x20) index += 1;
  if (index === text.length) return false;
  const code = text.charCodeAt(index);
  return code === 0x3d || code === 0x2b || code === 0x2d || code === 0x40;
}

/**
 * Whether a cell raises none of the every-cell checks of checkCsvRow: formula lead (all columns but
 * amount), card number, sensitive column name holding data, invalid UTF-8 in a known column.
 */
function cellIsClean(value: string, header: CsvHeader, position: number): boolean {
  if (value.length === 0) return true;
  if (header.sensitive[position] && value.trim() !== "") return false;
  const column = header.columns[position];
  if (isPrintableAscii(value)) {
    if (column !== "amount" && asciiStartsLikeFormula(value)) return false;
    return !containsPan(value);
  }
  if (column !== "amount" && startsLikeFormula(value)) return false;
  if (containsPan(value)) return false;
  return column === undefined || !value.includes("\uFFFD");
}

/** The cell of `column`, undefined when the column is absent or the cell empty or only spaces. */
function cellOf(fields: readonly string[], header: CsvHeader, column: CsvColumn): string | undefined {
  const position = header.positions.get(column);
  if (position === undefined) return undefined;
  const value = fields[position];
  return value.trim() === "" ? undefined : value;
}

/**
 * The row's check when it is valid, computed without the general validator; undefined when the row
 * has any problem (or might have: checkCsvRow decides and explains).
 */
export function acceptCleanCsvRow(
  fields: readonly string[],
  header: CsvHeader,
  context: CsvRowContext,
): CsvRowCheck | undefined {
  if (fields.length !== header.names.length) return undefined;
  for (let position = 0; position < fields.length; position += 1) {
    if (!cellIsClean(fields[position], header, position)) return undefined;
  }

  const transactionId = cellOf(fields, header, "transaction_id");
  if (
    transactionId === undefined ||
    transactionId.length > textRules.maxIdLength ||
    !textRules.printableId.test(transactionId)
  ) {
    return undefined;
  }

  const amount = cellOf(fields, header, "amount");
  const currency = cellOf(fields, header, "currency");
  if (amount === undefined || currency === undefined) return undefined;
  const money = checkMoney({ amount, currency }, context.maxAmountUsdMinor);
  if (money.reasons.length > 0 || money.amounts === undefined) return undefined;

  const timestamp = cellOf(fields, header, "timestamp");
  const instant = timestamp === undefined ? undefined : parseTimestamp(timestamp);
  if (
    instant === undefined ||
    instant.getTime() < earliestOccurredAtMs ||
    isInFuture(instant, { now: context.now, maxAmountUsdMinor: context.maxAmountUsdMinor })
  ) {
    return undefined;
  }

  const merchant = cellOf(fields, header, "merchant");
  if (merchant === undefined || !isFreeText(merchant, textRules.maxNameLength, true)) return undefined;
  const status = cellOf(fields, header, "status")?.toLowerCase();
  const settlementStatus = settlementStatuses.find((known) => known === status);
  if (settlementStatus === undefined) return undefined;

  const customerId = cellOf(fields, header, "customer_id") ?? anonymousCustomerId(transactionId);
  if (!isFreeText(customerId, textRules.maxIdLength)) return undefined;
  const merchantIdCell = cellOf(fields, header, "merchant_id");
  if (merchantIdCell !== undefined && !isFreeText(merchantIdCell, textRules.maxIdLength)) return undefined;

  const merchantCategoryCode = cellOf(fields, header, "merchant_category_code");
  if (merchantCategoryCode !== undefined && !textRules.merchantCategoryCode.test(merchantCategoryCode)) {
    return undefined;
  }
  const customerCountryCell = cellOf(fields, header, "customer_country");
  const customerCountry =
    customerCountryCell === undefined ? undefined : normaliseCountryCode(customerCountryCell);
  if (customerCountryCell !== undefined && customerCountry === undefined) return undefined;
  const merchantCountryCell = cellOf(fields, header, "merchant_country");
  const merchantCountry =
    merchantCountryCell === undefined ? undefined : normaliseCountryCode(merchantCountryCell);
  if (merchantCountryCell !== undefined && merchantCountry === undefined) return undefined;

  // What the schema would hand canonicalOf for this row (see checkCsvRow's candidate).
  const candidate: CandidateTransaction = {
    transactionId,
    source: "csv",
    provider: "csv",
    amount,
    currency,
    customerId,
    merchantId: merchantIdCell ?? derivedMerchantIdStandIn,
    occurredAt: toUtcTimestamp(instant),
    merchantCategoryCode,
    customerCountry,
    merchantCountry,
    merchantName: merchant,
    metadata: { csvLine: context.line, settlementStatus },
  };
  const derivedMerchantId = merchantIdCell === undefined ? merchantIdFromName(merchant) : undefined;
  return {
    reasons: [],
    transaction: csvTransaction(
      canonicalOf(candidate, money.amounts, context.now),
      derivedMerchantId,
      context.fileId,
    ),
    transactionId,
  };
}
