import { expect } from "chai";
import { ValidationReasonCode } from "../../functions/shared/reasonCodes";
import type { Reason } from "../../functions/shared/stepContracts";
import { validateTransaction, type ValidationOptions } from "../../functions/shared/validateTransaction";
import { parseWebhookBody } from "../../functions/webhook-intake/webhookBody";
import { validateWebhookBody } from "../../functions/webhook-intake/webhookValidation";
import { candidate } from "./support/transactions";

const now = new Date("2025-11-14T12:00:00.000Z");
const options: ValidationOptions = { now, maxAmountUsdMinor: 100_000_000 };

function reasonsFor(input: unknown, validationOptions: ValidationOptions = options): readonly Reason[] {
  const result = validateTransaction(input, validationOptions);
  return result.valid ? [] : result.reasons;
}

describe("validateTransaction: a valid candidate", () => {
  it("becomes a canonical transaction with integer minor units, a decimal string and a USD equivalent", () => {
    // Act
    const result = validateTransaction(candidate(), options);
    // Assess
    expect(result).to.deep.equal({
      valid: true,
      transaction: {
        transactionId: "tx-fixture-1",
        source: "webhook",
        provider: "acme",
        amountMinor: 4_250,
        amount: "42.50",
        currency: "USD",
        amountUsdMinor: 4_250,
        customerId: "customer-fixture",
        merchantId: "merchant-1",
        merchantCategoryCode: "5411",
        customerCountry: "US",
        merchantCountry: "US",
        customerName: "Ada Lovelace",
        merchantName: "Corner Grocery",
        occurredAt: "2025-11-14T11:58:00.000Z",
        card: { bin: "411111", last4: "1111" },
        metadata: { orderReference: "order-123" },
      },
    });
  });

  it("defaults occurredAt to now and leaves absent or null optional fields out entirely", () => {
    // Prepare
    const input = candidate({
      occurredAt: undefined,
      provider: null,
      card: undefined,
      metadata: null,
      customerName: undefined,
      merchantName: undefined,
      merchantCategoryCode: null,
      customerCountry: undefined,
      merchantCountry: undefined,
    });
    // Act
    const result = validateTransaction(input, options);
    // Assess
    expect(result.valid).to.equal(true);
    if (!result.valid) return;
    expect(result.transaction.occurredAt).to.equal("2025-11-14T12:00:00.000Z");
    expect(Object.keys(result.transaction).sort()).to.deep.equal(
      [
        "amount",
        "amountMinor",
        "amountUsdMinor",
        "currency",
        "customerId",
        "merchantId",
        "occurredAt",
        "source",
        "transactionId",
      ].sort(),
    );
  });

  it("strips unknown fields and recomputes amountMinor instead of trusting it", () => {
    // Act
    const result = validateTransaction(
      candidate({ amountMinor: 1, status: "APPROVED", internalNote: "x" }),
      options,
    );
    // Assess
    expect(result.valid).to.equal(true);
    if (!result.valid) return;
    expect(result.transaction.amountMinor).to.equal(4_250);
    expect(result.transaction).not.to.have.any.keys("status", "internalNote");
  });

  it("normalises currency and country codes to upper case and converts foreign amounts to USD cents", () => {
    // Act
    const result = validateTransaction(
      candidate({ amount: "1500", currency: "jpy", customerCountry: "jp" }),
      options,
    );
    // Assess
    expect(result.valid).to.equal(true);
    if (!result.valid) return;
    expect(result.transaction).to.include({
      currency: "JPY",
      amountMinor: 1_500,
      amount: "1500",
      amountUsdMinor: 971,
      customerCountry: "JP",
    });
  });

  it("accepts a JSON number amount whose text is plain decimal", () => {
    const result = validateTransaction(candidate({ amount: 10.5 }), options);
    expect(result.valid && result.transaction.amount).to.equal("10.50");
  });

  it("accepts an amount exactly at the maximum and an occurredAt exactly at the clock-skew tolerance", () => {
    // Act
    const result = validateTransaction(
      candidate({ amount: "1000000.00", occurredAt: "2025-11-14T12:05:00Z" }),
      options,
    );
    // Assess
    expect(result.valid).to.equal(true);
  });

  it("gives the same answer for the same input (pure)", () => {
    expect(validateTransaction(candidate(), options)).to.deep.equal(
      validateTransaction(candidate(), options),
    );
  });

  it("does not mistake a Luhn-failing 16-digit number in metadata for a card number", () => {
    expect(
      validateTransaction(candidate({ metadata: { reference: "4111111111111112" } }), options).valid,
    ).to.equal(true);
  });
});

