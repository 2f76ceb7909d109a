/**
 * The Standard Webhooks verifier (functions/webhook-intake/standardWebhooksSignature.ts) against
 * the `standardwebhooks` package it replaced: the same signature for any delivery, and the same
 * accept or reject as the package's `verify` over generated bodies, secrets, ids and tampered or
 * malformed signature headers. (The package checks the timestamp against the real clock, so its
 * deliveries here are stamped now; the window itself is tested in signatureVerification's tests.)
 */
import { expect } from "chai";
import fc from "fast-check";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import {
  hasStandardWebhooksSignature,
  standardWebhooksSignature,
} from "../../functions/webhook-intake/standardWebhooksSignature";

const secret = fc
  .uint8Array({ minLength: 24, maxLength: 64 })
  .map((bytes) => `whsec_${Buffer.from(bytes).toString("base64")}`);
const body = fc.oneof(fc.string(), fc.json(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }));
const id = fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/);

function packageAccepts(
  key: string,
  deliveryId: string,
  timestamp: string,
  signature: string,
  text: string,
): boolean {
  try {
    new Webhook(key).verify(
      text,
      { "webhook-id": deliveryId, "webhook-timestamp": timestamp, "webhook-signature": signature },
      { jsonParse: false },
    );
    return true;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return false;
    throw error;
  }
}

const nowSeconds = (): string => String(Math.floor(Date.now() / 1000));

describe("Standard Webhooks signature", () => {
  it("signs every delivery exactly as the standardwebhooks package does", () => {
    fc.assert(
      fc.property(secret, id, body, (key, deliveryId, text) => {
        // Prepare
        const at = new Date();
        // Act
        const ours = standardWebhooksSignature(
          key,
          deliveryId,
          String(Math.floor(at.getTime() / 1000)),
          text,
        );
        // Assess
        expect(ours).to.equal(new Webhook(key).sign(deliveryId, at, text));
      }),
    );
  });

  it("accepts and rejects what the package's verify does, whatever the signature header holds", () => {
    const header = fc.oneof(
      fc.constant("genuine"),
      fc.string({ maxLength: 60 }),
      fc.stringMatching(/^(v1|v2|v1a),[A-Za-z0-9+/=]{0,50}$/),
    );
    fc.assert(
      fc.property(
        secret,
        secret,
        id,
        body,
        fc.array(header, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (key, otherKey, deliveryId, text, parts, signWithOther) => {
          // Prepare
          const timestamp = nowSeconds();
          const genuine = standardWebhooksSignature(
            signWithOther ? otherKey : key,
            deliveryId,
            timestamp,
            text,
          );
          const signature = parts.map((part) => (part === "genuine" ? genuine : part)).join(" ");
          // Act
          const ours = hasStandardWebhooksSignature(signature, key, deliveryId, timestamp, text);
          // Assess
          expect(ours).to.equal(packageAccepts(key, deliveryId, timestamp, signature, text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rejects a signature once any character of the body, id or timestamp changes", () => {
    fc.assert(
      fc.property(secret, id, body, fc.nat(), (key, deliveryId, text, position) => {
        // Prepare
        const timestamp = nowSeconds();
        const signature = standardWebhooksSignature(key, deliveryId, timestamp, text);
        const changedBody =
          text.length === 0
            ? "x"
            : `${text.slice(0, position % text.length)}\u0001${text.slice((position % text.length) + 1)}`;
        // Act, Assess
        expect(hasStandardWebhooksSignature(signature, key, deliveryId, timestamp, text)).to.equal(true);
        expect(hasStandardWebhooksSignature(signature, key, deliveryId, timestamp, changedBody)).to.equal(
          changedBody === text,
        );
        expect(hasStandardWebhooksSignature(signature, key, `${deliveryId}x`, timestamp, text)).to.equal(
          false,
        );
        expect(hasStandardWebhooksSignature(signature, key, deliveryId, `${timestamp}0`, text)).to.equal(
          false,
        );
      }),
    );
  });
});
