/**
 * Signs a webhook body as a Standard Webhooks sender does (with the scheme's own library), for the
 * sign helper, the demo and the end-to-end suite: the three `webhook-*` headers for one delivery.
 */
import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";

export interface SigningRequest {
  /** `whsec_<base64>` */
  readonly secret: string;
  /** The exact bytes that will be sent. */
  readonly body: string | Buffer;
  /** The delivery id; a fresh `msg_<uuid>` when absent. A retried delivery reuses its id. */
  readonly id?: string;
  readonly timestamp?: Date;
}

export interface StandardWebhooksHeaders {
  readonly "webhook-id": string;
  readonly "webhook-timestamp": string;
  readonly "webhook-signature": string;
}

export function standardWebhooksHeaders(request: SigningRequest): StandardWebhooksHeaders {
  const id = request.id ?? `msg_${randomUUID()}`;
  const timestamp = request.timestamp ?? new Date();
  const body = typeof request.body === "string" ? request.body : request.body.toString("utf8");
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": new Webhook(request.secret).sign(id, timestamp, body),
  };
}
