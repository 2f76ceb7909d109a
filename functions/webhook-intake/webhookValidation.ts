/**
 * Judges a parsed webhook body with the shared transaction rules and reports every problem in
 * the wire's own field names, so a provider can fix its payload in one round trip. The whole body
 * (unknown fields too, numbers as sent) is scanned for card numbers and sensitive data first:
 * nothing carrying one is stored, published or logged.
 */
import { findPans, redactPanText } from "../shared/pan";
import { ValidationReasonCode } from "../shared/reasonCodes";
import { findSensitiveData } from "../shared/sensitiveData";
import type { CanonicalTransaction, Reason } from "../shared/stepContracts";
import { validateTransaction, type ValidationOptions } from "../shared/validateTransaction";
import { candidateFromWire, wireFieldPath } from "./webhookBody";

export type WebhookValidation =
  | { readonly valid: true; readonly transaction: CanonicalTransaction }
  | { readonly valid: false; readonly reasons: readonly Reason[] };

/** Found by the whole-body scan below; the candidate's own scan would report them again. */
const scannedCodes = new Set<string>([
  ValidationReasonCode.panDetected,
  ValidationReasonCode.sensitiveDataPresent,
]);

function inWireNames(reason: Reason): Reason {
  if (reason.field === undefined) return reason;
  const field = wireFieldPath(reason.field);
  const prefix = `${reason.field}: `;
  const message = reason.message.startsWith(prefix)
    ? `${field}: ${reason.message.slice(prefix.length)}`
    : reason.message;
  return { code: reason.code, message, field };
}

function scanReasons(textView: Record<string, unknown>): Reason[] {
  const pans = findPans(textView).map((finding) => {
    const field = redactPanText(finding.path || "body");
    const where = finding.inKey ? "a property name contains" : "contains";
    return {
      code: ValidationReasonCode.panDetected,
      field,
      message: `${field}: ${where} a full card number (PAN); send at most card.bin and card.last4`,
    };
  });
  const sensitive = findSensitiveData(textView).map((path) => ({
    code: ValidationReasonCode.sensitiveDataPresent,
    field: redactPanText(path),
    message: `${redactPanText(path)}: sensitive authentication data (card verification code, PIN or track data) must never be sent`,
  }));
  return [...pans, ...sensitive];
}

export function validateWebhookBody(
  textView: Record<string, unknown>,
  valueView: Record<string, unknown>,
  provider: string,
  options: ValidationOptions,
): WebhookValidation {
  const reasons = scanReasons(textView);
  const claimed = valueView.provider;
  if (claimed !== undefined && claimed !== null && claimed !== provider) {
    reasons.push({
      code: ValidationReasonCode.invalidField,
      field: "provider",
      message: "provider: must be omitted or name the provider whose secret signed the delivery",
    });
  }
  const result = validateTransaction(candidateFromWire(valueView, provider), options);
  if (!result.valid) {
    const ownReasons = result.reasons.filter((reason) => !scannedCodes.has(reason.code));
    // Never answer invalid without a reason, even if the scans disagreed about a number's digits.
    const reported = ownReasons.length > 0 || reasons.length > 0 ? ownReasons : result.reasons;
    reasons.push(...reported.map(inWireNames));
  }
  if (reasons.length > 0 || !result.valid) return { valid: false, reasons };
  return { valid: true, transaction: result.transaction };
}
