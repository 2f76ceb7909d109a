/**
 * End to end on the emulators: a signed webhook goes through the real intake handler, the local
 * EventBridge bus routes it by amount lane with the deployed rule patterns and input
 * transformers, the deployed ASL runs the real step handlers, and the decision is read back
 * through the real status handler. What this cannot prove: API Gateway, IAM, VPC endpoints and
 * EventBridge's own delivery in AWS.
 */
import { expect } from "chai";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { StateName } from "../../components/processing/stateMachineDefinition/index";
import { DetailType } from "../../functions/shared/eventRouting";
import { localClients } from "../../local/awsClients";
import { startLocalPipeline, type LocalPipeline } from "../../local/localPipeline";
import getTransactionFixture from "../functions/fixtures/api-gateway/get-transaction.json";
import {
  newStandardWebhooksSecret,
  standardWebhooksRequest,
  webhookBody,
} from "../functions/support/webhookRequests";

const secret = newStandardWebhooksSecret();

interface TransactionView {
  readonly transaction_id: string;
  readonly status: string;
  readonly amount?: string;
  readonly decision?: {
    readonly status: string;
    readonly lane: string;
    readonly reasons: { code: string }[];
    readonly compliance?: { decision: string };
  };
}

describe("webhook to decision on the local pipeline", function () {
  this.timeout(60_000);
  let pipeline: LocalPipeline;
  let sequence = 0;

  function getRequest(key: string): APIGatewayProxyEvent {
    const event = structuredClone(getTransactionFixture) as unknown as APIGatewayProxyEvent;
    const encoded = encodeURIComponent(key);
    return { ...event, path: `/transactions/${encoded}`, pathParameters: { transactionId: encoded } };
  }

  async function send(
    overrides: Record<string, unknown>,
  ): Promise<{ key: string; result: APIGatewayProxyResult }> {
    sequence += 1;
    const body = webhookBody({
      transaction_id: `tx-e2e-${sequence}`,
      customer_id: `customer-e2e-${sequence}`,
      ...overrides,
    });
    const result = await pipeline.webhook(standardWebhooksRequest(JSON.stringify(body), secret));
    return { key: `local#${String(body.transaction_id)}`, result };
  }

  async function view(key: string): Promise<TransactionView> {
    const answer = await pipeline.transactionStatus(getRequest(key));
    expect(answer.statusCode, answer.body).to.equal(200);
    return JSON.parse(answer.body) as TransactionView;
  }

  before(async () => {
    pipeline = await startLocalPipeline({
      webhookSecret: secret,
      functionEnvironment: { POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true" },
      retryIntervalOverrides: Object.fromEntries(Object.values(StateName).map((name) => [name, 0])),
    });
  });

  after(async () => {
    await pipeline?.stop();
  });

  it("routes each amount to its lane and records the decision with the lane", async () => {
    // Prepare: one transaction per lane (US-dollar equivalents 42.50, 5,000 and 25,000).
    const lanes = [
      { lane: "low", amount: "42.50" },
      { lane: "medium", amount: "5000.00" },
      { lane: "high", amount: "25000.00" },
    ];
    // Act
    const sent = [];
    for (const { lane, amount } of lanes) sent.push({ lane, ...(await send({ amount })) });
    await pipeline.idle();
    // Assess
    for (const { lane, key, result } of sent) {
      expect(result.statusCode, result.body).to.equal(202);
      expect(JSON.parse(result.body)).to.deep.equal({ transaction_id: key, status: "RECEIVED" });
      const stored = await view(key);
      expect(stored.status, key).to.be.oneOf(["APPROVED", "REVIEW", "REJECTED"]);
      expect(stored.decision?.lane, key).to.equal(lane);
      expect(stored.decision?.status).to.equal(stored.status);
    }
    expect((await view(sent[0]!.key)).status).to.equal("APPROVED");
    expect(pipeline.failedExecutions()).to.equal(0);
  });

  it("publishes Transaction Processed for each decision and alerts at once on the high lane", async () => {
    const { key } = await send({ amount: "30000.00" });
    await pipeline.idle();
    const processed = pipeline.bus
      .archive()
      .filter((event) => event["detail-type"] === DetailType.processed && event.detail.transactionId === key);
    expect(processed).to.have.length(1);
    expect(processed[0]!.detail).to.include({ lane: "high" });

    const sqs = localClients(pipeline.emulators).sqs;
    const inbox = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: pipeline.alertsInboxUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    const alerts = (inbox.Messages ?? []).map(
      (message) => JSON.parse(message.Body ?? "{}") as Record<string, unknown>,
    );
    expect(
      alerts.some((alert) => alert.alert === "HIGH_VALUE_RECEIVED" && alert.transactionId === key),
    ).to.equal(true);
  });

  it("rejects a sanctioned-country transaction with the compliance block in its reasons", async () => {
    const { key } = await send({ amount: "120.00", merchant_country: "KP" });
    await pipeline.idle();
    const stored = await view(key);
    expect(stored.status).to.equal("REJECTED");
    expect(stored.decision?.compliance?.decision).to.equal("BLOCK");
  });

  it("processes a duplicate delivery once and refuses a changed payload under the same id", async () => {
    sequence += 1;
    const body = webhookBody({
      transaction_id: `tx-e2e-dup-${sequence}`,
      customer_id: `customer-dup-${sequence}`,
    });
    const raw = JSON.stringify(body);
    const first = await pipeline.webhook(standardWebhooksRequest(raw, secret));
    const again = await pipeline.webhook(standardWebhooksRequest(raw, secret));
    const changed = await pipeline.webhook(
      standardWebhooksRequest(JSON.stringify({ ...body, amount: "1.00" }), secret),
    );
    await pipeline.idle();
    expect(again.statusCode).to.equal(first.statusCode);
    expect(again.body).to.equal(first.body);
    expect(changed.statusCode).to.equal(409);
    const key = `local#${String(body.transaction_id)}`;
    const received = pipeline.bus
      .archive()
      .filter((event) => event["detail-type"] === DetailType.received && event.detail.transactionId === key);
    expect(received).to.have.length(1);
    expect((await view(key)).status).to.equal("APPROVED");
  });

  it("answers 404 for a transaction id never sent", async () => {
    const answer = await pipeline.transactionStatus(getRequest("local#never-sent"));
    expect(answer.statusCode).to.equal(404);
  });
});
