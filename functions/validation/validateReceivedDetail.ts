/**
 * Validates the `detail` of a "Transaction Received" event: the namespaced key plus the candidate
 * transaction. Pure, like validateTransaction.
 *
 * The key (`<provider or source>#<id>`) is what the table, the decision record and every later
 * step use, so it becomes the canonical `transactionId`; the candidate's own `transactionId` must be
 * the part after the namespace. A key that does not end with `#<transaction.transactionId>` means
 * the intake and the payload disagree about which transaction this is, and is rejected rather than
 * guessed at.
 */
import { containsPan, redactPanText } from "../shared/pan";
import { ValidationReasonCode } from "../shared/reasonCodes";
import type { CanonicalTransaction, Reason } from "../shared/stepContracts";
import { validateTransaction, type ValidationOptions } from "../shared/validateTransaction";

export type ReceivedValidation =
  | {
      readonly valid: true;
      readonly transaction: CanonicalTransaction;
      /** occurredAt was absent and set to the validation instant. */
      readonly occurredAtDefaulted: boolean;
    }
  | { readonly valid: false; readonly reasons: readonly Reason[] };

const maxKeyLength = 256;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function keyReason(code: string, problem: string): Reason {
  return { code, field: "transactionId", message: redactPanText(`transactionId: ${problem}`) };
}

function checkKey(key: unknown, candidateId: unknown): Reason[] {
  if (key === undefined || key === null) {
    return [
      keyReason(
        ValidationReasonCode.missingField,
        "the event's namespaced key (detail.transactionId) is required",
      ),
    ];
  }
  if (typeof key !== "string" || key.length > maxKeyLength || !/^[\x21-\x7E]+$/.test(key)) {
    return [
      keyReason(
        ValidationReasonCode.invalidField,
        `the namespaced key must be printable ASCII without spaces, at most ${maxKeyLength} characters`,
      ),
    ];
  }
  if (containsPan(key)) {
    return [
      keyReason(ValidationReasonCode.panDetected, "the namespaced key contains a full card number (PAN)"),
    ];
  }
  if (typeof candidateId !== "string") return [];
  const separator = key.length - candidateId.length - 1;
  if (separator < 1 || !key.endsWith(`#${candidateId}`)) {
    return [
      keyReason(
        ValidationReasonCode.invalidField,
        `the namespaced key ${JSON.stringify(key)} must be "<provider or source>#${candidateId}"`,
      ),
    ];
  }
  return [];
}

export function validateReceivedDetail(detail: unknown, options: ValidationOptions): ReceivedValidation {
  if (!isRecord(detail)) {
    return {
      valid: false,
      reasons: [
        {
          code: ValidationReasonCode.invalidField,
          field: "detail",
          message: "detail: must be a JSON object",
        },
      ],
    };
  }
  const candidate = detail.transaction;
  const candidateId = isRecord(candidate) ? candidate.transactionId : undefined;
  const reasons = checkKey(detail.transactionId, candidateId);
  if (candidate === undefined || candidate === null) {
    reasons.push({
      code: ValidationReasonCode.missingField,
      field: "transaction",
      message: "transaction: the candidate transaction (detail.transaction) is required",
    });
    return { valid: false, reasons };
  }
  const result = validateTransaction(candidate, options);
  if (!result.valid) return { valid: false, reasons: [...reasons, ...result.reasons] };
  if (reasons.length > 0 || typeof detail.transactionId !== "string") return { valid: false, reasons };
  return {
    valid: true,
    transaction: { ...result.transaction, transactionId: detail.transactionId },
    occurredAtDefaulted:
      isRecord(candidate) && (candidate.occurredAt === undefined || candidate.occurredAt === null),
  };
}
