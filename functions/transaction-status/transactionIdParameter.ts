/**
 * Reads the `{transactionId}` path parameter: the namespaced key `<provider>#<id>`, which clients
 * send percent-encoded (`acme%23tx-1`) and API Gateway REST may hand over still encoded. Pure.
 *
 * Nothing here ever echoes the value: a rejected parameter may be anything, a card number included.
 */
import { containsPan } from "../shared/pan";
import { ValidationReasonCode } from "../shared/reasonCodes";
import type { WireError } from "../shared/httpResponses";

/** Same bound as the pipeline's key check: no longer key can ever have been stored. */
export const maxTransactionIdLength = 256;

/** Every character percent-encoded is three times as long; anything longer cannot decode to a valid key. */
const maxEncodedLength = maxTransactionIdLength * 3;

/** Printable ASCII without spaces, the only keys validation lets into the table. */
const keyPattern = /^[\x21-\x7E]+$/;

export const TransactionIdErrorCode = {
  invalid: "INVALID_TRANSACTION_ID",
  panDetected: ValidationReasonCode.panDetected,
} as const;

export type TransactionIdParameter =
  | { readonly valid: true; readonly transactionId: string }
  | { readonly valid: false; readonly error: WireError };

const field = "transaction_id";

const shapeMessage =
  `transaction_id must be 1-${maxTransactionIdLength} printable ASCII characters without spaces ` +
  "(the namespaced key, e.g. acme%23tx-1 for acme#tx-1)";

function invalid(message: string): TransactionIdParameter {
  return { valid: false, error: { code: TransactionIdErrorCode.invalid, message, field } };
}

/** decodeURIComponent, or undefined for a malformed escape (`%zz`, a lone `%`, broken UTF-8). */
function percentDecoded(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

export function parseTransactionIdParameter(raw: string | null | undefined): TransactionIdParameter {
  if (raw === undefined || raw === null || raw.length === 0) {
    return invalid("transaction_id is required in the path: /transactions/{transaction_id}");
  }
  if (raw.length > maxEncodedLength) return invalid(shapeMessage);
  const decoded = percentDecoded(raw);
  if (decoded === undefined) return invalid("transaction_id is not valid percent-encoding");
  if (decoded.length === 0 || decoded.length > maxTransactionIdLength || !keyPattern.test(decoded)) {
    return invalid(shapeMessage);
  }
  if (containsPan(decoded)) {
    return {
      valid: false,
      error: {
        code: TransactionIdErrorCode.panDetected,
        message: "transaction_id must not contain a full card number",
        field,
      },
    };
  }
  return { valid: true, transactionId: decoded };
}
