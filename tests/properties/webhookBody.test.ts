/**
 * Properties of the webhook body parser and validator beyond tests/functions/webhookIntakeProperties
 * (which posts strings through the handler on dynalite): arbitrary JSON objects through the pure
 * parse → validate path, where every rejection must be a reason code with a wire-named field;
 * arbitrary bytes, base64-encoded as API Gateway sends binary bodies, through the handler; the
 * payload hash's indifference to key order and spelling; the nesting limit; and duplicate keys,
 * whose parser message must not leak a card number.
 */
import { expect } from "chai";
import fc from "fast-check";
import { isUtf8 } from "node:buffer";
import { randomBytes } from "node:crypto";
import referenceRates from "../../functions/shared/data/reference-fx-rates.json";
import { currencyMinorDigits, formatMinor } from "../../functions/shared/money";
import { ValidationReasonCode } from "../../functions/shared/reasonCodes";
import { containsPan, redactPanText } from "../../functions/shared/pan";
import {
  parseWebhookBody,
  payloadHash,
  wireToCanonicalField,
} from "../../functions/webhook-intake/webhookBody";
import { validateWebhookBody } from "../../functions/webhook-intake/webhookValidation";
import { standardWebhooksRequest } from "../functions/support/webhookRequests";
import { startMockedIntake, type ErrorAnswer, type MockedIntake } from "./support/mockedIntake";

const validationCodes: readonly string[] = Object.values(ValidationReasonCode);
/** Codes of the whole-body scans for card numbers and sensitive authentication data. */
const scanCodes: readonly string[] = [
  ValidationReasonCode.panDetected,
  ValidationReasonCode.sensitiveDataPresent,
];
const wireFields = Object.keys(wireToCanonicalField);
/** Canonical names that are not also wire names: a reason must never be reported under one. */
const canonicalOnly = Object.values(wireToCanonicalField).filter((name) => !wireFields.includes(name));
const options = { now: new Date("2025-11-15T00:00:00Z"), maxAmountUsdMinor: 100_000_000n };

/** A field value of the wire format, valid or not. */
const wireValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.stringMatching(/^\d{1,7}(\.\d{1,4})?$/),
  fc.constantFrom("USD", "JPY", "KWD", "usd", "XXX", "US", "GB", "KP", "ZZ", "2025-11-14T12:00:00Z", "5411"),
  fc.constantFrom(
    "4111111111111111",
    "4111-1111-1111-1111",
    { bin: "411111", last4: "1111" },
    { cvv: "123" },
  ),
);

/** JSON objects shaped like deliveries: some wire fields, some unknown keys. */
const wireObject = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...wireFields), wireValue, { maxKeys: wireFields.length }),
    fc.dictionary(fc.string({ maxLength: 12 }), wireValue, { maxKeys: 3 }),
  )
  .map(([known, unknown]) => ({ ...unknown, ...known }));

