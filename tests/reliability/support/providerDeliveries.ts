/**
 * Webhook deliveries as a payment provider makes them: a delivery answered with anything but 2xx
 * is sent again with the same delivery id and the same body (re-signed, as Standard Webhooks
 * senders do) until it is accepted. Without the provider's waits between attempts: the tests are
 * about outcomes, not timing.
 */
import { mapWithConcurrency } from "../../../functions/shared/concurrency";
import type { HttpAnswer, PipelineClient } from "../../../tools/pipelineClient";

export interface Delivery {
  readonly key: string;
  readonly deliveryId: string;
  /** Every answer, the last one first accepted. */
  readonly answers: readonly HttpAnswer[];
}

/** Attempts before a test gives up on a delivery (a provider keeps trying for days). */
const maxAttempts = 20;

export async function deliverUntilAccepted(
  client: PipelineClient,
  body: Readonly<Record<string, unknown>>,
): Promise<Delivery> {
  const id = String(body.transaction_id);
  const deliveryId = `msg_${id}`;
  const text = JSON.stringify(body);
  const answers: HttpAnswer[] = [];
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const answer = await client.postWebhook(text, { deliveryId });
    answers.push(answer);
    if (answer.status >= 200 && answer.status < 300) break;
    // Only a retryable refusal is retried; a 4xx is the sender's to fix and ends the test's attempts.
    if (answer.status < 500) break;
  }
  return { key: client.key(id), deliveryId, answers };
}

/** Delivers every body, a few at a time, each until accepted. */
export function deliverAll(
  client: PipelineClient,
  bodies: readonly Readonly<Record<string, unknown>>[],
): Promise<Delivery[]> {
  return mapWithConcurrency(bodies, 8, (body) => deliverUntilAccepted(client, body));
}

/** The delivery's final answer. */
export function finalAnswer(delivery: Delivery): HttpAnswer {
  return delivery.answers[delivery.answers.length - 1];
}
