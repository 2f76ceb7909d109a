/**
 * Authenticates a webhook delivery against the configured providers, on the exact raw body.
 * The headers say which scheme signed it; every provider of that scheme and every one of its
 * active secrets is tried, and the first match names the provider. A failure says why only to
 * the logs (as a short reason code), never to the caller.
 */
import { hasStandardWebhooksSignature } from "./standardWebhooksSignature";
import { Stripe } from "./stripeSignature";
import type { SignatureScheme, SigningProvider } from "./signingProviders";

/** Accepted clock difference between the provider's timestamp and ours, both ways: 5 minutes. */
export const signatureToleranceSeconds = 300;

export type SignatureFailureReason =
  "MISSING_HEADERS" | "NO_PROVIDER_FOR_SCHEME" | "TIMESTAMP_OUT_OF_TOLERANCE" | "SIGNATURE_MISMATCH";

export type SignatureVerification =
  | {
      readonly verified: true;
      readonly provider: string;
      readonly scheme: SignatureScheme;
      /** The provider's id for this delivery (`webhook-id`), when the scheme has one. */
      readonly deliveryId?: string;
    }
  | { readonly verified: false; readonly reason: SignatureFailureReason };

/** Case-insensitive header lookup (API Gateway REST keeps the case the client sent). */
export type HeaderLookup = (name: string) => string | undefined;

const failed = (reason: SignatureFailureReason): SignatureVerification => ({ verified: false, reason });

/**
 * Unix seconds written the one canonical way. The schemes' libraries read the header as a number, so
 * "00<ts>" or "+<ts>" would verify against a signature over "<ts>"; refusing other spellings keeps
 * the header that was signed and the header that was sent the same text.
 */
const canonicalSeconds = /^(?:0|[1-9][0-9]{0,11})$/;

function withinTolerance(timestampSeconds: number, now: Date): boolean {
  return Math.abs(Math.floor(now.getTime() / 1000) - timestampSeconds) <= signatureToleranceSeconds;
}

function verifyStandardWebhooks(
  rawBody: string,
  header: HeaderLookup,
  providers: readonly SigningProvider[],
  now: Date,
): SignatureVerification {
  const id = header("webhook-id");
  const timestamp = header("webhook-timestamp");
  const signature = header("webhook-signature");
  if (!id || !timestamp || !signature) return failed("MISSING_HEADERS");
  // The scheme's 5-minute window, both ways, on the caller's clock.
  if (!canonicalSeconds.test(timestamp) || !withinTolerance(Number(timestamp), now)) {
    return failed("TIMESTAMP_OUT_OF_TOLERANCE");
  }
  for (const provider of providers) {
    for (const secret of provider.secrets) {
      if (hasStandardWebhooksSignature(signature, secret, id, timestamp, rawBody)) {
        return { verified: true, provider: provider.name, scheme: "standard-webhooks", deliveryId: id };
      }
    }
  }
  return failed("SIGNATURE_MISMATCH");
}

/**
 * `t=<unix seconds>` of a Stripe-Signature header. Exactly one is accepted: Stripe's library signs
 * against the last one, so a header with several could pass our window check with one and the
 * signature check with another.
 */
function stripeTimestamp(header: string): number | undefined {
  const timestamps = header
    .split(",")
    .map((part) => part.split("=", 2))
    .filter(([key]) => key?.trim() === "t")
    .map(([, value]) => value?.trim() ?? "");
  if (timestamps.length !== 1 || !canonicalSeconds.test(timestamps[0] ?? "")) return undefined;
  return Number(timestamps[0]);
}

function verifyStripe(
  rawBody: string,
  header: HeaderLookup,
  providers: readonly SigningProvider[],
  now: Date,
): SignatureVerification {
  const signature = header("stripe-signature");
  if (!signature) return failed("MISSING_HEADERS");
  const timestamp = stripeTimestamp(signature);
  // Stripe's library rejects only stale timestamps; one from the future is refused here.
  if (timestamp === undefined || !withinTolerance(timestamp, now))
    return failed("TIMESTAMP_OUT_OF_TOLERANCE");
  const stripeSignature = Stripe.webhooks.signature;
  if (!stripeSignature) throw new Error("the stripe package has no signature verifier");
  for (const provider of providers) {
    for (const secret of provider.secrets) {
      try {
        stripeSignature.verifyHeader(
          rawBody,
          signature,
          secret,
          signatureToleranceSeconds,
          undefined,
          now.getTime(),
        );
        return { verified: true, provider: provider.name, scheme: "stripe" };
      } catch (error) {
        if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw error;
      }
    }
  }
  return failed("SIGNATURE_MISMATCH");
}

/** Verifies the delivery; `rawBody` must be the body exactly as received (base64 already decoded). */
export function verifyWebhookSignature(
  rawBody: string,
  header: HeaderLookup,
  providers: readonly SigningProvider[],
  now: Date,
): SignatureVerification {
  const scheme: SignatureScheme | undefined = header("webhook-signature")
    ? "standard-webhooks"
    : header("stripe-signature")
      ? "stripe"
      : undefined;
  if (!scheme) return failed("MISSING_HEADERS");
  const candidates = providers.filter((provider) => provider.scheme === scheme);
  if (candidates.length === 0) return failed("NO_PROVIDER_FOR_SCHEME");
  return scheme === "standard-webhooks"
    ? verifyStandardWebhooks(rawBody, header, candidates, now)
    : verifyStripe(rawBody, header, candidates, now);
}
