/**
 * The card-number corpus against the webhook intake, as a sender would try it: every brand and
 * length, in every rendering, in every wire field (values, a metadata value, a metadata key and an
 * unknown field, as a JSON number where it is one) and in a header. Each delivery must be answered
 * 400 PAN_DETECTED without the number, leave no intake record and publish nothing, and no log line
 * (handlers at DEBUG, captured) may hold the number. The false-positive corpus goes through the
 * same handler in every field and must never be refused as a card number.
 */
import { expect } from "chai";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { BatchGetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { findPans, containsPan } from "../../functions/shared/pan";
import { localCredentials, localRegion } from "../../local/awsClients";
import { loadFunctionModule } from "../../local/functionLoader";
import { localLambdaContext } from "../../local/lambdaInvokeShim";
import { captureOutput } from "./support/capturedOutput";
import { startFunctionRuntime, type FunctionRuntime } from "./support/functionRuntime";
import { cardNumbersByBrand, notCardNumbers, renderings } from "./support/panCorpus";
import { newStandardWebhooksSecret, standardWebhooksRequest, webhookBody } from "./support/webhookRequests";

type IntakeModule = typeof import("../../functions/webhook-intake/webhookIntake");
type SourceModule = typeof import("../../functions/webhook-intake/signingSecretSource");

/** Where a sender can put text: every wire field, inside metadata, an unknown field, and a header. */
const placements: ReadonlyArray<readonly [string, (body: Record<string, unknown>, text: string) => void]> = [
  ...[
    "transaction_id",
    "amount",
    "currency",
    "customer_id",
    "merchant_id",
    "timestamp",
    "merchant_category_code",
    "customer_country",
    "merchant_country",
    "customer_name",
    "merchant_name",
  ].map((field) => [field, (body: Record<string, unknown>, text: string) => (body[field] = text)] as const),
  ["card.last4", (body, text) => (body.card = { bin: "411111", last4: text })],
  ["metadata value", (body, text) => (body.metadata = { note: text })],
  ["metadata key", (body, text) => (body.metadata = { [text]: "x" })],
  ["an unknown field", (body, text) => (body.raw_card = text)],
  ["provider", (body, text) => (body.provider = text)],
];

function leaks(line: string): boolean {
  if (containsPan(line)) return true;
  try {
    return findPans(JSON.parse(line)).length > 0;
  } catch {
    return false;
  }
}

describe("card-number corpus through the webhook intake (dynalite, logs at DEBUG)", function () {
  this.timeout(600_000);
  const secret = newStandardWebhooksSecret();
  const eventBridge = new EventBridgeClient({ region: localRegion, credentials: localCredentials });
  let eventBridgeMock: AwsClientStub<EventBridgeClient>;
  let runtime: FunctionRuntime;
  let handle: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
  let sequence = 0;

  before(async () => {
    runtime = await startFunctionRuntime({ set: { POWERTOOLS_LOG_LEVEL: "DEBUG" } });
    eventBridgeMock = mockClient(eventBridge);
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });
    const { createWebhookIntakeHandler } = runtime.load<IntakeModule>("webhook-intake/webhookIntake");
    const { staticSigningProviders } = loadFunctionModule<SourceModule>("webhook-intake/signingSecretSource");
    handle = createWebhookIntakeHandler({
      config: {
        intakeTableName: runtime.intakeTableName,
        eventBusName: "corpus-test",
        maxBodyBytes: 4096,
        retentionHours: 96,
        maxAmountUsdMinor: 100_000_000n,
      },
      signingProviders: staticSigningProviders([
        { name: "acme", scheme: "standard-webhooks", secrets: [secret] },
      ]),
      documentClient: runtime.documentClient,
      eventBridge,
      now: () => new Date(),
    });
  });

  after(async () => {
    eventBridgeMock?.restore();
    await runtime?.stop();
  });

  const deliveries = cardNumbersByBrand.length * renderings.length * (placements.length + 1);
  it(`${deliveries} deliveries (${cardNumbersByBrand.length} brands × ${renderings.length} renderings × ${placements.length} fields and a header): 400 PAN_DETECTED, nothing stored, answered or logged`, async () => {
    const problems: string[] = [];
    const ids: string[] = [];
    const captured = await captureOutput(async () => {
      for (const [brand, pan] of cardNumbersByBrand) {
        for (const [rendering, render] of renderings) {
          const text = render(pan);
          const requests: Array<[string, APIGatewayProxyEvent, string]> = [];
          for (const [where, place] of placements) {
            sequence += 1;
            const id = `tx-corpus-${sequence}`;
            const body = webhookBody({ transaction_id: id });
            place(body, text);
            requests.push([where, standardWebhooksRequest(JSON.stringify(body), secret), id]);
          }
          sequence += 1;
          const headerId = `tx-corpus-${sequence}`;
          const withHeader = standardWebhooksRequest(
            JSON.stringify(webhookBody({ transaction_id: headerId })),
            secret,
          );
          withHeader.headers["X-Order-Reference"] = text;
          requests.push(["a header", withHeader, headerId]);
          for (const [where, event, id] of requests) {
            const answer = await handle(event, localLambdaContext("webhook-intake"));
            const code = (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
            const label = `${brand} / ${rendering} / ${where}`;
            if (answer.statusCode !== 400 || code !== "PAN_DETECTED")
              problems.push(`${label}: ${answer.statusCode} ${code}`);
            if (leaks(answer.body)) problems.push(`${label}: answer holds the number`);
            ids.push(`acme#${id}`);
          }
        }
      }
    });
    expect(problems).to.deep.equal([]);
    // Nothing stored: no intake record for any of the deliveries (read 100 keys at a time).
    for (let start = 0; start < ids.length; start += 100) {
      const answer = await runtime.documentClient.send(
        new BatchGetCommand({
          RequestItems: {
            [runtime.intakeTableName]: {
              Keys: ids.slice(start, start + 100).map((transactionId) => ({ transactionId })),
            },
          },
        }),
      );
      expect(answer.Responses?.[runtime.intakeTableName] ?? []).to.deep.equal([]);
      expect(answer.UnprocessedKeys ?? {}).to.deep.equal({});
    }
    expect(eventBridgeMock.commandCalls(PutEventsCommand)).to.have.length(0);
    expect(captured.lines.length, "one log line per refused delivery at least").to.be.at.least(deliveries);
    expect(captured.lines.filter(leaks)).to.deep.equal([]);
  });

  it(`false positives: ${notCardNumbers.length} look-alike values in free-text fields, metadata and a header: 0 refused as card numbers`, async () => {
    const refused: string[] = [];
    for (const [kind, value] of notCardNumbers) {
      const bodies = [
        webhookBody({ transaction_id: `tx-fp-${(sequence += 1)}`, customer_name: value }),
        webhookBody({
          transaction_id: `tx-fp-${(sequence += 1)}`,
          metadata: { reference: value, [value]: 1 },
        }),
      ];
      const events = bodies.map((body) => standardWebhooksRequest(JSON.stringify(body), secret));
      events[0].headers["X-Order-Reference"] = value;
      for (const event of events) {
        const answer = await handle(event, localLambdaContext("webhook-intake"));
        if (answer.body.includes("PAN_DETECTED")) refused.push(`${kind}: ${value}`);
      }
    }
    expect(refused).to.deep.equal([]);
  });
});
