/**
 * Stripe's webhook signature scheme (https://docs.stripe.com/webhooks/signature#verify-manually),
 * in place of the 2 MB `stripe` SDK that the intake used for this one check. The header is
 * `t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=...]`; the signed text is `${t}.${raw body}` keyed
 * with the endpoint secret as UTF-8. It accepts and rejects what `stripe`'s
 * `webhooks.signature.verifyHeader` does (tests/functions/stripeSignature.test.ts compares the two),
 * including its parsing: the last `t` wins and only `v1` signatures count.
 */
import { createHmac } from "node:crypto";
import { sameSignature } from "./sameSignature";

/** Thrown for every header, body or secret that does not verify; says why, never what was signed. */
export class StripeSignatureVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StripeSignatureVerificationError";
  }
}

interface ParsedHeader {
  readonly timestamp: number;
  readonly signatures: readonly string[];
}

function parseHeader(header: string): ParsedHeader {
  let timestamp = -1;
  const signatures: string[] = [];
  for (const item of header.split(",")) {
    const [key, value] = item.split("=");
    if (key === "t") timestamp = Number.parseInt(value ?? "", 10);
    if (key === "v1" && value) signatures.push(value);
  }
  return { timestamp, signatures };
}

/**
 * Throws StripeSignatureVerificationError unless `header` carries a v1 signature of `payload` by
 * `secret` and its timestamp is at most `toleranceSeconds` old at `receivedAtMs` (0: no limit).
 */
export function verifyStripeSignatureHeader(
  payload: string,
  header: string,
  secret: string,
  toleranceSeconds: number,
  receivedAtMs: number,
): void {
  if (!payload) throw new StripeSignatureVerificationError("no payload");
  if (!header) throw new StripeSignatureVerificationError("no Stripe-Signature header");
  const { timestamp, signatures } = parseHeader(header);
  if (timestamp === -1) throw new StripeSignatureVerificationError("no timestamp in the header");
  if (signatures.length === 0) throw new StripeSignatureVerificationError("no v1 signature in the header");
  if (!secret || /^[ \t\r\n\f\v]*$/.test(secret)) throw new StripeSignatureVerificationError("blank secret");
  const expected = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  if (!signatures.some((candidate) => sameSignature(expected, candidate))) {
    throw new StripeSignatureVerificationError("no signature matches the payload");
  }
  const ageSeconds = Math.floor(receivedAtMs / 1000) - timestamp;
  if (toleranceSeconds > 0 && ageSeconds > toleranceSeconds) {
    throw new StripeSignatureVerificationError("timestamp outside the tolerance");
  }
}

/**
 * The slice of the `stripe` package's default export the intake calls, so switching to this file
 * is a change of import only.
 */
export const Stripe = {
  webhooks: {
    signature: {
      verifyHeader(
        payload: string,
        header: string,
        secret: string,
        toleranceSeconds: number,
        _cryptoProvider: undefined,
        receivedAtMs: number,
      ): true {
        verifyStripeSignatureHeader(payload, header, secret, toleranceSeconds, receivedAtMs);
        return true;
      },
    } as
      | {
          verifyHeader(
            payload: string,
            header: string,
            secret: string,
            toleranceSeconds: number,
            cryptoProvider: undefined,
            receivedAtMs: number,
          ): true;
        }
      | undefined,
  },
  errors: { StripeSignatureVerificationError },
};
