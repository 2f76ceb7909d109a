/**
 * Properties of webhook signature verification (functions/webhook-intake/signatureVerification.ts)
 * for both schemes, Standard Webhooks and Stripe, signed with the providers' own libraries: a
 * correct signature over any body verifies; changing any single byte of the body, or one character
 * of the id, timestamp or signature, fails it; and no header value, however malformed, makes the
 * verifier throw or the handler answer anything but 401.
 */
import { expect } from "chai";
import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import {
  verifyWebhookSignature,
  type HeaderLookup,
} from "../../functions/webhook-intake/signatureVerification";
import type { SigningProvider } from "../../functions/webhook-intake/signingProviders";
import { standardWebhooksRequest } from "../functions/support/webhookRequests";
import { startMockedIntake, type ErrorAnswer, type MockedIntake } from "./support/mockedIntake";

const standardSecret = fc
  .uint8Array({ minLength: 24, maxLength: 64 })
  .map((bytes) => `whsec_${Buffer.from(bytes).toString("base64")}`);
const stripeSecret = fc.stringMatching(/^[A-Za-z0-9]{24,40}$/).map((text) => `whsec_${text}`);
const body = fc.oneof(fc.string(), fc.json(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }));
const deliveryId = fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/);
const base64Characters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const hexCharacters = "0123456789abcdef";

function lookup(headers: Readonly<Record<string, string>>): HeaderLookup {
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return (name) => lower.get(name.toLowerCase());
}

/** `text` with the character at `position` (modulo its length) replaced by another from `alphabet`. */
function replaceCharacter(text: string, position: number, alphabet: string, pick: number): string {
  const index = position % text.length;
  const others = alphabet.replace(text[index] ?? "", "");
  return `${text.slice(0, index)}${others[pick % others.length]}${text.slice(index + 1)}`;
}

/** `text`'s UTF-8 bytes with one byte changed (XOR with a non-zero mask), decoded again. */
function changeOneByte(text: string, position: number, mask: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length === 0) return "x";
  bytes[position % bytes.length] ^= mask;
  return bytes.toString("utf8");
}

function standardHeaders(secret: string, id: string, body: string, at: Date): Record<string, string> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, at, body),
  };
}

const acme = (secret: string): SigningProvider[] => [
  { name: "acme", scheme: "standard-webhooks", secrets: [secret] },
];
const stripe = (secret: string): SigningProvider[] => [
  { name: "stripe", scheme: "stripe", secrets: [secret] },
];

