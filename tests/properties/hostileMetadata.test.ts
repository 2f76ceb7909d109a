/**
 * 10,000 random metadata objects (hostile property names, every JSON type, nesting) posted as
 * webhook JSON text through intake parsing and validation and the store's marshalling: each one is
 * refused with a reason, or accepted and then stored exactly as sent (marshalled and read back with
 * the same own properties). Never an exception, never a silent change. A sample of the same
 * generator goes through the whole local pipeline (state machine on the emulators) in
 * tests/e2e/api/hostileInput.test.ts.
 */
import { expect } from "chai";
import fc from "fast-check";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { documentMarshallOptions } from "../../functions/shared/dynamoDb";
import { parseWebhookBody } from "../../functions/webhook-intake/webhookBody";
import { validateWebhookBody } from "../../functions/webhook-intake/webhookValidation";
import { hostileMetadataJson } from "./support/hostileMetadata";

const options = { now: new Date("2025-11-15T00:00:00Z"), maxAmountUsdMinor: 100_000_000n };

function wireBody(metadataJson: string): string {
  return `{"transaction_id":"tx-meta","amount":"10.00","currency":"USD","customer_id":"c-1","merchant_id":"m-1","timestamp":"2025-11-14T12:00:00Z","metadata":${metadataJson}}`;
}

/**
 * Own properties only, recursively, so `__proto__` and `constructor` count as data. -0 is the
 * number 0 (JSON and DynamoDB numbers have no negative zero).
 */
function ownShape(value: unknown): unknown {
  if (typeof value === "number") return value + 0;
  if (Array.isArray(value)) return value.map(ownShape);
  if (typeof value !== "object" || value === null) return value;
  return Object.keys(value)
    .sort()
    .map((key) => [key, ownShape((value as Record<string, unknown>)[key])]);
}

describe("hostile metadata through intake validation and the store's marshalling", function () {
  this.timeout(300_000);

  it("10,000 metadata objects: each refused with a reason, or stored exactly as sent", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(hostileMetadataJson, (metadataJson) => {
        const parsed = parseWebhookBody(wireBody(metadataJson));
        if (!parsed.ok) {
          // Only nesting beyond the parser's limit is refused here; it is a 400 with a message.
          expect(parsed.message).to.be.a("string").and.not.equal("");
          refused += 1;
          return;
        }
        const result = validateWebhookBody(parsed.textView, parsed.valueView, "acme", options);
        if (!result.valid) {
          expect(result.reasons.length).to.be.greaterThan(0);
          for (const reason of result.reasons) {
            expect(reason.code).to.match(/^[A-Z_]+$/);
            expect(reason.message).to.be.a("string").and.not.equal("");
          }
          refused += 1;
          return;
        }
        accepted += 1;
        const item = { ...result.transaction, status: "RECEIVED" };
        const stored = unmarshall(marshall(item, documentMarshallOptions));
        expect(ownShape(stored.metadata)).to.deep.equal(ownShape(JSON.parse(metadataJson)));
      }),
      { numRuns: 10_000 },
    );
    // Both outcomes must occur, or the generator is not exercising the rules.
    expect(accepted, "accepted").to.be.greaterThan(500);
    expect(refused, "refused").to.be.greaterThan(500);
  });
});
