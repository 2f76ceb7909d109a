/**
 * The exact definition the stack deploys, executed by aws-local-stepfunctions with its Lambda
 * tasks bound to the real handlers and its service integrations to real emulators (dynalite for
 * DynamoDB, fauxqs for SNS and SQS). Every input must end recorded or in the dead-letter queue.
 * Neither emulator speaks EventBridge, so the EventBridge client is mocked with aws-sdk-client-mock:
 * the tests see exactly what PublishProcessed sends, and can make PutEvents fail.
 *
 * What this cannot prove: EXPRESS at-least-once delivery, IAM, VPC endpoints, or how AWS's own
 * engine differs from the local one (see shared reference notes); those are covered by the mock
 * tests and by a real deploy.
 */
import { expect } from "chai";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import {
  buildTransactionStateMachineDefinition,
  processedPublishedAttribute,
  recordedDecisionUnreadableError,
  StateName,
} from "../../components/processing/stateMachineDefinition/index";
import { decisionEventSource, DetailType } from "../../functions/shared/eventRouting";
import { transactionsTableDefinition } from "../../functions/shared/tableDefinitions";
import type { AmountLane, TransactionReceivedEvent } from "../../functions/shared/stepContracts";
import { localClients } from "../../local/awsClients";
import { startEmulators, type Emulators } from "../../local/emulators";
import type { LambdaHandler } from "../../local/lambdaInvokeShim";
import {
  bindTaskStates,
  LocalStateMachine,
  taskStates,
  type LocalFunction,
} from "../../local/stateMachineRunner";
import type { ServiceClients } from "../../local/serviceIntegrations";
import { createTable } from "../support/dynamoTable";
import { setFunctionEnvironment } from "../support/functionEnvironment";

const tableName = "transactions-execution-test";
const eventBusName = "transactions-execution-test";
const functionArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const noBackoff = {
  retryIntervalOverrides: {
    [StateName.validate]: 0,
    [StateName.fraudDetection]: 0,
    [StateName.complianceCheck]: 0,
    [StateName.recordDecision]: 0,
    [StateName.recordRejection]: 0,
    [StateName.publishProcessed]: 0,
    [StateName.markPublished]: 0,
    [StateName.readRecordedDecision]: 0,
    [StateName.republishProcessed]: 0,
    [StateName.markRepublished]: 0,
    [StateName.alert]: 0,
    [StateName.sendToDeadLetterQueue]: 0,
  },
};

interface Handlers {
  validation: LambdaHandler;
  fraudDetection: LambdaHandler;
  compliance: LambdaHandler;
}

let sequence = 0;
function receivedEvent(
  overrides: Record<string, unknown> = {},
  lane: AmountLane = "low",
): TransactionReceivedEvent {
  sequence += 1;
  const id = `tx-exec-${sequence}`;
  const transaction = {
    transactionId: id,
    source: "webhook",
    provider: "acme",
    amount: "42.50",
    currency: "USD",
    customerId: `customer-${sequence}`,
    merchantId: "merchant-1",
    customerCountry: "US",
    merchantCountry: "US",
    merchantCategoryCode: "5411",
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    ...overrides,
  };
  // What a lane rule delivers (eventRouting.stateMachineTargetInput): the envelope plus `lane`.
  return {
    id: `event-${sequence}`,
    "detail-type": "Transaction Received",
    source: "transaction-pipeline.intake",
    time: new Date().toISOString(),
    detail: { transactionId: `acme#${String(transaction.transactionId)}`, amount: 42.5, transaction },
    lane,
  };
}

/** A PutEvents entry as PublishProcessed sent it, with its Detail parsed back from JSON text. */
interface PublishedEntry {
  readonly entry: PutEventsRequestEntry;
  readonly detail: Record<string, unknown>;
}

const accepted = { FailedEntryCount: 0, Entries: [{ EventId: "event-id" }] };
const refused = {
  FailedEntryCount: 1,
  Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "internal failure" }],
};

