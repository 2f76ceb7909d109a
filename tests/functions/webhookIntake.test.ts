/**
 * POST /webhook end to end inside the function: real API Gateway REST proxy events signed with the
 * providers' own SDKs, the intake-records table on dynalite, EventBridge answered by
 * aws-sdk-client-mock. What this cannot prove: API Gateway's own header handling, IAM, Secrets
 * Manager and EventBridge in AWS.
 */
import { expect } from "chai";
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from "@aws-sdk/client-eventbridge";
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { createHmac, randomBytes } from "node:crypto";
import { localCredentials, localRegion } from "../../local/awsClients";
import { localLambdaContext } from "../../local/lambdaInvokeShim";
import type { IntakeRecord } from "../../functions/shared/intakeRecord";
import type { TransactionReceivedDetail } from "../../functions/shared/stepContracts";
import { startFunctionRuntime, type FunctionRuntime } from "./support/functionRuntime";
import {
  newStandardWebhooksSecret,
  standardWebhooksRequest,
  stripeRequest,
  webhookBody,
} from "./support/webhookRequests";

type IntakeModule = typeof import("../../functions/webhook-intake/webhookIntake");
type SourceModule = typeof import("../../functions/webhook-intake/signingSecretSource");

const busName = "transactions-test-bus";
const acmeOldSecret = newStandardWebhooksSecret();
const acmeSecret = newStandardWebhooksSecret();
const retiredSecret = newStandardWebhooksSecret();
const stripeSecret = `whsec_${randomBytes(24).toString("hex")}`;

