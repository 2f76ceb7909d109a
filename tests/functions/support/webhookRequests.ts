/**
 * Signed API Gateway REST proxy events for POST /webhook, built from the fixture event with a
 * body of the test's choosing, signed the way each provider signs (with the providers' own SDKs).
 */
import type { APIGatewayProxyEvent } from "aws-lambda";
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import postWebhookFixture from "../fixtures/api-gateway/post-webhook.json";

/** A fresh Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function newStandardWebhooksSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** The wire body of a valid transaction, with overrides (undefined removes a field). */
export function webhookBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = {
    transaction_id: "tx-1",
    amount: "42.50",
    currency: "USD",
    customer_id: "customer-1",
    merchant_id: "merchant-1",
    timestamp: new Date(Date.now() - 60_000).toISOString(),
    merchant_category_code: "5411",
    customer_country: "US",
    merchant_country: "US",
    card: { bin: "411111", last4: "1111" },
    metadata: { order_reference: "order-123" },
    ...overrides,
  };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete body[key];
  return body;
}

export interface RequestOptions {
  /** Replaces the signing headers entirely (e.g. to drop one). */
  readonly headers?: Record<string, string>;
  readonly base64?: boolean;
}

function eventWith(
  rawBody: string,
  signingHeaders: Record<string, string>,
  options: RequestOptions,
): APIGatewayProxyEvent {
  const event = structuredClone(postWebhookFixture) as unknown as APIGatewayProxyEvent;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers)) {
    if (!/^(webhook-|stripe-)/i.test(name) && value !== undefined) headers[name] = value;
  }
  Object.assign(headers, options.headers ?? signingHeaders);
  event.headers = headers;
  event.multiValueHeaders = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, [value]]),
  );
  event.body = options.base64 ? Buffer.from(rawBody, "utf8").toString("base64") : rawBody;
  event.isBase64Encoded = options.base64 ?? false;
  return event;
}

let deliverySequence = 0;

/** Signs `rawBody` with Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`). */
export function standardWebhooksRequest(
  rawBody: string,
  secret: string,
  options: RequestOptions & { readonly timestamp?: Date; readonly deliveryId?: string } = {},
): APIGatewayProxyEvent {
  deliverySequence += 1;
  const deliveryId = options.deliveryId ?? `msg_test_${deliverySequence}`;
  const timestamp = options.timestamp ?? new Date();
  const signature = new Webhook(secret).sign(deliveryId, timestamp, rawBody);
  return eventWith(
    rawBody,
    {
      "webhook-id": deliveryId,
      "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "webhook-signature": signature,
    },
    options,
  );
}

/** Signs `rawBody` with Stripe's scheme (`Stripe-Signature: t=…,v1=…`). */
export function stripeRequest(
  rawBody: string,
  secret: string,
  options: RequestOptions & { readonly timestamp?: Date } = {},
): APIGatewayProxyEvent {
  const header = Stripe.webhooks.generateTestHeaderString({
    payload: rawBody,
    secret,
    timestamp: Math.floor((options.timestamp ?? new Date()).getTime() / 1000),
  });
  return eventWith(rawBody, { "Stripe-Signature": header }, options);
}
