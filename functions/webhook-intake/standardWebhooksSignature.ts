/**
 * The Standard Webhooks signature (https://www.standardwebhooks.com, "Verifying webhooks"), with
 * Node's own HMAC in place of the `standardwebhooks` package, whose pure-JavaScript SHA-256 was
 * most of the intake's compute and its base64 and hash code 15 KiB of the bundle. The signed text
 * is `${webhook-id}.${webhook-timestamp}.${body}` in UTF-8, keyed with the secret's base64 bytes
 * after `whsec_`; the header lists space-separated `v1,<base64>` signatures, any one of which may
 * match, compared in constant time. It accepts and rejects what the package's `verify` does
 * (tests/functions/standardWebhooksSignature.test.ts compares the two); the timestamp window is
 * checked by the caller against its own clock (signatureVerification.ts).
 */
import { createHmac } from "node:crypto";
import { sameSignature } from "./sameSignature";

const secretPrefix = "whsec_";

/** The signing key of a `whsec_<base64>` secret. */
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret, "base64");
}

/** The `v1,<base64>` signature of a delivery, as the sender computes it. */
export function standardWebhooksSignature(
  secret: string,
  id: string,
  timestamp: string,
  body: string,
): string {
  return `v1,${createHmac("sha256", keyOf(secret)).update(`${id}.${timestamp}.${body}`, "utf8").digest("base64")}`;
}

/** True when one of the header's v1 signatures is the signature of this delivery by `secret`. */
export function hasStandardWebhooksSignature(
  signatureHeader: string,
  secret: string,
  id: string,
  timestamp: string,
  body: string,
): boolean {
  const expected = standardWebhooksSignature(secret, id, timestamp, body).slice("v1,".length);
  return signatureHeader.split(" ").some((versioned) => {
    const [version, signature] = versioned.split(",");
    return version === "v1" && signature !== undefined && sameSignature(expected, signature);
  });
}