/** The top-level key a reason's field path starts with (`a.b`, `a[0]`, or `["a b"].c`). */
function headOf(field: string): string {
  const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(field);
  if (quoted) return JSON.parse(quoted[1]) as string;
  return /^[^.[]*/.exec(field)?.[0] ?? field;
}

/** A 16-digit number that passes the Luhn check, from 15 random digits. */
const luhnNumber = fc.stringMatching(/^[1-9]\d{14}$/).map((digits) => {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return `${digits}${(10 - (sum % 10)) % 10}`;
});

describe("webhook body parser and validator properties", () => {
  it("judges any JSON object: valid, or every reason a known code with a wire-named field", () => {
    fc.assert(
      fc.property(fc.oneof(wireObject, fc.dictionary(fc.string(), fc.jsonValue())), (body) => {
        const parsed = parseWebhookBody(JSON.stringify(body));
        if (!parsed.ok) {
          // Only structural problems: JSON.stringify never writes duplicate keys, so the nesting limit.
          expect(parsed.message).to.match(/nested more than/);
          return;
        }
        const result = validateWebhookBody(parsed.textView, parsed.valueView, "acme", options);
        if (result.valid) {
          expect(result.transaction.transactionId).to.equal(body.transaction_id);
          return;
        }
        expect(result.reasons).to.have.length.greaterThan(0);
        for (const reason of result.reasons) {
          expect(validationCodes, reason.message).to.include(reason.code);
          if (typeof reason.field !== "string") throw new Error(`no field: ${JSON.stringify(reason)}`);
          expect(reason.message.startsWith(`${reason.field}: `), reason.message).to.equal(true);
          expect(reason.field).to.not.equal("");
          const head = headOf(reason.field);
          if (scanCodes.includes(reason.code)) {
            // Card data found anywhere in the body: the path to it, keys masked.
            const sentKeys = Object.keys(body).map(redactPanText);
            if (canonicalOnly.includes(head))
              expect(sentKeys.some((key) => key.startsWith(head))).to.equal(true);
          } else {
            // A transaction rule: reported under the wire's own field name.
            expect(wireFields, reason.field).to.include(head);
          }
          expect(containsPan(reason.message), reason.message).to.equal(false);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("accepts a well-formed delivery in any screenable currency and keeps its amount exactly", () => {
    const screenable = Object.keys(referenceRates.usdPerUnit).map((code) => ({
      code,
      digits: currencyMinorDigits(code) ?? 0,
    }));
    fc.assert(
      fc.property(
        fc.constantFrom(...screenable),
        fc.bigInt({ min: 1n, max: 100_000n }),
        fc.nat({ max: 9999 }),
        fc.boolean(),
        ({ code, digits }, major, fractionSource, asNumber) => {
          const scale = 10n ** BigInt(digits);
          const minor = major * scale + (BigInt(fractionSource) % scale);
          const text = formatMinor(minor, code);
          // A JSON number too: its digits are read from the raw text, never through a float.
          const amount = asNumber ? text : JSON.stringify(text);
          const raw = `{"transaction_id":"t-${minor}","amount":${amount},"currency":"${code}","customer_id":"c","merchant_id":"m"}`;
          const parsed = parseWebhookBody(raw);
          if (!parsed.ok) throw new Error(parsed.message);
          const result = validateWebhookBody(parsed.textView, parsed.valueView, "acme", options);
          if (!result.valid) throw new Error(JSON.stringify(result.reasons));
          expect(result.transaction.amountMinor).to.equal(Number(minor));
          expect(result.transaction.amount).to.equal(text);
          expect(result.transaction.currency).to.equal(code);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("hashes the payload the same whatever the key order, whitespace or number spelling", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })), (body) => {
        const original = parseWebhookBody(JSON.stringify(body));
        const reordered = Object.fromEntries(Object.entries(body).reverse());
        const respaced = parseWebhookBody(JSON.stringify(reordered, null, 2));
        if (!original.ok || !respaced.ok) throw new Error("a JSON object did not parse");
        expect(payloadHash(respaced.textView)).to.equal(payloadHash(original.textView));
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), (amount) => {
        const asNumber = parseWebhookBody(`{"transaction_id":"t","amount":${amount}}`);
        const asString = parseWebhookBody(`{"transaction_id":"t","amount":"${amount}"}`);
        if (!asNumber.ok || !asString.ok) throw new Error("did not parse");
        expect(payloadHash(asNumber.textView)).to.equal(payloadHash(asString.textView));
      }),
      { numRuns: 100 },
    );
  });

  it("hashes a different payload when any value changes or a key is added", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { minKeys: 1 }),
        fc.string({ minLength: 1, maxLength: 4 }),
        (body, suffix) => {
          const [key] = Object.keys(body);
          const hash = (value: Record<string, unknown>): string => {
            const parsed = parseWebhookBody(JSON.stringify(value));
            if (!parsed.ok) throw new Error("did not parse");
            return payloadHash(parsed.textView);
          };
          expect(hash({ ...body, [key]: `${body[key]}${suffix}` })).to.not.equal(hash(body));
          expect(hash({ ...body, [`${key}${suffix}`]: null })).to.not.equal(hash(body));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("parses nesting up to 32 levels and refuses deeper bodies without recursing", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), (depth) => {
        // The outer object is one level; `depth` arrays sit inside it.
        const parsed = parseWebhookBody(`{"metadata":${"[".repeat(depth)}${"]".repeat(depth)}}`);
        expect(parsed.ok, `depth ${depth + 1}`).to.equal(depth + 1 <= 32);
      }),
      { numRuns: 150 },
    );
  });

  it("refuses a duplicated key, and the message never repeats a card number used as the key", () => {
    fc.assert(
      fc.property(
        fc.oneof(luhnNumber, fc.constantFrom(...wireFields), fc.string({ maxLength: 10 })),
        (key) => {
          const quoted = JSON.stringify(key);
          const parsed = parseWebhookBody(`{${quoted}:1,${quoted}:2}`);
          if (parsed.ok) throw new Error(`duplicate key ${quoted} accepted`);
          expect(containsPan(parsed.message), parsed.message).to.equal(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("webhook intake answers to arbitrary bytes", function () {
  this.timeout(30_000);
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  let intake: MockedIntake;

  before(() => {
    intake = startMockedIntake([{ name: "acme", scheme: "standard-webhooks", secrets: [secret] }]);
  });

  after(() => intake?.stop());

  it("answers any signed binary body (base64 from API Gateway) with 202 or a 4xx, never a 5xx", async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      // Valid JSON with invalid UTF-8 spliced into a string value.
      fc
        .uint8Array({ minLength: 1, maxLength: 8 })
        .map((noise) =>
          Buffer.concat([
            Buffer.from('{"transaction_id":"t-1","amount":"1.00","currency":"USD","customer_id":"c'),
            Buffer.from(noise),
            Buffer.from('","merchant_id":"m"}'),
          ]),
        ),
      fc.uint8Array({ minLength: 9000, maxLength: 9100 }),
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (body) => {
        const raw = Buffer.from(body);
        // Signed over the decoded text: for UTF-8 bytes that is signing the bytes themselves.
        const event = standardWebhooksRequest(raw.toString("utf8"), secret);
        event.body = raw.toString("base64");
        event.isBase64Encoded = true;
        const answer = await intake.handle(event);
        // Bytes that are not UTF-8 cannot be verified exactly by a scheme that signs text: 401.
        const expected = isUtf8(raw) ? [202, 400, 413] : [401];
        expect(expected, `${answer.statusCode} ${answer.body}`).to.include(answer.statusCode);
        if (answer.statusCode === 202) return;
        const { error } = JSON.parse(answer.body) as ErrorAnswer;
        expect(error.code).to.be.a("string");
        expect(error.message).to.be.a("string");
        if (answer.statusCode === 413) expect(raw.length).to.be.greaterThan(8192);
        // A transaction rule broken (not a body that is no JSON object): the field is named.
        if (validationCodes.includes(error.code)) expect(error.field).to.be.a("string");
      }),
      { numRuns: 150 },
    );
  });
});
