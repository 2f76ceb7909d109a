/** Shapes ValidateTransaction's answer: every field always present, so JSONPath can select it. */
import { createHash } from "node:crypto";
import { toAttributeMap } from "../shared/marshalRecord";
import { containsPan } from "../shared/pan";
import type { CanonicalTransaction, Reason, ValidationOutcome } from "../shared/stepContracts";

/**
 * The key to record under. A key carrying a card number must not become a table key or reach an
 * alert, so it is replaced by a stable digest: re-runs still land on the same item.
 */
export function recordKeyFor(key: unknown): string {
  const text = typeof key === "string" ? key : JSON.stringify(key ?? null);
  if (typeof key === "string" && key.length > 0 && !containsPan(key)) return key;
  return `redacted#${createHash("sha256").update(text).digest("hex")}`;
}

export function validOutcome(transaction: CanonicalTransaction): ValidationOutcome {
  return {
    valid: true,
    recordKey: transaction.transactionId,
    transaction,
    reasons: [],
    record: toAttributeMap({ valid: true, reasons: [] }),
    alreadyArchived: false,
  };
}

/** A transaction already decided and archived: nothing more to do for it. */
export function archivedOutcome(key: string): ValidationOutcome {
  return {
    valid: false,
    recordKey: key,
    transaction: null,
    reasons: [],
    record: toAttributeMap({ valid: false, reasons: [] }),
    alreadyArchived: true,
  };
}

export function invalidOutcome(key: unknown, reasons: readonly Reason[]): ValidationOutcome {
  return {
    valid: false,
    recordKey: recordKeyFor(key),
    transaction: null,
    reasons,
    record: toAttributeMap({ valid: false, reasons }),
    alreadyArchived: false,
  };
}
