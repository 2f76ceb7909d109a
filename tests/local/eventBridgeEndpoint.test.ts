import { expect } from "chai";
import { EventBridgeClient, ListRulesCommand, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { DetailType, intakeEventSource } from "../../functions/shared/eventRouting";
import { localCredentials, localRegion } from "../../local/awsClients";
import { startEventBridgeEndpoint, type EventBridgeEndpoint } from "../../local/eventBridgeEndpoint";
import { LocalEventBus } from "../../local/eventBus";

describe("EventBridge endpoint with the real @aws-sdk/client-eventbridge", () => {
  let bus: LocalEventBus;
  let server: EventBridgeEndpoint;
  let client: EventBridgeClient;
  let delivered: string[];

  beforeEach(async () => {
    bus = new LocalEventBus({ name: "transactions" });
    delivered = [];
    bus.addRule({
      name: "received",
      pattern: { source: [intakeEventSource], "detail-type": [DetailType.received] },
      targets: [{ id: "collector", deliver: async (input) => void delivered.push(input) }],
    });
    server = await startEventBridgeEndpoint(bus);
    client = new EventBridgeClient({
      endpoint: server.endpoint,
      region: localRegion,
      credentials: localCredentials,
      maxAttempts: 1,
    });
  });

  afterEach(async () => {
    client.destroy();
    await server.stop();
  });

  it("PutEvents with two good entries and a malformed one fails only that one and delivers the others", async () => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: "transactions",
            Source: intakeEventSource,
            DetailType: DetailType.received,
            Detail: JSON.stringify({ transactionId: "webhook#acme#1", amountUsd: 12.5 }),
            Time: new Date("2026-01-15T10:00:00.250Z"),
            Resources: ["arn:aws:s3:::uploads/file.csv"],
          },
          {
            EventBusName: "transactions",
            Source: intakeEventSource,
            DetailType: DetailType.received,
            Detail: "{oops",
          },
          {
            EventBusName: bus.arn,
            Source: intakeEventSource,
            DetailType: DetailType.received,
            Detail: JSON.stringify({ transactionId: "webhook#acme#2", amountUsd: 20_000 }),
          },
        ],
      }),
    );
    expect(result.FailedEntryCount).to.equal(1);
    expect(result.Entries).to.have.lengthOf(3);
    expect(result.Entries?.[1]).to.deep.equal({
      ErrorCode: "MalformedDetail",
      ErrorMessage: "Detail is malformed.",
    });
    const ids = [result.Entries?.[0].EventId, result.Entries?.[2].EventId];
    expect(ids.every((id) => typeof id === "string" && id.length > 0)).to.equal(true);

    await bus.idle();
    const events = delivered.map(
      (input) => JSON.parse(input) as { id: string; time: string; resources: string[]; detail: unknown },
    );
    expect(events.map((event) => event.id).sort()).to.deep.equal([...ids].sort());
    const first = events.find((event) => event.id === ids[0]);
    expect(first?.detail).to.deep.equal({ transactionId: "webhook#acme#1", amountUsd: 12.5 });
    expect(first?.time).to.equal("2026-01-15T10:00:00Z");
    expect(first?.resources).to.deep.equal(["arn:aws:s3:::uploads/file.csv"]);
  });

  it("answers any other operation with UnknownOperationException (HTTP 400)", async () => {
    let caught: { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
    await client.send(new ListRulesCommand({})).catch((error: unknown) => (caught = error as typeof caught));
    expect(caught?.name).to.equal("UnknownOperationException");
    expect(caught?.$metadata?.httpStatusCode).to.equal(400);
  });

  it("answers more than ten entries with ValidationException", async () => {
    const entry = { Source: intakeEventSource, DetailType: DetailType.received, Detail: "{}" };
    let caught: { name?: string } | undefined;
    await client
      .send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) }))
      .catch((error: unknown) => (caught = error as typeof caught));
    expect(caught?.name).to.equal("ValidationException");
    expect(bus.archive()).to.have.lengthOf(0);
  });

  it("answers a body that is not JSON with SerializationException (HTTP 400)", async () => {
    const response = await fetch(server.endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSEvents.PutEvents" },
      body: '{"Entries": [',
    });
    expect(response.status).to.equal(400);
    expect(((await response.json()) as { __type: string }).__type).to.equal("SerializationException");
  });

  it("answers an unknown X-Amz-Target with UnknownOperationException (HTTP 400)", async () => {
    const response = await fetch(server.endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSEvents.DeleteRule" },
      body: "{}",
    });
    expect(response.status).to.equal(400);
    const body = (await response.json()) as { __type: string; message: string };
    expect(body.__type).to.equal("UnknownOperationException");
    expect(body.message).to.match(/AWSEvents\.DeleteRule/);
  });
});