describe("validateTransaction: every reason code, each message naming its field", () => {
  const cases: ReadonlyArray<{
    readonly title: string;
    readonly input: unknown;
    readonly code: string;
    readonly field: string;
    readonly fragment: string;
    readonly options?: ValidationOptions;
  }> = [
    {
      title: "a missing amount",
      input: candidate({ amount: undefined }),
      code: "MISSING_FIELD",
      field: "amount",
      fragment: "is required",
    },
    {
      title: "a null customerId",
      input: candidate({ customerId: null }),
      code: "MISSING_FIELD",
      field: "customerId",
      fragment: "is required",
    },
    {
      title: "a missing transactionId",
      input: candidate({ transactionId: undefined }),
      code: "MISSING_FIELD",
      field: "transactionId",
      fragment: "is required",
    },
    {
      title: "an unknown source",
      input: candidate({ source: "fax" }),
      code: "INVALID_FIELD",
      field: "source",
      fragment: '"webhook" or "csv"',
    },
    {
      title: "an empty merchantId",
      input: candidate({ merchantId: "" }),
      code: "INVALID_FIELD",
      field: "merchantId",
      fragment: "must not be empty",
    },
    {
      title: "a metadata array",
      input: candidate({ metadata: ["x"] }),
      code: "INVALID_FIELD",
      field: "metadata",
      fragment: "JSON object",
    },
    {
      title: "oversized metadata",
      input: candidate({ metadata: { blob: "x".repeat(5_000) } }),
      code: "INVALID_FIELD",
      field: "metadata",
      fragment: "4096 bytes",
    },
    {
      title: "too deeply nested metadata",
      input: candidate({ metadata: { a: { b: { c: { d: { e: {} } } } } } }),
      code: "INVALID_FIELD",
      field: "metadata",
      fragment: "nested at most",
    },
    {
      title: "a metadata number DynamoDB cannot store exactly",
      input: candidate({ metadata: { huge: 12345678901234567890 } }),
      code: "INVALID_FIELD",
      field: "metadata",
      fragment: "within +/-2^53",
    },
    {
      title: "a non-candidate value",
      input: "not an object",
      code: "INVALID_FIELD",
      field: "transaction",
      fragment: "JSON object",
    },
    {
      title: "too many decimals",
      input: candidate({ amount: "12.345" }),
      code: "INVALID_AMOUNT",
      field: "amount",
      fragment: "amount: 12.345 has more decimals than USD allows (2)",
    },
    {
      title: "exponent notation",
      input: candidate({ amount: "1e3" }),
      code: "INVALID_AMOUNT",
      field: "amount",
      fragment: "exponent",
    },
    {
      title: "a negative amount",
      input: candidate({ amount: "-5" }),
      code: "INVALID_AMOUNT",
      field: "amount",
      fragment: "amount:",
    },
    {
      title: "a boolean amount",
      input: candidate({ amount: true }),
      code: "INVALID_AMOUNT",
      field: "amount",
      fragment: "decimal string or a number",
    },
    {
      title: "an amount above the maximum",
      input: candidate({ amount: "1000000.01" }),
      code: "AMOUNT_ABOVE_MAXIMUM",
      field: "amount",
      fragment: "above the maximum of 1000000.00 USD",
    },
    {
      title: "a foreign amount above the maximum",
      input: candidate({ amount: "900000", currency: "GBP" }),
      code: "AMOUNT_ABOVE_MAXIMUM",
      field: "amount",
      fragment: "about 1183500.00 USD",
    },
    {
      title: "an unknown currency",
      input: candidate({ currency: "XYZ" }),
      code: "UNKNOWN_CURRENCY",
      field: "currency",
      fragment: '"XYZ" is not an ISO 4217',
    },
    {
      title: "a numeric currency",
      input: candidate({ currency: 840 }),
      code: "UNKNOWN_CURRENCY",
      field: "currency",
      fragment: "currency:",
    },
    {
      title: "a currency without a reference rate",
      input: candidate({ currency: "THB" }),
      code: "UNSUPPORTED_CURRENCY",
      field: "currency",
      fragment: "no reference rate",
    },
    {
      title: "an alpha-3 country",
      input: candidate({ customerCountry: "USA" }),
      code: "INVALID_COUNTRY",
      field: "customerCountry",
      fragment: "alpha-2",
    },
    {
      title: "an unassigned country",
      input: candidate({ merchantCountry: "ZZ" }),
      code: "INVALID_COUNTRY",
      field: "merchantCountry",
      fragment: "alpha-2",
    },
    {
      title: "a timestamp without offset",
      input: candidate({ occurredAt: "2025-11-14T11:00:00" }),
      code: "INVALID_TIMESTAMP",
      field: "occurredAt",
      fragment: "with an offset",
    },
    {
      title: "an impossible date",
      input: candidate({ occurredAt: "2025-02-30T11:00:00Z" }),
      code: "INVALID_TIMESTAMP",
      field: "occurredAt",
      fragment: "occurredAt:",
    },
    {
      title: "a timestamp beyond the clock-skew tolerance",
      input: candidate({ occurredAt: "2025-11-14T12:05:01Z" }),
      code: "TIMESTAMP_IN_FUTURE",
      field: "occurredAt",
      fragment: "plus 300 s",
    },
    {
      title: "a timestamp in the future with a custom tolerance",
      input: candidate({ occurredAt: "2025-11-14T12:00:02Z" }),
      code: "TIMESTAMP_IN_FUTURE",
      field: "occurredAt",
      fragment: "plus 1 s",
      options: { ...options, futureToleranceSeconds: 1 },
    },
    {
      title: "a short last4",
      input: candidate({ card: { last4: "111" } }),
      code: "INVALID_CARD",
      field: "card.last4",
      fragment: "last 4 digits",
    },
    {
      title: "a 9-digit BIN",
      input: candidate({ card: { bin: "411111111", last4: "1111" } }),
      code: "INVALID_CARD",
      field: "card.bin",
      fragment: "6 to 8 digits",
    },
    {
      title: "a card that is a string",
      input: candidate({ card: "411111******1111" }),
      code: "INVALID_CARD",
      field: "card",
      fragment: "{bin?, last4}",
    },
    {
      title: "a 3-digit MCC",
      input: candidate({ merchantCategoryCode: "541" }),
      code: "INVALID_MCC",
      field: "merchantCategoryCode",
      fragment: "4 digits",
    },
    {
      title: "a numeric MCC",
      input: candidate({ merchantCategoryCode: 5411 }),
      code: "INVALID_MCC",
      field: "merchantCategoryCode",
      fragment: "4-digit string",
    },
    {
      title: "a PAN in metadata",
      input: candidate({ metadata: { note: "card 4111 1111 1111 1111" } }),
      code: "PAN_DETECTED",
      field: "metadata.note",
      fragment: "full card number",
    },
    {
      title: "a PAN in a name",
      input: candidate({ customerName: "Ada 4111111111111111" }),
      code: "PAN_DETECTED",
      field: "customerName",
      fragment: "full card number",
    },
    {
      title: "a PAN in an unknown field",
      input: candidate({ cardNumber: 4111111111111111 }),
      code: "PAN_DETECTED",
      field: "cardNumber",
      fragment: "full card number",
    },
    {
      title: "a CVV on the card",
      input: candidate({ card: { last4: "1111", cvv: "123" } }),
      code: "SENSITIVE_DATA_PRESENT",
      field: "card.cvv",
      fragment: "must never be sent",
    },
    {
      title: "track data in metadata",
      input: candidate({ metadata: { Track2: "B4111;..." } }),
      code: "SENSITIVE_DATA_PRESENT",
      field: "metadata.Track2",
      fragment: "must never be sent",
    },
  ];

  for (const testCase of cases) {
    it(`${testCase.code} for ${testCase.title}`, () => {
      // Act
      const reasons = reasonsFor(testCase.input, testCase.options);
      // Assess
      const match = reasons.find(
        (reason) => reason.code === testCase.code && reason.field === testCase.field,
      );
      expect(match, JSON.stringify(reasons)).to.not.equal(undefined);
      expect(match?.message.startsWith(`${testCase.field}: `), match?.message).to.equal(true);
      expect(match?.message).to.contain(testCase.fragment);
    });
  }

  it("covers every reason code the pipeline defines (NOT_STORABLE is the store's, see transactionStoreRefusals)", () => {
    expect(new Set(cases.map((testCase) => testCase.code))).to.deep.equal(
      new Set(
        Object.values(ValidationReasonCode).filter((code) => code !== ValidationReasonCode.notStorable),
      ),
    );
  });
});

