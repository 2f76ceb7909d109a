/**
 * The local events:putEvents integration on its own: it must send what Step Functions' optimized
 * integration sends and fail the way it fails, so Retry/Catch in the local engine behave as on AWS.
 * The EventBridge client is mocked per instance; no emulator is involved.
 *
 * What this cannot prove: the exact Cause text AWS gives EventBridge.FailedEntry (not documented;
 * here it is the failed entries as JSON) or how AWS names a request-level EventBridge exception.
 */
import { expect } from "chai";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { TaskResource } from "../../components/processing/stateMachineDefinition/index";
import { localClients } from "../../local/awsClients";
import { serviceIntegrations, type ServiceClients } from "../../local/serviceIntegrations";

const endpoints = { dynamoDbEndpoint: "http://127.0.0.1:1", messagingEndpoint: "http://127.0.0.1:1" };
const execution = {
  executionArn: "arn:aws:states:local:000000000000:express:transactions:run-1",
  stateMachineArn: "arn:aws:states:local:000000000000:stateMachine:transactions",
};
const entry = {
  EventBusName: "transactions",
  Source: "transaction-pipeline.decisions",
  DetailType: "Transaction Processed",
  Detail: { status: "APPROVED", reasons: [{ code: "A", message: 'quote " and \\ backslash' }] },
};

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("local events:putEvents integration", () => {
  let clients: ServiceClients;
  let eventBridge: AwsClientStub<EventBridgeClient>;

  beforeEach(() => {
    clients = localClients(endpoints);
    eventBridge = mockClient(clients.eventBridge);
  });

  afterEach(() => {
    eventBridge.restore();
  });

  const putEvents = (withExecution = true) =>
    serviceIntegrations(clients, withExecution ? execution : undefined)[TaskResource.eventBridgePutEvents];

  it("sends an object Detail as its JSON text and names the execution and state machine in Resources", async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });

    const answer = await putEvents()({ Entries: [entry] });

    const sent = eventBridge.commandCalls(PutEventsCommand)[0].args[0].input;
    expect(sent).to.deep.equal({
      Entries: [
        {
          EventBusName: "transactions",
          Source: "transaction-pipeline.decisions",
          DetailType: "Transaction Processed",
          Detail: JSON.stringify(entry.Detail),
          Resources: [execution.executionArn, execution.stateMachineArn],
        },
      ],
    });
    expect(JSON.parse(String(sent.Entries?.[0].Detail))).to.deep.equal(entry.Detail);
    expect(answer).to.deep.equal({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });
  });

  it("leaves a string Detail as it is and keeps Resources the entry already names", async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });

    await putEvents()({ Entries: [{ ...entry, Detail: '{"a":1}', Resources: ["arn:aws:s3:::b"] }] });

    const sent = eventBridge.commandCalls(PutEventsCommand)[0].args[0].input.Entries?.[0];
    expect(sent?.Detail).to.equal('{"a":1}');
    expect(sent?.Resources).to.deep.equal([
      "arn:aws:s3:::b",
      execution.executionArn,
      execution.stateMachineArn,
    ]);
  });

  it("appends nothing to Resources when no execution is given", async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });

    await putEvents(false)({ Entries: [entry] });

    const sent = eventBridge.commandCalls(PutEventsCommand)[0].args[0].input.Entries?.[0];
    expect(sent).not.to.have.property("Resources");
  });

  it("fails with EventBridge.FailedEntry when FailedEntryCount > 0, as Step Functions does", async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: "ThrottlingException", ErrorMessage: "slow down" }],
    });

    const error = await rejection(putEvents()({ Entries: [entry] }));

    expect(error.name).to.equal("EventBridge.FailedEntry");
    expect(JSON.parse(error.message)).to.deep.equal({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: "ThrottlingException", ErrorMessage: "slow down" }],
    });
  });

  it("names an SDK error EventBridge.<exception>", async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error("internal"), { name: "InternalException" }));

    const error = await rejection(putEvents()({ Entries: [entry] }));

    expect(error.name).to.equal("EventBridge.InternalException");
    expect(error.message).to.equal("internal");
  });
});

describe("local EventBridge client", () => {
  it("refuses to send, with a message saying what to pass, when localClients got no eventBridgeEndpoint", async () => {
    const clients = localClients(endpoints);

    const error = await rejection(
      serviceIntegrations(clients)[TaskResource.eventBridgePutEvents]({ Entries: [entry] }),
    );

    expect(error.name).to.equal("EventBridge.LocalEndpointNotConfigured");
    expect(error.message).to.match(/eventBridgeEndpoint/);
  });

  it("points at eventBridgeEndpoint when one is given", async () => {
    const clients = localClients({ ...endpoints, eventBridgeEndpoint: "http://127.0.0.1:4010" });

    const endpoint = await clients.eventBridge.config.endpoint?.();

    expect(endpoint?.hostname).to.equal("127.0.0.1");
    expect(endpoint?.port).to.equal(4010);
  });
});