describe("webhook-intake handler", function () {
  this.timeout(20_000);
  let runtime: FunctionRuntime;
  let handle: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  /** Builds another intake on the same table and bus, with some settings changed. */
  let intakeWith: (changes: {
    maxAmountUsdMinor?: bigint;
    documentClient?: DynamoDBDocumentClient;
    now?: () => Date;
  }) => (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  const eventBridge = new EventBridgeClient({ region: localRegion, credentials: localCredentials });
  let eventBridgeMock: AwsClientStub<EventBridgeClient>;
  const context = localLambdaContext("webhook-intake");
  let sequence = 0;

  /** A unique transaction id per test, so tests never dedupe against each other. */
  function uniqueBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    sequence += 1;
    return webhookBody({ transaction_id: `tx-intake-${sequence}`, ...overrides });
  }

  function signed(body: unknown, options: Parameters<typeof standardWebhooksRequest>[2] = {}) {
    return standardWebhooksRequest(
      typeof body === "string" ? body : JSON.stringify(body),
      acmeSecret,
      options,
    );
  }

  function publishedDetails(): TransactionReceivedDetail[] {
    return eventBridgeMock
      .commandCalls(PutEventsCommand)
      .flatMap((call) => (call.args[0].input as PutEventsCommandInput).Entries ?? [])
      .map((entry) => JSON.parse(entry.Detail ?? "null") as TransactionReceivedDetail);
  }

  async function intakeRecord(key: string): Promise<IntakeRecord | undefined> {
    const answer = await runtime.documentClient.send(
      new GetCommand({
        TableName: runtime.intakeTableName,
        Key: { transactionId: key },
        ConsistentRead: true,
      }),
    );
    return answer.Item as IntakeRecord | undefined;
  }

  function errorOf(result: APIGatewayProxyResult): { code: string; message: string; field?: string } {
    return (JSON.parse(result.body) as { error: { code: string; message: string; field?: string } }).error;
  }

  before(async () => {
    runtime = await startFunctionRuntime();
    eventBridgeMock = mockClient(eventBridge);
    const { createWebhookIntakeHandler } = runtime.load<IntakeModule>("webhook-intake/webhookIntake");
    const { staticSigningProviders } = runtime.load<SourceModule>("webhook-intake/signingSecretSource");
    intakeWith = (changes) => {
      const handler = createWebhookIntakeHandler({
        config: {
          intakeTableName: runtime.intakeTableName,
          eventBusName: busName,
          maxBodyBytes: 4096,
          retentionHours: 96,
          maxAmountUsdMinor: changes.maxAmountUsdMinor ?? 100_000_000n,
        },
        signingProviders: staticSigningProviders([
          { name: "acme", scheme: "standard-webhooks", secrets: [acmeOldSecret, acmeSecret] },
          { name: "cardco", scheme: "stripe", secrets: [stripeSecret] },
        ]),
        documentClient: changes.documentClient ?? runtime.documentClient,
        eventBridge,
        ...(changes.now ? { now: changes.now } : {}),
      });
      return (event) => handler(event, context);
    };
    handle = intakeWith({});
  });

  beforeEach(() => {
    eventBridgeMock.reset();
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "event-1" }] });
  });

  after(async () => {
    eventBridgeMock.restore();
    await runtime?.stop();
  });

  describe("signature", () => {
    /** A Standard Webhooks signature computed over exact bytes, as a sender's HMAC library would. */
    function signBytes(deliveryId: string, timestampText: string, bytes: Buffer): string {
      const key = Buffer.from(acmeSecret.slice("whsec_".length), "base64");
      const mac = createHmac("sha256", key)
        .update(Buffer.concat([Buffer.from(`${deliveryId}.${timestampText}.`), bytes]))
        .digest("base64");
      return `v1,${mac}`;
    }

    function bytesEvent(bytes: Buffer, headers: Record<string, string>): APIGatewayProxyEvent {
      const event = signed("{}", { base64: true });
      event.headers = { "Content-Type": "application/json", ...headers };
      event.multiValueHeaders = Object.fromEntries(
        Object.entries(event.headers).map(([k, v]) => [k, [v ?? ""]]),
      );
      event.body = bytes.toString("base64");
      return event;
    }

    it("verifies over the bytes received: bytes 0xFF and 0xFE are not the same body (401)", async () => {
      // Prepare
      const body = uniqueBody({ customer_name: "Zo~" });
      const signedBytes = Buffer.from(JSON.stringify(body), "utf8");
      signedBytes[signedBytes.indexOf("~")] = 0xff;
      const sentBytes = Buffer.from(signedBytes);
      sentBytes[sentBytes.indexOf(0xff)] = 0xfe;
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers = {
        "webhook-id": "msg_bytes_1",
        "webhook-timestamp": timestamp,
        // Signed over what a lossy UTF-8 decoding makes of the bytes (U+FFFD for the 0xFF byte),
        // which 0xFE decodes to as well.
        "webhook-signature": signBytes("msg_bytes_1", timestamp, Buffer.from(signedBytes.toString("utf8"))),
      };
      // Act
      const result = await handle(bytesEvent(sentBytes, headers));
      // Assess
      expect(result.statusCode).to.equal(401);
      expect(eventBridgeMock.commandCalls(PutEventsCommand)).to.have.length(0);
    });

    it("verifies a base64-encoded body over its decoded bytes, multi-byte characters included", async () => {
      const body = uniqueBody({ customer_name: "Zoë Ünal 東京" });
      const bytes = Buffer.from(JSON.stringify(body), "utf8");
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers = {
        "webhook-id": "msg_bytes_2",
        "webhook-timestamp": timestamp,
        "webhook-signature": signBytes("msg_bytes_2", timestamp, bytes),
      };
      const result = await handle(bytesEvent(bytes, headers));
      expect(result.statusCode).to.equal(202);
    });

    for (const spelling of ["00{ts}", "+{ts}", " {ts}", "{ts}.0", "0{ts}", "{ts} "]) {
      it(`answers 401 for a non-canonical webhook-timestamp "${spelling}"`, async () => {
        // Prepare: signed over the canonical number, the header spelled otherwise.
        const event = signed(uniqueBody());
        const ts = event.headers["webhook-timestamp"] ?? "";
        event.headers["webhook-timestamp"] = spelling.replace("{ts}", ts);
        // Act
        const result = await handle(event);
        // Assess
        expect(result.statusCode).to.equal(401);
      });
    }

    for (const contentType of [
      undefined,
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/json; charset=latin1",
      "application/jsonp",
    ]) {
      it(`answers 415 for Content-Type ${String(contentType)}`, async () => {
        const event = signed(uniqueBody());
        delete event.headers["Content-Type"];
        if (contentType !== undefined) event.headers["content-type"] = contentType;
        event.multiValueHeaders = {};
        const result = await handle(event);
        expect(result.statusCode).to.equal(415);
        expect(JSON.parse(result.body)).to.have.nested.property("error.code", "UNSUPPORTED_MEDIA_TYPE");
      });
    }

    it("accepts application/json with a UTF-8 charset, in any letter case", async () => {
      const event = signed(uniqueBody());
      event.headers["Content-Type"] = "Application/JSON; charset=UTF-8";
      expect((await handle(event)).statusCode).to.equal(202);
    });

    it("accepts a valid Standard Webhooks signature: 202, an ACCEPTED record and one event", async () => {
      // Prepare
      const body = uniqueBody();
      const event = signed(body, { deliveryId: "msg_valid_1" });
      // Act
      const result = await handle(event);
      // Assess
      expect(result.statusCode).to.equal(202);
      const key = `acme#${String(body.transaction_id)}`;
      expect(JSON.parse(result.body)).to.deep.equal({ transaction_id: key, status: "RECEIVED" });
      const record = await intakeRecord(key);
      expect(record).to.include({
        state: "ACCEPTED",
        provider: "acme",
        source: "webhook",
        deliveryId: "msg_valid_1",
      });
      expect(record?.response).to.deep.equal({ statusCode: 202, body: result.body });
      expect(record!.expiresAt - Math.floor(Date.now() / 1000)).to.be.within(96 * 3600 - 60, 96 * 3600 + 60);
      const calls = eventBridgeMock.commandCalls(PutEventsCommand);
      expect(calls).to.have.length(1);
      const entry = calls[0]!.args[0].input.Entries![0]!;
      expect(entry).to.include({
        EventBusName: busName,
        Source: "transaction-pipeline.intake",
        DetailType: "Transaction Received",
      });
      const detail = JSON.parse(entry.Detail!) as TransactionReceivedDetail;
      expect(detail).to.include({ transactionId: key, amount: 42.5, amountUsd: 42.5, currency: "USD" });
      expect(detail.transaction).to.include({
        transactionId: body.transaction_id,
        source: "webhook",
        provider: "acme",
        amount: "42.50",
        amountMinor: 4250,
        customerId: "customer-1",
        occurredAt: new Date(String(body.timestamp)).toISOString(),
      });
    });

    it("answers 401 with no detail for a wrong signature, and records and publishes nothing", async () => {
      const body = uniqueBody();
      const event = standardWebhooksRequest(JSON.stringify(body), retiredSecret);
      const result = await handle(event);
      expect(result.statusCode).to.equal(401);
      expect(errorOf(result)).to.deep.equal({
        code: "UNAUTHORIZED",
        message: "The webhook signature could not be verified.",
      });
      expect(await intakeRecord(`acme#${String(body.transaction_id)}`)).to.equal(undefined);
      expect(eventBridgeMock.commandCalls(PutEventsCommand)).to.have.length(0);
    });

    it("answers 401 when the body was changed after signing", async () => {
      const event = signed(uniqueBody());
      event.body = event.body!.replace("42.50", "4250.00");
      expect((await handle(event)).statusCode).to.equal(401);
    });

    for (const missing of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
      it(`answers 401 when the ${missing} header is missing`, async () => {
        const event = signed(uniqueBody());
        const headers = Object.fromEntries(
          Object.entries(event.headers).filter(([name]) => name !== missing),
        ) as Record<string, string>;
        const result = await handle({ ...event, headers });
        expect(result.statusCode).to.equal(401);
      });
    }

    it("answers 401 when no signature header of any scheme is present", async () => {
      const event = signed(uniqueBody(), { headers: {} });
      expect((await handle(event)).statusCode).to.equal(401);
    });

    it("refuses a timestamp more than 5 minutes old and one more than 5 minutes ahead", async () => {
      // Prepare: the intake's clock pinned, so the distance is exactly what the test says.
      const now = new Date();
      const handleAt = intakeWith({ now: () => now });
      const stale = signed(uniqueBody(), { timestamp: new Date(now.getTime() - 301_000) });
      const future = signed(uniqueBody(), { timestamp: new Date(now.getTime() + 301_000) });
      // Act
      const answers = [await handleAt(stale), await handleAt(future)];
      // Assess
      expect(answers.map((answer) => answer.statusCode)).to.deep.equal([401, 401]);
      expect(eventBridgeMock.commandCalls(PutEventsCommand)).to.have.length(0);
    });

    it("accepts timestamps within the tolerance on both sides, up to exactly 5 minutes", async () => {
      // Prepare
      const now = new Date();
      const handleAt = intakeWith({ now: () => now });
      const recent = signed(uniqueBody(), { timestamp: new Date(now.getTime() - 300_000) });
      const ahead = signed(uniqueBody(), { timestamp: new Date(now.getTime() + 300_000) });
      // Act
      const answers = [await handleAt(recent), await handleAt(ahead)];
      // Assess
      expect(answers.map((answer) => answer.statusCode)).to.deep.equal([202, 202]);
    });

    it("accepts either active secret during a rotation, and a header listing several signatures", async () => {
      const withOld = standardWebhooksRequest(JSON.stringify(uniqueBody()), acmeOldSecret);
      expect((await handle(withOld)).statusCode).to.equal(202);
      const body = JSON.stringify(uniqueBody());
      const both = standardWebhooksRequest(body, acmeSecret);
      const retired = standardWebhooksRequest(body, retiredSecret, {
        deliveryId: both.headers["webhook-id"],
        timestamp: new Date(Number(both.headers["webhook-timestamp"]) * 1000),
      });
      both.headers["webhook-signature"] =
        `${retired.headers["webhook-signature"]} ${both.headers["webhook-signature"]}`;
      expect((await handle(both)).statusCode).to.equal(202);
    });

    it("verifies a base64-encoded body on its decoded bytes", async () => {
      const body = uniqueBody({ merchant_name: "Café Zürich" });
      const result = await handle(signed(body, { base64: true }));
      expect(result.statusCode).to.equal(202);
      expect(publishedDetails()[0]?.transaction).to.include({ merchantName: "Café Zürich" });
    });

    it("authenticates Stripe-Signature deliveries and namespaces them by that provider", async () => {
      const body = uniqueBody();
      const result = await handle(stripeRequest(JSON.stringify(body), stripeSecret));
      expect(result.statusCode).to.equal(202);
      expect(JSON.parse(result.body)).to.include({ transaction_id: `cardco#${String(body.transaction_id)}` });
    });

    it("refuses a Stripe header carrying two timestamps (window checked on one, signature on another)", async () => {
      const raw = JSON.stringify(uniqueBody());
      const future = new Date(Date.now() + 3_600_000);
      const signedFuture = stripeRequest(raw, stripeSecret, { timestamp: future }).headers[
        "Stripe-Signature"
      ]!;
      const smuggled = `t=${Math.floor(Date.now() / 1000)},${signedFuture}`;
      const event = stripeRequest(raw, stripeSecret, { headers: { "Stripe-Signature": smuggled } });
      expect((await handle(event)).statusCode).to.equal(401);
    });

    it("refuses Stripe signatures with stale or future timestamps, or another secret", async () => {
      // Prepare: the intake's clock pinned, so "+301 s" stays 301 s however long the test takes.
      const now = new Date();
      const handleAt = intakeWith({ now: () => now });
      const raw = JSON.stringify(uniqueBody());
      const stale = stripeRequest(raw, stripeSecret, { timestamp: new Date(now.getTime() - 301_000) });
      const future = stripeRequest(raw, stripeSecret, { timestamp: new Date(now.getTime() + 301_000) });
      const wrong = stripeRequest(raw, `whsec_${randomBytes(24).toString("hex")}`, { timestamp: now });
      const inWindow = stripeRequest(raw, stripeSecret, { timestamp: new Date(now.getTime() + 300_000) });
      // Act
      const answers = [];
      for (const event of [stale, future, wrong, inWindow]) answers.push((await handleAt(event)).statusCode);
      // Assess: the last one shows the refusals are the timestamps', not the clock's.
      expect(answers).to.deep.equal([401, 401, 401, 202]);
    });
  });

  describe("body", () => {
    it("answers 413 for a body over the configured limit, after the signature", async () => {
      const body = uniqueBody({ metadata: { notes: "x".repeat(4000) } });
      const result = await handle(signed(body));
      expect(result.statusCode).to.equal(413);
      expect(errorOf(result).code).to.equal("PAYLOAD_TOO_LARGE");
      const unsigned = standardWebhooksRequest(JSON.stringify(body), retiredSecret);
      expect((await handle(unsigned)).statusCode).to.equal(401);
    });

    for (const [label, raw] of [
      ["malformed JSON", '{"transaction_id": "tx-broken", '],
      ["a JSON array", "[1, 2]"],
      ["an empty body", ""],
      ["duplicate keys", '{"transaction_id": "a", "transaction_id": "b"}'],
      ["a duplicated card-number key", '{"4111111111111111": 1, "4111111111111111": 2}'],
    ] as const) {
      it(`answers 400 INVALID_JSON for ${label}`, async () => {
        const result = await handle(signed(raw));
        expect(result.statusCode).to.equal(400);
        expect(errorOf(result).code).to.equal("INVALID_JSON");
        expect(result.body).not.to.include("4111111111111111");
        expect(eventBridgeMock.commandCalls(PutEventsCommand)).to.have.length(0);
      });
    }

    const invalidCases: Array<[string, Record<string, unknown>, string, string]> = [
      ["a missing customer_id", { customer_id: undefined }, "MISSING_FIELD", "customer_id"],
      ["a missing transaction_id", { transaction_id: undefined }, "MISSING_FIELD", "transaction_id"],
      ["an amount with too many decimals", { amount: "10.001" }, "INVALID_AMOUNT", "amount"],
      ["a negative amount", { amount: "-5.00" }, "INVALID_AMOUNT", "amount"],
      ["an amount in exponent notation", { amount: "1e3" }, "INVALID_AMOUNT", "amount"],
      ["an unknown currency", { currency: "XYZ" }, "UNKNOWN_CURRENCY", "currency"],
      ["a bad country", { customer_country: "ZZ" }, "INVALID_COUNTRY", "customer_country"],
      ["a bad MCC", { merchant_category_code: "54" }, "INVALID_MCC", "merchant_category_code"],
      ["a bad card summary", { card: { last4: "12" } }, "INVALID_CARD", "card.last4"],
      ["an amount above the maximum", { amount: "2000000.00" }, "AMOUNT_ABOVE_MAXIMUM", "amount"],
      [
        "a timestamp in the future",
        { timestamp: new Date(Date.now() + 3_600_000).toISOString() },
        "TIMESTAMP_IN_FUTURE",
        "timestamp",
      ],
      ["an unparseable timestamp", { timestamp: "yesterday" }, "INVALID_TIMESTAMP", "timestamp"],
      [
        "a card number in metadata",
        { metadata: { note: "card 4111 1111 1111 1111" } },
        "PAN_DETECTED",
        "metadata.note",
      ],
      ["a card number in an unknown field", { raw_card: "4111111111111111" }, "PAN_DETECTED", "raw_card"],
      ["a CVV", { card: { last4: "1111", cvv: "123" } }, "SENSITIVE_DATA_PRESENT", "card.cvv"],
      ["a provider other than the signer", { provider: "someone-else" }, "INVALID_FIELD", "provider"],
    ];
    for (const [label, overrides, code, field] of invalidCases) {
      it(`answers 400 ${code} naming ${field} for ${label}`, async () => {
        const body = uniqueBody(overrides);
        const result = await handle(signed(body));
        expect(result.statusCode).to.equal(400);
        const error = errorOf(result);
        const all = [
          error,
          ...((JSON.parse(result.body) as { error: { details?: (typeof error)[] } }).error.details ?? []),
        ];
        expect(
          all.some((reason) => reason.code === code && reason.field === field),
          JSON.stringify(all),
        ).to.equal(true);
        expect(result.body).not.to.match(/4111\s?1111\s?1111\s?1111/);
        expect(eventBridgeMock.commandCalls(PutEventsCommand)).to.have.length(0);
      });
    }

    it("rejects a card number sent as a JSON number beyond double precision", async () => {
      // 19 Luhn-valid digits: as a double it would print as 4111111111111111000 and pass unseen.
      const raw = JSON.stringify(uniqueBody()).replace(/}$/, ', "ref": 4111111111111111110}');
      const result = await handle(signed(raw));
      expect(result.statusCode).to.equal(400);
      expect(errorOf(result)).to.include({ code: "PAN_DETECTED", field: "ref" });
    });

    it("reads a JSON-number amount from its text, exactly", async () => {
      const raw = JSON.stringify(uniqueBody({ amount: "AMOUNT" })).replace('"AMOUNT"', "10.10");
      const result = await handle(signed(raw));
      expect(result.statusCode).to.equal(202);
      expect(publishedDetails()[0]?.transaction).to.include({ amount: "10.10", amountMinor: 1010 });
    });

    it("reports every problem at once, the first as the error and all in details", async () => {
      const result = await handle(signed(uniqueBody({ currency: "XYZ", customer_id: undefined })));
      const error = (JSON.parse(result.body) as { error: { code: string; details: { code: string }[] } })
        .error;
      expect(error.details.map((reason) => reason.code)).to.have.members([
        "UNKNOWN_CURRENCY",
        "MISSING_FIELD",
      ]);
    });
  });

  describe("idempotency", () => {
    it("answers a repeated delivery with the original status and body, one record and one event", async () => {
      const body = uniqueBody();
      const first = await handle(signed(body, { deliveryId: "msg_dup" }));
      const second = await handle(signed(body, { deliveryId: "msg_dup" }));
      expect(second.statusCode).to.equal(first.statusCode);
      expect(second.body).to.equal(first.body);
      expect(second.headers).to.deep.equal(first.headers);
      expect(eventBridgeMock.commandCalls(PutEventsCommand)).to.have.length(1);
    });

    it("answers a repeat with its first answer even after the rules changed to refuse it", async () => {
      const body = uniqueBody({ amount: "500.00" });
      const first = await handle(signed(body));
      const stricter = intakeWith({ maxAmountUsdMinor: 10_000n });
      const again = await stricter(signed(body));
      expect(again.statusCode).to.equal(202);
      expect(again.body).to.equal(first.body);
      expect((await stricter(signed(uniqueBody({ amount: "500.00" })))).statusCode).to.equal(400);
    });

    it("answers 202 once published even when the record cannot be marked accepted", async () => {
      const failingUpdates = new Proxy(runtime.documentClient, {
        get(target, property, receiver) {
          if (property !== "send") return Reflect.get(target, property, receiver) as unknown;
          return (command: unknown) =>
            command instanceof UpdateCommand
              ? Promise.reject(Object.assign(new Error("throttled"), { name: "ThrottlingException" }))
              : target.send(command as never);
        },
      });
      const body = uniqueBody();
      const result = await intakeWith({ documentClient: failingUpdates })(signed(body));
      expect(result.statusCode).to.equal(202);
      expect(eventBridgeMock.commandCalls(PutEventsCommand)).to.have.length(1);
      expect((await intakeRecord(`acme#${String(body.transaction_id)}`))?.state).to.equal("PENDING");
    });

    it("refuses a card number in the webhook-id header, storing nothing and echoing nothing", async () => {
      const body = uniqueBody();
      const result = await handle(signed(body, { deliveryId: "msg_4111.1111.1111.1111" }));
      expect(result.statusCode).to.equal(400);
      expect(JSON.parse(result.body)).to.deep.equal({
        error: {
          code: "PAN_DETECTED",
          message: "A request header must not contain a full card number (PAN)",
          field: "headers",
        },
      });
      expect(await intakeRecord(`acme#${String(body.transaction_id)}`)).to.equal(undefined);
      expect(eventBridgeMock.commandCalls(PutEventsCommand)).to.have.length(0);
    });

    it("treats the same content with other key order and whitespace as the same delivery", async () => {
      const body = uniqueBody();
      await handle(signed(body));
      const reordered = JSON.stringify(Object.fromEntries(Object.entries(body).reverse()), null, 2);
      const again = await handle(signed(reordered));
      expect(again.statusCode).to.equal(202);
      expect(eventBridgeMock.commandCalls(PutEventsCommand)).to.have.length(1);
    });

    it("answers 409 for the same transaction id with a different payload, keeping the original", async () => {
      const body = uniqueBody();
      await handle(signed(body));
      const result = await handle(signed({ ...body, amount: "99.99" }));
      expect(result.statusCode).to.equal(409);
      expect(errorOf(result)).to.include({ code: "IDEMPOTENCY_CONFLICT", field: "transaction_id" });
      expect(eventBridgeMock.commandCalls(PutEventsCommand)).to.have.length(1);
      const record = await intakeRecord(`acme#${String(body.transaction_id)}`);
      expect(record?.state).to.equal("ACCEPTED");
    });

    it("keeps the same id of two providers apart", async () => {
      const body = uniqueBody();
      expect((await handle(signed(body))).statusCode).to.equal(202);
      expect((await handle(stripeRequest(JSON.stringify(body), stripeSecret))).statusCode).to.equal(202);
      expect(eventBridgeMock.commandCalls(PutEventsCommand)).to.have.length(2);
    });

    it("answers 503 when an earlier delivery still holds an unexpired claim after the wait, and takes over an expired one", async () => {
      const body = uniqueBody();
      const key = `acme#${String(body.transaction_id)}`;
      const first = await handle(signed(body));
      const record = (await intakeRecord(key))!;
      const pending = { ...record, state: "PENDING", response: undefined, leaseUntil: Date.now() + 60_000 };
      await runtime.documentClient.send(
        new PutCommand({
          TableName: runtime.intakeTableName,
          Item: pending,
          removeUndefinedValues: true,
        } as never),
      );
      const busy = await handle(signed(body));
      expect(busy.statusCode).to.equal(503);
      expect(errorOf(busy).code).to.equal("DELIVERY_IN_PROGRESS");
      expect(Number(busy.headers?.["Retry-After"])).to.be.within(1, 60);

      await runtime.documentClient.send(
        new PutCommand({
          TableName: runtime.intakeTableName,
          Item: { ...pending, leaseUntil: Date.now() - 1 },
        } as never),
      );
      const takenOver = await handle(signed(body));
      expect(takenOver.statusCode).to.equal(202);
      expect(takenOver.body).to.equal(first.body);
      expect((await intakeRecord(key))?.state).to.equal("ACCEPTED");
    });
  });

  describe("event bus failures", () => {
    it("answers 503 when the entry is rejected, leaves no record, and the retry is accepted", async () => {
      const body = uniqueBody();
      eventBridgeMock
        .on(PutEventsCommand)
        .resolvesOnce({
          FailedEntryCount: 1,
          Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "try again" }],
        })
        .resolves({ FailedEntryCount: 0, Entries: [{ EventId: "event-2" }] });
      const failed = await handle(signed(body));
      expect(failed.statusCode).to.equal(503);
      expect(errorOf(failed).code).to.equal("EVENT_NOT_ACCEPTED");
      expect(await intakeRecord(`acme#${String(body.transaction_id)}`)).to.equal(undefined);

      const retried = await handle(signed(body));
      expect(retried.statusCode).to.equal(202);
      expect(eventBridgeMock.commandCalls(PutEventsCommand)).to.have.length(2);
    });

    it("answers 503 when the PutEvents call itself fails", async () => {
      const body = uniqueBody();
      eventBridgeMock
        .on(PutEventsCommand)
        .rejectsOnce(Object.assign(new Error("network"), { name: "TimeoutError" }));
      const result = await handle(signed(body));
      expect(result.statusCode).to.equal(503);
      expect(await intakeRecord(`acme#${String(body.transaction_id)}`)).to.equal(undefined);
    });
  });
});