describe("validateTransaction: collecting problems and protecting card numbers", () => {
  it("reports every problem at once, not just the first", () => {
    // Act
    const reasons = reasonsFor(
      candidate({
        amount: "12.345",
        customerCountry: "XX",
        merchantCategoryCode: "1",
        customerId: undefined,
        occurredAt: "soon",
      }),
    );
    // Assess
    expect(reasons.map((reason) => `${reason.code}:${reason.field}`)).to.have.members([
      "INVALID_AMOUNT:amount",
      "INVALID_COUNTRY:customerCountry",
      "INVALID_MCC:merchantCategoryCode",
      "MISSING_FIELD:customerId",
      "INVALID_TIMESTAMP:occurredAt",
    ]);
  });

  it("judges the amount's syntax even when the currency is unknown", () => {
    const reasons = reasonsFor(candidate({ amount: "1,000", currency: "XYZ" }));
    expect(reasons.map((reason) => reason.code)).to.have.members(["UNKNOWN_CURRENCY", "INVALID_AMOUNT"]);
  });

  it("never repeats a card number, in messages, fields or the JSON of the answer", () => {
    // Prepare: a PAN in metadata, in a name, in a key, and as the amount itself (echoed by the amount check)
    const input = candidate({
      amount: "4111111111111111",
      customerName: "4111 1111 1111 1111",
      metadata: { note: "5555-5555-5555-4444", "4111111111111111": true },
    });
    // Act
    const result = validateTransaction(input, options);
    // Assess
    expect(result.valid).to.equal(false);
    const text = JSON.stringify(result);
    expect(text).not.to.match(/4111[ -]?1111[ -]?1111|5555[ -]?5555[ -]?5555/);
    expect(text).to.contain("PAN_DETECTED");
  });
});

