/** Shapes ValidateTransaction's answer: every field always present, so JSONPath can select it. */
import { toAttributeMap } from "../shared/marshalRecord";
import type { CanonicalTransaction, Reason, ValidationOutcome } from "../shared/stepContracts";

export function validOutcome(transaction: CanonicalTransaction): ValidationOutcome {
  return { valid: true, transaction, reasons: [], record: toAttributeMap({ valid: true, reasons: [] }) };
}

export function invalidOutcome(reasons: readonly Reason[]): ValidationOutcome {
  return { valid: false, transaction: null, reasons, record: toAttributeMap({ valid: false, reasons }) };
}