describe("transaction state machine executed locally against the emulators", function () {
  this.timeout(60_000);
  let eventBridge: AwsClientStub<EventBridgeClient>;
  let emulators: Emulators;
  let clients: ServiceClients;
  let handlers: Handlers;
  let alertsQueueUrl: string;
  let deadLetterQueueUrl: string;
  let alertsTopicArn: string;

  before(async () => {
    emulators = await startEmulators();
    clients = localClients(emulators);
    // Mocked on this instance only, so other suites' EventBridge clients are untouched.
    eventBridge = mockClient(clients.eventBridge);
    await createTable(clients.dynamoDb, tableName, transactionsTableDefinition);
    alertsTopicArn = emulators.fauxqs.createTopic("alerts").topicArn;
    alertsQueueUrl = emulators.fauxqs.createQueue("alerts-inbox").queueUrl;
    emulators.fauxqs.subscribe({
      topic: "alerts",
      queue: "alerts-inbox",
      attributes: { RawMessageDelivery: "true" },
    });
    deadLetterQueueUrl = emulators.fauxqs.createQueue("dead-letters").queueUrl;
    // Environment is read at cold start, so it is set before the handlers are loaded.
    setFunctionEnvironment({ tableName, dynamoDbEndpoint: emulators.dynamoDbEndpoint });
    handlers = {
      validation: (await import("../../functions/validation/index")).handler as LambdaHandler,
      fraudDetection: (await import("../../functions/fraud-detection/index")).handler as LambdaHandler,
      compliance: (await import("../../functions/compliance/index")).handler as LambdaHandler,
    };
  });

  after(async () => {
    eventBridge.restore();
    await emulators?.stop();
  });

  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves(accepted);
  });

  /** Every entry sent to EventBridge since the last reset, in order. */
  function published(): PublishedEntry[] {
    return eventBridge.commandCalls(PutEventsCommand).flatMap((call) =>
      (call.args[0].input.Entries ?? []).map((entry) => ({
        entry,
        // Step Functions sends an object Detail as its JSON text; so must the local integration.
        detail: JSON.parse(String(entry.Detail)) as Record<string, unknown>,
      })),
    );
  }

  /** The one "Transaction Processed" event for this transaction, with the envelope checked. */
  function processedEventFor(transactionId: string, executionArn: string): Record<string, unknown> {
    const entries = published().filter(({ detail }) => detail.transactionId === transactionId);
    expect(entries, `processed events for ${transactionId}`).to.have.length(1);
    const { entry, detail } = entries[0];
    expect(entry.EventBusName).to.equal(eventBusName);
    expect(entry.Source).to.equal(decisionEventSource);
    expect(entry.DetailType).to.equal(DetailType.processed);
    // The optimized integration names the execution and the state machine in Resources.
    expect(entry.Resources?.[0]).to.equal(executionArn);
    expect(entry.Resources).to.have.length(2);
    return detail;
  }

  function machine(overrides: Partial<Handlers> = {}, serviceClients = clients): LocalStateMachine {
    const bound = { ...handlers, ...overrides };
    const functions: Record<string, LocalFunction> = {
      [functionArn("validation")]: { name: "validation", handler: bound.validation },
      [functionArn("fraud-detection")]: { name: "fraud-detection", handler: bound.fraudDetection },
      [functionArn("compliance")]: { name: "compliance", handler: bound.compliance },
    };
    return new LocalStateMachine({ definition: definition(), functions, clients: serviceClients });
  }

  function definition() {
    return buildTransactionStateMachineDefinition({
      validateFunctionArn: functionArn("validation"),
      fraudDetectionFunctionArn: functionArn("fraud-detection"),
      complianceFunctionArn: functionArn("compliance"),
      transactionsTableName: tableName,
      alertsTopicArn,
      deadLetterQueueUrl,
      eventBusName,
      highValueAlertUsdMinor: 1_000_000,
    });
  }

  async function storedItem(transactionId: string): Promise<Record<string, unknown> | undefined> {
    const answer = await clients.dynamoDb.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { transactionId: { S: transactionId } },
        ConsistentRead: true,
      }),
    );
    return answer.Item ? unmarshall(answer.Item) : undefined;
  }

  async function drain(queueUrl: string): Promise<Record<string, unknown>[]> {
    const bodies: Record<string, unknown>[] = [];
    for (;;) {
      const answer = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      const messages = answer.Messages ?? [];
      if (messages.length === 0) return bodies;
      for (const message of messages)
        bodies.push(JSON.parse(message.Body ?? "null") as Record<string, unknown>);
      // Received messages stay invisible for the test's lifetime; no delete needed to drain.
    }
  }

  async function alertsFor(transactionId: string): Promise<Record<string, unknown>[]> {
    return (await drain(alertsQueueUrl)).filter((alert) => alert.transactionId === transactionId);
  }

  async function deadLettersFor(event: { id: string }): Promise<Record<string, unknown>[]> {
    return (await drain(deadLetterQueueUrl)).filter(
      (letter) => (letter.input as TransactionReceivedEvent).id === event.id,
    );
  }

  /** The details of the "Transaction Processed" entries sent for this transaction, in order. */
  function processedDetailsFor(transactionId: string): Record<string, unknown>[] {
    return published()
      .map(({ detail }) => detail)
      .filter((detail) => detail.transactionId === transactionId);
  }

  /**
   * A run that records its decision and then fails to publish it on every attempt, so it is
   * dead-lettered: what is left to replay. Answers the details it tried to publish.
   */
  async function recordedButNeverPublished(
    event: TransactionReceivedEvent,
  ): Promise<Record<string, unknown>[]> {
    eventBridge.on(PutEventsCommand).resolves(refused);
    await machine()
      .start(event, noBackoff)
      .result.catch(() => undefined);
    const attempted = processedDetailsFor(event.detail.transactionId);
    expect(attempted, "the attempt and its three retries").to.have.length(4);
    const item = await storedItem(event.detail.transactionId);
    expect(item?.decision, "the decision is recorded").to.not.equal(undefined);
    expect(item).not.to.have.property(processedPublishedAttribute);
    expect(await deadLettersFor(event)).to.have.length(1);
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves(accepted);
    return attempted;
  }

  it("binds every Task state of the deployed definition to a local handler or emulator", () => {
    const bound = bindTaskStates({
      definition: definition(),
      functions: {},
      clients,
    });
    expect(Object.keys(bound)).to.have.members(taskStates(definition()).map(({ name }) => name));
  });

  it("approves a small domestic transaction, records it with its reasons and lane, and raises no alert", async () => {
    const event = receivedEvent();
    await machine().start(event, noBackoff).result;

    const item = await storedItem(event.detail.transactionId);
    expect(item?.status).to.equal("APPROVED");
    const decision = item?.decision as Record<string, Record<string, unknown>>;
    expect(decision.status).to.equal("APPROVED");
    expect(decision.lane).to.equal("low");
    expect(decision.fraud.level).to.equal("LOW");
    expect(decision.compliance.decision).to.equal("CLEAR");
    expect(item?.amountMinor).to.equal(4250);
    expect(item?.amount).to.equal("42.50");
    expect(await alertsFor(event.detail.transactionId)).to.have.length(0);
    // In the archival index: the UTC day of the decision, and `<decidedAt>#<key>`.
    expect(item?.decidedDay).to.equal(String(decision.decidedAt).slice(0, 10));
    expect(item?.archiveSortKey).to.equal(`${String(decision.decidedAt)}#${event.detail.transactionId}`);
  });

  it("publishes one Transaction Processed event for an APPROVED transaction with its score, reasons and lane", async () => {
    const event = receivedEvent({}, "medium");
    const execution = machine().start(event, noBackoff);
    await execution.result;

    const detail = processedEventFor(event.detail.transactionId, execution.executionArn);
    expect(detail).to.deep.include({
      status: "APPROVED",
      stage: "SCREENING",
      transactionId: event.detail.transactionId,
      fraudScore: 0,
      fraudLevel: "LOW",
      fraudSignals: [],
      complianceDecision: "CLEAR",
      lane: "medium",
    });
    expect(detail.complianceRules).to.be.an("array");
    expect(published()).to.have.length(1);
  });

  it("sends a cross-border payment at a high-risk merchant to REVIEW and alerts", async () => {
    const event = receivedEvent({
      customerCountry: "GB",
      merchantCountry: "US",
      merchantCategoryCode: "7995",
    });
    await machine().start(event, noBackoff).result;

    const item = await storedItem(event.detail.transactionId);
    expect(item?.status).to.equal("REVIEW");
    const fraud = (item?.decision as Record<string, Record<string, unknown>>).fraud;
    expect(fraud.level).to.equal("MEDIUM");
    const signals = (fraud.signals as { code: string }[]).map((signal) => signal.code);
    expect(signals).to.include.members(["COUNTRY_MISMATCH", "HIGH_RISK_MCC"]);
    const alerts = await alertsFor(event.detail.transactionId);
    expect(alerts).to.have.length(1);
    expect(alerts[0].status).to.equal("REVIEW");
    expect(alerts[0].lane).to.equal("low");
  });

  it("publishes one Transaction Processed event for a REVIEW with the fraud score, signals and lane", async () => {
    const event = receivedEvent({ customerCountry: "GB", merchantCategoryCode: "7995" }, "high");
    const execution = machine().start(event, noBackoff);
    await execution.result;

    const detail = processedEventFor(event.detail.transactionId, execution.executionArn);
    expect(detail.status).to.equal("REVIEW");
    expect(detail.lane).to.equal("high");
    expect(detail.fraudLevel).to.equal("MEDIUM");
    expect(detail.fraudScore).to.be.a("number").and.to.be.at.least(40);
    const signals = (detail.fraudSignals as { code: string }[]).map((signal) => signal.code);
    expect(signals).to.include.members(["COUNTRY_MISMATCH", "HIGH_RISK_MCC"]);
    // The event carries the same outcome the decision record and the alert carry.
    const stored = (await storedItem(event.detail.transactionId))?.decision as Record<string, unknown>;
    expect(stored.lane).to.equal("high");
    expect((await alertsFor(event.detail.transactionId))[0]).to.deep.equal(detail);
  });

  it("rejects an invalid amount as a business outcome with the validation reason, not an error", async () => {
    const event = receivedEvent({ amount: "12.345" });
    const output = (await machine().start(event, noBackoff).result) as Record<string, unknown>;

    expect(output).to.not.have.property("error");
    const item = await storedItem(event.detail.transactionId);
    expect(item?.status).to.equal("REJECTED");
    const validation = (item?.decision as Record<string, Record<string, unknown>>).validation;
    expect(validation.valid).to.equal(false);
    expect(
      (validation.reasons as { code: string; field?: string }[]).map((reason) => reason.code),
    ).to.include("INVALID_AMOUNT");
    expect((await alertsFor(event.detail.transactionId))[0]?.status).to.equal("REJECTED");
    expect((item?.decision as Record<string, unknown>).lane).to.equal("low");
  });

  it("publishes one Transaction Processed event for an invalid transaction with its validation reasons and lane", async () => {
    const event = receivedEvent({ amount: "12.345" }, "low");
    const execution = machine().start(event, noBackoff);
    await execution.result;

    const detail = processedEventFor(event.detail.transactionId, execution.executionArn);
    expect(detail).to.deep.include({ status: "REJECTED", stage: "VALIDATION", lane: "low" });
    const reasons = detail.validationReasons as { code: string; field?: string }[];
    expect(reasons.map((reason) => reason.code)).to.include("INVALID_AMOUNT");
    expect(detail).not.to.have.property("fraudScore");
  });

  it("blocks a customer in a comprehensively sanctioned country (REJECTED by compliance)", async () => {
    const event = receivedEvent({ customerCountry: "KP" });
    await machine().start(event, noBackoff).result;

    const item = await storedItem(event.detail.transactionId);
    expect(item?.status).to.equal("REJECTED");
    const compliance = (item?.decision as Record<string, Record<string, unknown>>).compliance;
    expect(compliance.decision).to.equal("BLOCK");
    expect((compliance.rules as { ruleId: string }[]).map((rule) => rule.ruleId)).to.include(
      "SANCTIONED_COUNTRY",
    );
  });

  it("publishes one Transaction Processed event for a compliance REJECTED with its rules, score and lane", async () => {
    const event = receivedEvent({ customerCountry: "KP" }, "low");
    const execution = machine().start(event, noBackoff);
    await execution.result;

    const detail = processedEventFor(event.detail.transactionId, execution.executionArn);
    expect(detail).to.deep.include({
      status: "REJECTED",
      stage: "SCREENING",
      complianceDecision: "BLOCK",
      lane: "low",
    });
    expect(detail.fraudScore).to.be.a("number");
    expect((detail.complianceRules as { ruleId: string }[]).map((rule) => rule.ruleId)).to.include(
      "SANCTIONED_COUNTRY",
    );
  });

  it("retries a PutEvents answer with FailedEntryCount > 0 (EventBridge.FailedEntry), then dead-letters it", async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "internal failure" }],
    });
    const event = receivedEvent();
    const execution = machine().start(event, noBackoff);

    let failure: unknown;
    await execution.result.catch((error: unknown) => (failure = error));
    expect(failure, "execution must fail").to.be.instanceOf(Error);

    // One attempt and the retrier's three retries.
    expect(eventBridge.commandCalls(PutEventsCommand)).to.have.length(4);
    const letters = (await drain(deadLetterQueueUrl)).filter(
      (letter) => (letter.input as TransactionReceivedEvent).id === event.id,
    );
    expect(letters).to.have.length(1);
    const error = letters[0].error as { Error: string; Cause: string };
    expect(error.Error).to.equal("EventBridge.FailedEntry");
    expect(error.Cause).to.contain("InternalFailure");
    expect(letters[0].input).to.deep.equal(event);
    // The decision was recorded before publishing failed; the dead letter is what is left to replay.
    expect((await storedItem(event.detail.transactionId))?.status).to.equal("APPROVED");
  });

  it("retries a throttled PutEvents call and then succeeds, sending the same entry again", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    eventBridge.on(PutEventsCommand).rejectsOnce(throttled).resolves(accepted);
    const event = receivedEvent();
    await machine().start(event, noBackoff).result;

    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).to.have.length(2);
    expect(calls[1].args[0].input).to.deep.equal(calls[0].args[0].input);
    expect((await storedItem(event.detail.transactionId))?.status).to.equal("APPROVED");
  });

  it("dead-letters a PutEvents service error that persists, named EventBridge.<exception>", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    eventBridge.on(PutEventsCommand).rejects(throttled);
    const event = receivedEvent();
    await machine()
      .start(event, noBackoff)
      .result.catch(() => undefined);

    expect(eventBridge.commandCalls(PutEventsCommand)).to.have.length(4);
    const letters = (await drain(deadLetterQueueUrl)).filter(
      (letter) => (letter.input as TransactionReceivedEvent).id === event.id,
    );
    expect(letters).to.have.length(1);
    expect((letters[0].error as { Error: string }).Error).to.equal("EventBridge.ThrottlingException");
  });

  it("dead-letters an input without a lane as MalformedEvent before any task runs", async () => {
    const { lane: _lane, ...withoutLane } = receivedEvent();
    const execution = machine().start(withoutLane, noBackoff);

    let failure: unknown;
    await execution.result.catch((error: unknown) => (failure = error));
    expect(failure, "execution must fail").to.be.instanceOf(Error);

    const letters = (await drain(deadLetterQueueUrl)).filter(
      (letter) => (letter.input as TransactionReceivedEvent).id === withoutLane.id,
    );
    expect(letters).to.have.length(1);
    expect(letters[0].input).to.deep.equal(withoutLane);
    expect((letters[0].error as { Error: string }).Error).to.equal("MalformedEvent");
    expect(await storedItem(withoutLane.detail.transactionId)).to.equal(undefined);
    expect(published()).to.have.length(0);
  });

  it("dead-letters an input whose lane is not one the rules deliver as MalformedEvent", async () => {
    const event = { ...receivedEvent(), lane: "urgent" };
    await machine()
      .start(event, noBackoff)
      .result.catch(() => undefined);

    const letters = (await drain(deadLetterQueueUrl)).filter(
      (letter) => (letter.input as TransactionReceivedEvent).id === event.id,
    );
    expect((letters[0]?.error as { Error: string } | undefined)?.Error).to.equal("MalformedEvent");
    expect(published()).to.have.length(0);
  });

  it("alerts on an APPROVED transaction above the high-value threshold", async () => {
    const event = receivedEvent({ amount: "15000.00" }, "high");
    await machine().start(event, noBackoff).result;

    const item = await storedItem(event.detail.transactionId);
    expect(item?.status).to.equal("APPROVED");
    const alerts = await alertsFor(event.detail.transactionId);
    expect(alerts).to.have.length(1);
    expect(alerts[0].status).to.equal("APPROVED");
  });

  it("retries a transient Lambda failure (TooManyRequests) and then succeeds", async () => {
    let calls = 0;
    const flaky: LambdaHandler = async (event, context) => {
      calls += 1;
      if (calls === 1)
        throw Object.assign(new Error("Rate exceeded"), { name: "Lambda.TooManyRequestsException" });
      return handlers.fraudDetection(event, context);
    };
    const event = receivedEvent();
    await machine({ fraudDetection: flaky }).start(event, noBackoff).result;

    expect(calls).to.equal(2);
    expect((await storedItem(event.detail.transactionId))?.status).to.equal("APPROVED");
  });

  it("waits the configured backoff (2 s) before the first retry", async () => {
    let calls = 0;
    const flaky: LambdaHandler = async (event, context) => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error("service"), { name: "Lambda.ServiceException" });
      return handlers.compliance(event, context);
    };
    const event = receivedEvent();
    const started = Date.now();
    await machine({ compliance: flaky }).start(event, {
      retryIntervalOverrides: { ...noBackoff.retryIntervalOverrides, [StateName.complianceCheck]: [-1] },
    }).result;

    // A lower bound on the wait is behaviour (the retry policy), not a speed claim.
    expect(Date.now() - started).to.be.at.least(1_900);
    expect(calls).to.equal(2);
  });

  it("sends a permanent failure's whole input and error to the dead-letter queue, then fails", async () => {
    const broken: LambdaHandler = async () => {
      throw new Error("screening list unavailable");
    };
    const event = receivedEvent();
    const execution = machine({ compliance: broken }).start(event, noBackoff);

    let failure: unknown;
    await execution.result.catch((error: unknown) => (failure = error));
    expect(failure, "execution must fail").to.be.instanceOf(Error);

    const letters = (await drain(deadLetterQueueUrl)).filter(
      (letter) => (letter.input as TransactionReceivedEvent).id === event.id,
    );
    expect(letters).to.have.length(1);
    expect(letters[0].input).to.deep.equal(event);
    expect((letters[0].error as { Error: string }).Error).to.equal("Error");
    expect((letters[0].error as { Cause: string }).Cause).to.contain("screening list unavailable");
    expect(letters[0].executionId).to.equal(execution.executionArn);
    // Nothing half-recorded: the transaction has no decision.
    expect((await storedItem(event.detail.transactionId))?.decision).to.equal(undefined);
  });

  it("keeps the first decision and alerts once when the same event is executed twice (at-least-once)", async () => {
    const event = receivedEvent({ customerCountry: "GB", merchantCategoryCode: "7995" });
    const first = machine().start(event, noBackoff);
    await first.result;
    const recorded = await storedItem(event.detail.transactionId);
    await machine().start(event, noBackoff).result;

    const after = await storedItem(event.detail.transactionId);
    expect(after).to.deep.equal(recorded);
    expect((after?.decision as Record<string, unknown>).executionId).to.equal(first.executionArn);
    expect(await alertsFor(event.detail.transactionId)).to.have.length(1);
    // The re-run found the decision recorded and marked published, and published nothing: one
    // event, the first run's.
    expect(recorded?.[processedPublishedAttribute]).to.be.a("string");
    processedEventFor(event.detail.transactionId, first.executionArn);
  });

  it("publishes, once and when replayed, a decision recorded by a run whose PublishProcessed failed for good, from the stored decision", async () => {
    // Prepare: REVIEW recorded (fraud MEDIUM with signals), then every publish attempt refused.
    const event = receivedEvent({ customerCountry: "GB", merchantCategoryCode: "7995" });
    const key = event.detail.transactionId;
    const attempted = await recordedButNeverPublished(event);
    const recorded = await storedItem(key);
    expect(recorded?.status).to.equal("REVIEW");
    // The rules changed before the replay: the replay's own screening would reject it.
    const stricter: LambdaHandler = async (input, context) => ({
      ...((await handlers.fraudDetection(input, context)) as Record<string, unknown>),
      score: 95,
      level: "HIGH",
    });

    // Act: the replay puts the original event again.
    const replay = machine({ fraudDetection: stricter }).start(event, noBackoff);
    await replay.result;

    // Assess: the stored decision, in the very detail the first run tried to publish.
    const detail = processedEventFor(key, replay.executionArn);
    expect(detail).to.deep.equal(attempted[0]);
    expect(detail).to.deep.include({
      status: "REVIEW",
      stage: "SCREENING",
      fraudLevel: "MEDIUM",
      lane: "low",
    });
    expect((detail.fraudSignals as unknown[]).length, "fraud signals").to.be.greaterThan(0);
    const { [processedPublishedAttribute]: publishedAt, ...after } = (await storedItem(key)) ?? {};
    expect(after, "the decision is kept as recorded").to.deep.equal(recorded);
    expect(publishedAt, "marked published").to.be.a("string");
    // Neither run alerted: the first stopped before Alert, the replay does not alert (see
    // the definition's MarkRepublished).
    expect(await alertsFor(key)).to.have.length(0);
    expect(await deadLettersFor(event)).to.have.length(0);

    // A second replay finds it published and publishes nothing.
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves(accepted);
    await machine().start(event, noBackoff).result;
    expect(published()).to.have.length(0);
  });

  const republishedShapes: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ["a validation rejection with its reasons", { amount: "12.345" }, { stage: "VALIDATION" }],
    ["a compliance BLOCK with its rule hits", { customerCountry: "KP" }, { complianceDecision: "BLOCK" }],
    [
      "an APPROVED decision with no findings",
      {},
      { status: "APPROVED", fraudSignals: [], complianceRules: [] },
    ],
  ];
  for (const [what, overrides, expected] of republishedShapes) {
    it(`republishes ${what} in exactly the detail PublishProcessed sends`, async () => {
      const event = receivedEvent(overrides);
      const attempted = await recordedButNeverPublished(event);

      const replay = machine().start(event, noBackoff);
      await replay.result;

      const detail = processedEventFor(event.detail.transactionId, replay.executionArn);
      expect(detail).to.deep.equal(attempted[0]);
      expect(detail).to.deep.include(expected);
    });
  }

  it("publishes again when a re-run finds the decision published but not marked (a crash between publish and mark)", async () => {
    const event = receivedEvent();
    const key = event.detail.transactionId;
    await machine().start(event, noBackoff).result;
    // What a crash right after PublishProcessed leaves behind.
    await clients.dynamoDb.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { transactionId: { S: key } },
        UpdateExpression: "REMOVE #publishedAt",
        ExpressionAttributeNames: { "#publishedAt": processedPublishedAttribute },
      }),
    );

    await machine().start(event, noBackoff).result;

    // A duplicate, which consumers take once per transaction; and now it is marked.
    const details = processedDetailsFor(key);
    expect(details).to.have.length(2);
    expect(details[1]).to.deep.equal(details[0]);
    expect((await storedItem(key))?.[processedPublishedAttribute]).to.be.a("string");
  });

  it("still alerts and succeeds when the published mark cannot be written, leaving the decision unmarked", async () => {
    // Only the mark fails: its update is the one that sets the published attribute.
    const dynamoDb = localClients(emulators).dynamoDb;
    let markAttempts = 0;
    dynamoDb.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { UpdateExpression?: string };
        if (input.UpdateExpression?.includes("#publishedAt")) {
          markAttempts += 1;
          throw Object.assign(new Error("throughput exceeded"), {
            name: "ProvisionedThroughputExceededException",
          });
        }
        return next(args);
      },
      { step: "initialize", name: "failPublishedMark" },
    );
    const event = receivedEvent({ customerCountry: "GB", merchantCategoryCode: "7995" });
    const key = event.detail.transactionId;

    try {
      await machine({}, { ...clients, dynamoDb }).start(event, noBackoff).result;
    } finally {
      dynamoDb.destroy();
    }

    expect(markAttempts, "the attempt and its three retries").to.equal(4);
    expect(processedDetailsFor(key)).to.have.length(1);
    expect((await alertsFor(key)).map((alert) => alert.status)).to.deep.equal(["REVIEW"]);
    expect(await storedItem(key)).not.to.have.property(processedPublishedAttribute);
    expect(await deadLettersFor(event)).to.have.length(0);
  });

  const unreadable: [string, string][] = [
    ["lacks its lane", "REMOVE #decision.lane"],
    ["has a fraud signal without points", "REMOVE #decision.fraud.signals[0].points"],
  ];
  for (const [what, damage] of unreadable) {
    it(`dead-letters a replay whose recorded decision ${what} (${recordedDecisionUnreadableError}), publishing nothing`, async () => {
      const event = receivedEvent({ customerCountry: "GB", merchantCategoryCode: "7995" });
      await recordedButNeverPublished(event);
      await clients.dynamoDb.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { transactionId: { S: event.detail.transactionId } },
          UpdateExpression: damage,
          ExpressionAttributeNames: { "#decision": "decision" },
        }),
      );

      let failure: unknown;
      await machine()
        .start(event, noBackoff)
        .result.catch((error: unknown) => (failure = error));

      expect(failure, "execution must fail").to.be.instanceOf(Error);
      const letters = await deadLettersFor(event);
      expect(letters).to.have.length(1);
      expect((letters[0].error as { Error: string }).Error).to.equal(recordedDecisionUnreadableError);
      expect(letters[0].input).to.deep.equal(event);
      expect(published()).to.have.length(0);
    });
  }

  it("does not let a re-run with a different outcome overwrite the decision or alert a contradicting status", async () => {
    const event = receivedEvent();
    await machine().start(event, noBackoff).result;
    const altered = {
      ...event,
      detail: { ...event.detail, transaction: { ...event.detail.transaction, amount: "1.234" } },
    };
    await machine().start(altered, noBackoff).result;

    expect((await storedItem(event.detail.transactionId))?.status).to.equal("APPROVED");
    expect(await alertsFor(event.detail.transactionId)).to.have.length(0);
    expect(published().map(({ detail }) => detail.status)).to.deep.equal(["APPROVED"]);
  });

  it("records a transaction whose key holds a card number under a digest, never the number", async () => {
    const event = receivedEvent({ transactionId: "4111111111111111" });
    await machine().start(event, noBackoff).result;

    expect(await storedItem(event.detail.transactionId)).to.equal(undefined);
    const alerts = (await drain(alertsQueueUrl)).filter((alert) =>
      String(alert.transactionId).startsWith("redacted#"),
    );
    expect(alerts).to.have.length(1);
    expect(JSON.stringify(alerts)).not.to.contain("4111111111111111");
    const item = await storedItem(String(alerts[0].transactionId));
    expect(item?.status).to.equal("REJECTED");
    expect(JSON.stringify(item)).not.to.contain("4111111111111111");
    const events = published();
    expect(events).to.have.length(1);
    expect(events[0].detail.transactionId).to.equal(alerts[0].transactionId);
    expect(JSON.stringify(events)).not.to.contain("4111111111111111");
  });

  it("loses nothing: every input of a mixed batch ends recorded or in the dead-letter queue", async () => {
    const events: TransactionReceivedEvent[] = [
      receivedEvent(),
      receivedEvent({ amount: "-1" }),
      receivedEvent({ currency: "XYZ" }),
      receivedEvent({ customerCountry: "IR" }),
      receivedEvent({ amount: "99999.99" }, "high"),
      receivedEvent({ metadata: { note: "card 4111 1111 1111 1111" } }),
    ];
    const malformed = {
      ...receivedEvent(),
      detail: { transaction: {} },
    } as unknown as TransactionReceivedEvent;
    const runner = machine();
    await Promise.all(
      [...events, malformed].map((event) => runner.start(event, noBackoff).result.catch(() => undefined)),
    );

    for (const event of events) {
      const item = await storedItem(event.detail.transactionId);
      expect(["APPROVED", "REVIEW", "REJECTED"], event.detail.transactionId).to.include(item?.status);
    }
    // One processed event per recorded decision, none for the malformed input.
    expect(published().map(({ detail }) => detail.transactionId)).to.have.members(
      events.map((event) => event.detail.transactionId),
    );
    const letters = await drain(deadLetterQueueUrl);
    expect(letters.map((letter) => (letter.input as TransactionReceivedEvent).id)).to.include(malformed.id);
  });

  it("never stores a card number found in the input", async () => {
    const event = receivedEvent({ metadata: { note: "card 4111 1111 1111 1111" } });
    await machine().start(event, noBackoff).result;

    const item = await storedItem(event.detail.transactionId);
    expect(item?.status).to.equal("REJECTED");
    expect(JSON.stringify(item)).not.to.match(/4111\s?1111\s?1111\s?1111/);
    const reasons = (
      (item?.decision as Record<string, Record<string, unknown>>).validation.reasons as { code: string }[]
    ).map((reason) => reason.code);
    expect(reasons).to.include("PAN_DETECTED");
  });
});