describe("validateTransaction: hostile input is decided, never thrown or silently changed", () => {
  /** As the intake hands it over: JSON.parse makes `__proto__` an own property, as lossless-json does. */
  const fromJson = (metadataJson: string) => candidate({ metadata: JSON.parse(metadataJson) as unknown });

  for (const [title, json, field] of [
    ["constructor at the top", '{"constructor":{"a":1}}', "metadata.constructor"],
    ["constructor as a string", '{"constructor":"x"}', "metadata.constructor"],
    ["constructor nested", '{"a":{"b":[{"constructor":{"name":"Set"}}]}}', "metadata.a.b[0].constructor"],
    ["__proto__ at the top", '{"__proto__":{"polluted":true}}', "metadata.__proto__"],
    ["__proto__ nested", '{"a":{"__proto__":{"x":1}}}', "metadata.a.__proto__"],
    ["prototype", '{"prototype":{"x":1}}', "metadata.prototype"],
  ] as const) {
    it(`refuses a metadata property named ${title} with a reason naming it`, () => {
      const reasons = reasonsFor(fromJson(json));
      expect(reasons.map((reason) => [reason.code, reason.field])).to.deep.include([
        ValidationReasonCode.invalidField,
        field,
      ]);
    });
  }

  it("keeps other names JavaScript objects carry (toString, valueOf, hasOwnProperty) faithfully", () => {
    const metadata = { toString: "a", valueOf: 1, hasOwnProperty: true, nested: { isPrototypeOf: [null] } };
    const result = validateTransaction(fromJson(JSON.stringify(metadata)), options);
    expect(result.valid && result.transaction.metadata).to.deep.equal(metadata);
  });

  it("refuses a customer_id or merchant_id of only whitespace", () => {
    for (const blank of [" ", "\u00a0\u3000", "   "]) {
      const reasons = reasonsFor(candidate({ customerId: blank, merchantId: blank }));
      expect(reasons.map((reason) => reason.field)).to.include.members(["customerId", "merchantId"]);
    }
  });

  it("refuses a timestamp before 2000", () => {
    const reasons = reasonsFor(candidate({ occurredAt: "1999-12-31T23:59:59Z" }));
    expect(reasons.map((reason) => [reason.code, reason.field])).to.deep.equal([
      [ValidationReasonCode.invalidTimestamp, "occurredAt"],
    ]);
    expect(validateTransaction(candidate({ occurredAt: "2000-01-01T00:00:00Z" }), options).valid).to.equal(
      true,
    );
  });
});

describe("webhook metadata numbers are stored as sent or refused", () => {
  const wire = (metadataNumber: string) =>
    `{"transaction_id":"tx-n","amount":"1.00","currency":"USD","customer_id":"c","merchant_id":"m","metadata":{"n":${metadataNumber}}}`;

  for (const text of ["1e-400", "1E+400", "1.5e2", `0.${"0".repeat(400)}1`, "-0.0000e0"]) {
    it(`refuses metadata ${text.length > 20 ? `${text.slice(0, 12)}…` : text} rather than storing another number`, () => {
      const parsed = parseWebhookBody(wire(text));
      if (!parsed.ok) throw new Error(parsed.message);
      const result = validateWebhookBody(parsed.textView, parsed.valueView, "acme", options);
      expect(result.valid).to.equal(false);
      expect(!result.valid && result.reasons.map((reason) => reason.field)).to.deep.equal(["metadata"]);
    });
  }

  it("keeps plain decimals", () => {
    const parsed = parseWebhookBody(wire("-12.5"));
    if (!parsed.ok) throw new Error(parsed.message);
    const result = validateWebhookBody(parsed.textView, parsed.valueView, "acme", options);
    expect(result.valid && result.transaction.metadata).to.deep.equal({ n: -12.5 });
  });
});
