/**
 * The demo's realistic mix: what a payment provider and a back office send on an ordinary day,
 * each with the outcome the pipeline must give. A scenario sends its requests through the client
 * and reports what happened; the demo compares that with what was expected.
 */
import type { PipelineClient } from "../pipelineClient";

export interface ScenarioOutcome {
  /** HTTP statuses of the requests, in order ("202", "202 202", …). */
  readonly http: string;
  /** Where it ended: a transaction status, a file status, or the error code answered. */
  readonly outcome: string;
  /** Reason codes, rules or row errors behind the outcome. */
  readonly reasons: readonly string[];
}

export interface DemoScenario {
  readonly name: string;
  readonly expected: { readonly http: string; readonly outcome: string };
  run(client: PipelineClient): Promise<ScenarioOutcome>;
}

function body(
  client: PipelineClient,
  label: string,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  const transactionId = client.transactionId(label);
  return {
    transaction_id: transactionId,
    amount: "42.50",
    currency: "USD",
    customer_id: `customer-${transactionId}`,
    merchant_id: "merchant-coffee-1",
    merchant_name: "Corner Coffee",
    merchant_category_code: "5814",
    customer_country: "US",
    merchant_country: "US",
    card: { bin: "424242", last4: "4242" },
    ...overrides,
  };
}

/** The decision of a delivered transaction: its status and every reason code. */
async function decided(
  client: PipelineClient,
  sent: Record<string, unknown>,
  http: string,
): Promise<ScenarioOutcome> {
  const view = await client.waitForDecision(client.key(String(sent.transaction_id)));
  const decision = view.body.decision;
  return {
    http,
    outcome: view.status === 200 ? view.body.status : `HTTP ${view.status}`,
    reasons: [
      ...(decision?.lane ? [`lane ${decision.lane}`] : []),
      ...(decision?.reasons ?? []).map((reason) => reason.code),
    ],
  };
}

function refused(http: string, answer: { body: Record<string, unknown> }): ScenarioOutcome {
  const error = answer.body.error as { code?: string; field?: string; message?: string } | undefined;
  return {
    http,
    outcome: error?.code ?? "no error code",
    reasons: [error?.field ? `field ${error.field}` : "", error?.message ?? ""].filter(Boolean),
  };
}

export const demoScenarios: readonly DemoScenario[] = [
  {
    name: "Coffee, 42.50 USD",
    expected: { http: "202", outcome: "APPROVED" },
    async run(client) {
      const sent = body(client, "coffee", {});
      const answer = await client.postWebhook(sent);
      return decided(client, sent, String(answer.status));
    },
  },
  {
    name: "High value at a quasi-cash merchant, 15,000 USD",
    expected: { http: "202", outcome: "REVIEW" },
    async run(client) {
      const sent = body(client, "high-value", {
        amount: "15000.00",
        merchant_id: "merchant-exchange-7",
        merchant_name: "City Currency Exchange",
        merchant_category_code: "6051",
      });
      const answer = await client.postWebhook(sent);
      return decided(client, sent, String(answer.status));
    },
  },
  {
    name: "Merchant in a sanctioned country (KP)",
    expected: { http: "202", outcome: "REJECTED" },
    async run(client) {
      const sent = body(client, "sanctioned", { amount: "120.00", merchant_country: "KP" });
      const answer = await client.postWebhook(sent);
      return decided(client, sent, String(answer.status));
    },
  },
  {
    name: "Invalid amount, 12.345 USD",
    expected: { http: "400", outcome: "INVALID_AMOUNT" },
    async run(client) {
      const answer = await client.postWebhook(body(client, "invalid-amount", { amount: "12.345" }));
      return refused(String(answer.status), answer);
    },
  },
  {
    name: "Same delivery sent twice",
    expected: { http: "202 202", outcome: "APPROVED" },
    async run(client) {
      const sent = body(client, "duplicate", { amount: "64.00" });
      const text = JSON.stringify(sent);
      const deliveryId = `msg_${String(sent.transaction_id)}`;
      const first = await client.postWebhook(text, { deliveryId });
      const again = await client.postWebhook(text, { deliveryId });
      const outcome = await decided(client, sent, `${first.status} ${again.status}`);
      const same = first.text === again.text ? "second answer identical" : "second answer DIFFERS";
      return { ...outcome, reasons: [same, ...outcome.reasons] };
    },
  },
  {
    name: "Signed with the wrong secret",
    expected: { http: "401", outcome: "UNAUTHORIZED" },
    async run(client) {
      const wrongSecret = `whsec_${Buffer.from("this-is-not-the-providers-secret").toString("base64")}`;
      const answer = await client.postWebhook(body(client, "bad-signature", {}), { secret: wrongSecret });
      return refused(String(answer.status), answer);
    },
  },
  {
    name: "CSV file, 3 good rows and 1 bad",
    expected: { http: "202", outcome: "COMPLETED" },
    async run(client) {
      const id = (row: number) => client.transactionId(`csv-${row}`);
      const csv = [
        "transaction_id,amount,currency,timestamp,merchant,status,customer_id,customer_country",
        `${id(1)},19.99,USD,2026-01-15T09:30:00Z,Corner Bakery,completed,customer-${id(1)},US`,
        `${id(2)},250.00,EUR,2026-01-15T09:31:00Z,"Books, Maps & More",completed,customer-${id(2)},DE`,
        `${id(3)},7.5.0,USD,2026-01-15T09:32:00Z,Coffee Cart,completed,customer-${id(3)},US`,
        `${id(4)},980.00,GBP,2026-01-15T09:33:00Z,Tailor,pending,customer-${id(4)},GB`,
      ].join("\n");
      const uploaded = await client.uploadCsv(csv);
      if (uploaded.status !== 202) return refused(String(uploaded.status), uploaded as never);
      const file = await client.waitForFile(uploaded.body.file_id, ["COMPLETED", "REJECTED"]);
      const counts = ["approved", "review", "rejected"] as const;
      return {
        http: String(uploaded.status),
        outcome: file.body.status,
        reasons: [
          `${file.body.decided_rows ?? 0} of ${file.body.valid_rows ?? 0} valid rows decided`,
          ...counts.filter((key) => (file.body[key] ?? 0) > 0).map((key) => `${file.body[key]} ${key}`),
          ...(file.body.errors ?? []).map((error) => `line ${error.line} ${error.code}`),
        ],
      };
    },
  },
];