describe("signature verification properties", () => {
  describe("Standard Webhooks", () => {
    it("verifies a correct signature over any body, naming the provider and the delivery", () => {
      fc.assert(
        fc.property(standardSecret, deliveryId, body, (secret, id, text) => {
          const now = new Date();
          const result = verifyWebhookSignature(
            text,
            lookup(standardHeaders(secret, id, text, now)),
            acme(secret),
            now,
          );
          expect(result).to.deep.equal({
            verified: true,
            provider: "acme",
            scheme: "standard-webhooks",
            deliveryId: id,
          });
        }),
        { numRuns: 150 },
      );
    });

    it("fails when any single byte of the body changes", () => {
      fc.assert(
        fc.property(
          standardSecret,
          deliveryId,
          body,
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          (secret, id, text, at, mask) => {
            const now = new Date();
            const changed = changeOneByte(text, at, mask);
            // A byte inside an already-invalid UTF-8 sequence may decode to the same text: no change arrives.
            fc.pre(changed !== text);
            const result = verifyWebhookSignature(
              changed,
              lookup(standardHeaders(secret, id, text, now)),
              acme(secret),
              now,
            );
            expect(result).to.deep.equal({ verified: false, reason: "SIGNATURE_MISMATCH" });
          },
        ),
        { numRuns: 150 },
      );
    });

    it("fails when one character of the id, the timestamp or the signature changes", () => {
      const header = fc.constantFrom("webhook-id", "webhook-timestamp", "webhook-signature");
      fc.assert(
        fc.property(
          standardSecret,
          deliveryId,
          body,
          header,
          fc.nat(),
          fc.nat(),
          (secret, id, text, name, at, pick) => {
            const now = new Date();
            const headers = standardHeaders(secret, id, text, now);
            const value = headers[name];
            const changed =
              name === "webhook-signature"
                ? // Only the base64 after "v1,": the version prefix is covered below.
                  `v1,${replaceCharacter(value.slice(3), at, base64Characters, pick)}`
                : name === "webhook-timestamp"
                  ? replaceCharacter(value, at, "0123456789", pick)
                  : replaceCharacter(value, at, base64Characters, pick);
            const result = verifyWebhookSignature(
              text,
              lookup({ ...headers, [name]: changed }),
              acme(secret),
              now,
            );
            expect(result.verified, `${name}: ${value} -> ${changed}`).to.equal(false);
          },
        ),
        { numRuns: 200 },
      );
      fc.assert(
        fc.property(
          standardSecret,
          body,
          fc.constantFrom("v0", "v2", "V1", "v1a", ""),
          (secret, text, version) => {
            const now = new Date();
            const headers = standardHeaders(secret, "msg_1", text, now);
            const signature = `${version},${headers["webhook-signature"].slice(3)}`;
            const result = verifyWebhookSignature(
              text,
              lookup({ ...headers, "webhook-signature": signature }),
              acme(secret),
              now,
            );
            expect(result.verified).to.equal(false);
          },
        ),
        { numRuns: 50 },
      );
    });

    it("fails with a signature from another secret, and verifies with either of two active secrets", () => {
      fc.assert(
        fc.property(standardSecret, standardSecret, body, (first, second, text) => {
          fc.pre(first !== second);
          const now = new Date();
          const headers = lookup(standardHeaders(first, "msg_rotation", text, now));
          expect(verifyWebhookSignature(text, headers, acme(second), now).verified).to.equal(false);
          const both: SigningProvider[] = [
            { name: "acme", scheme: "standard-webhooks", secrets: [second, first] },
          ];
          expect(verifyWebhookSignature(text, headers, both, now).verified).to.equal(true);
        }),
        { numRuns: 100 },
      );
    });
  });

  describe("Stripe", () => {
    function stripeHeader(secret: string, text: string, at: Date): string {
      return Stripe.webhooks.generateTestHeaderString({
        payload: text,
        secret,
        timestamp: Math.floor(at.getTime() / 1000),
      });
    }

    it("verifies a correct signature over any non-empty body, naming the provider", () => {
      fc.assert(
        fc.property(stripeSecret, body, (secret, text) => {
          const now = new Date();
          const headers = lookup({ "Stripe-Signature": stripeHeader(secret, text, now) });
          const result = verifyWebhookSignature(text, headers, stripe(secret), now);
          // Stripe's library refuses an empty payload outright, signed or not.
          expect(result).to.deep.equal(
            text === ""
              ? { verified: false, reason: "SIGNATURE_MISMATCH" }
              : { verified: true, provider: "stripe", scheme: "stripe" },
          );
        }),
        { numRuns: 150 },
      );
    });

    it("fails when any single byte of the body, or one character of the timestamp or signature, changes", () => {
      fc.assert(
        fc.property(
          stripeSecret,
          body,
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          (secret, text, at, mask) => {
            const now = new Date();
            const changed = changeOneByte(text, at, mask);
            fc.pre(changed !== text);
            const headers = lookup({ "Stripe-Signature": stripeHeader(secret, text, now) });
            expect(verifyWebhookSignature(changed, headers, stripe(secret), now)).to.deep.equal({
              verified: false,
              reason: "SIGNATURE_MISMATCH",
            });
          },
        ),
        { numRuns: 150 },
      );
      fc.assert(
        fc.property(
          stripeSecret,
          body,
          fc.boolean(),
          fc.nat(),
          fc.nat(),
          (secret, text, inTimestamp, at, pick) => {
            const now = new Date();
            const header = stripeHeader(secret, text, now);
            const match = /^t=(\d+),v1=([0-9a-f]+)/.exec(header);
            if (!match) throw new Error(`unexpected Stripe header ${header}`);
            const [, timestamp, signature] = match;
            const changed = inTimestamp
              ? `t=${replaceCharacter(timestamp, at, "0123456789", pick)},v1=${signature}`
              : `t=${timestamp},v1=${replaceCharacter(signature, at, hexCharacters, pick)}`;
            const result = verifyWebhookSignature(
              text,
              lookup({ "Stripe-Signature": changed }),
              stripe(secret),
              now,
            );
            expect(result.verified, `${header} -> ${changed}`).to.equal(false);
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  it("never throws on any header values, and verifies none of them", () => {
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary" }),
      fc.stringMatching(/^v1,[A-Za-z0-9+/=]{0,60}( v1,[A-Za-z0-9+/=]{0,60})?$/),
      fc.stringMatching(/^t=\d{0,14}(,v1=[0-9a-f]{0,64}){0,3}(,t=\d{1,12})?$/),
      fc.constantFrom("", ",", "v1,", "t=", "t=,v1=", "t=1,t=2,v1=00", "9".repeat(40)),
    );
    const headers = fc.record(
      {
        "webhook-id": value,
        "webhook-timestamp": fc.oneof(value, fc.integer().map(String)),
        "webhook-signature": value,
        "stripe-signature": value,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(standardSecret, stripeSecret, body, headers, (first, second, text, given) => {
        const providers = [...acme(first), ...stripe(second)];
        const result = verifyWebhookSignature(text, lookup(given), providers, new Date());
        expect(result.verified, JSON.stringify(given)).to.equal(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe("webhook intake answers to malformed signatures", function () {
  this.timeout(30_000);
  const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
  let intake: MockedIntake;

  before(() => {
    intake = startMockedIntake(acme(secret));
  });

  after(() => intake?.stop());

  it("answers 401 with the same generic error, never a 5xx, whatever the signing headers hold", async () => {
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary" }),
      fc.constantFrom("", "v1,", "t=1,v1=00"),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            "webhook-id": value,
            "webhook-timestamp": value,
            "webhook-signature": value,
            "Stripe-Signature": value,
          },
          { requiredKeys: [] },
        ),
        body,
        async (headers, text) => {
          const answer = await intake.handle(standardWebhooksRequest(text, secret, { headers }));
          expect(answer.statusCode, answer.body).to.equal(401);
          expect((JSON.parse(answer.body) as ErrorAnswer).error).to.deep.equal({
            code: "UNAUTHORIZED",
            message: "The webhook signature could not be verified.",
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
