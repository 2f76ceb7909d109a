/**
 * The dead-letter replay tool against the whole local pipeline: real dead letters are made by
 * taking the archived-transactions table away (validation then fails with TransactionStoreError,
 * retried, and the execution sends its input to the dead-letter queue), the table is put back,
 * and the tool restarts the transactions through the local PutEvents endpoint, lane rules and
 * state machine. What this cannot prove: IAM for SQS/EventBridge in AWS, and the exact message
 * EventBridge writes to a target's dead-letter queue (built here from AWS's documentation).
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { CreateTableCommand, DeleteTableCommand, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { PurgeQueueCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { StateName } from "../../components/processing/stateMachineDefinition/index";
import { EnvironmentName } from "../../functions/shared/environmentNames";
import { DetailType, intakeEventSource } from "../../functions/shared/eventRouting";
import type { CanonicalTransaction } from "../../functions/shared/stepContracts";
import { archivedTransactionsTableDefinition } from "../../functions/shared/tableDefinitions";
import { transactionReceivedDetail } from "../../functions/shared/transactionReceivedEvent";
import { localClients, localCredentials, localRegion } from "../../local/awsClients";
import { localResourceNames, startLocalPipeline, type LocalPipeline } from "../../local/localPipeline";
import type { ServiceClients } from "../../local/serviceIntegrations";
import { createTableInput } from "../../local/tableSpecs";
import { runReplay } from "../../tools/replay";
import { deadLetterQueues, type DeadLetterQueue } from "../../tools/replay/deadLetters";
import {
  replayDeadLetters,
  type Clock,
  type ReplayOptions,
  type ReplaySummary,
} from "../../tools/replay/replayDeadLetters";
import { readStackOutputs } from "../../tools/stackOutputs";
import {
  newStandardWebhooksSecret,
  standardWebhooksRequest,
  webhookBody,
} from "../functions/support/webhookRequests";

const secret = newStandardWebhooksSecret();
const archivedTable = "archived-transactions-replay-test";
const routingQueueName = "routing-low-dlq-replay-test";

describe("dead-letter replay on the local pipeline", function () {
  this.timeout(60_000);
  let pipeline: LocalPipeline;
  let clients: ServiceClients;
  let queues: DeadLetterQueue[];
  let routingQueueUrl: string;
  let sequence = 0;

  before(async () => {
    pipeline = await startLocalPipeline({
      webhookSecret: secret,
      functionEnvironment: {
        POWERTOOLS_LOG_LEVEL: "SILENT",
        POWERTOOLS_METRICS_DISABLED: "true",
        [EnvironmentName.archivedTransactionsTable]: archivedTable,
      },
      retryIntervalOverrides: Object.fromEntries(Object.values(StateName).map((name) => [name, 0])),
    });
    clients = localClients({ ...pipeline.emulators, eventBridgeEndpoint: pipeline.eventBridgeEndpoint });
    routingQueueUrl = pipeline.emulators.fauxqs.createQueue(routingQueueName).queueUrl;
    queues = deadLetterQueues({
      deadLetterQueueUrl: pipeline.deadLetterQueueUrl,
      routingDeadLetterQueueUrls: { low: routingQueueUrl },
    });
  });

  after(async () => {
    await pipeline?.stop();
  });

  beforeEach(async () => {
    for (const url of [pipeline.deadLetterQueueUrl, routingQueueUrl]) {
      await clients.sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    }
    await createArchivedTable();
  });

  async function createArchivedTable(): Promise<void> {
    await clients.dynamoDb
      .send(new CreateTableCommand(createTableInput(archivedTable, archivedTransactionsTableDefinition)))
      .catch((error: unknown) => {
        if (!(error instanceof Error && error.name === "ResourceInUseException")) throw error;
      });
  }

  /** Sends `count` valid webhooks while validation cannot work: each ends in the dead-letter queue. */
  async function failTransactions(count: number): Promise<string[]> {
    await clients.dynamoDb.send(new DeleteTableCommand({ TableName: archivedTable }));
    const keys: string[] = [];
    for (let index = 0; index < count; index += 1) {
      sequence += 1;
      const body = webhookBody({
        transaction_id: `tx-replay-${sequence}`,
        customer_id: `customer-replay-${sequence}`,
      });
      const answer = await pipeline.webhook(standardWebhooksRequest(JSON.stringify(body), secret));
      expect(answer.statusCode, answer.body).to.equal(202);
      keys.push(`local#${String(body.transaction_id)}`);
    }
    await pipeline.idle();
    await createArchivedTable();
    expect(queueDepth(localResourceNames.deadLetterQueue)).to.equal(count);
    return keys;
  }

  /** Every message in the queue, visible or not. */
  function queueDepth(name: string): number {
    const queue = pipeline.emulators.fauxqs.inspectQueue(name);
    if (!queue) throw new Error(`no queue ${name}`);
    return queue.messages.ready.length + queue.messages.inflight.length + queue.messages.delayed.length;
  }

  /** Messages that can be received right now. */
  function visibleMessages(name: string): number {
    return pipeline.emulators.fauxqs.inspectQueue(name)?.messages.ready.length ?? 0;
  }

  async function storedItem(key: string): Promise<Record<string, unknown> | undefined> {
    const answer = await clients.dynamoDb.send(
      new GetItemCommand({
        TableName: localResourceNames.transactionsTable,
        Key: { transactionId: { S: key } },
        ConsistentRead: true,
      }),
    );
    return answer.Item ? unmarshall(answer.Item) : undefined;
  }

  function eventsFor(key: string, detailType: string) {
    return pipeline.bus
      .archive()
      .filter((event) => event["detail-type"] === detailType && event.detail.transactionId === key);
  }

  async function replay(
    overrides: Partial<ReplayOptions> = {},
    eventBridge: EventBridgeClient = clients.eventBridge,
    clock?: Clock,
  ): Promise<ReplaySummary> {
    const summary = await replayDeadLetters(
      { sqs: clients.sqs, eventBridge, ...(clock ? { clock } : {}) },
      { queues, eventBusName: localResourceNames.eventBus, waitTimeSeconds: 0, ...overrides },
    );
    await pipeline.idle();
    return summary;
  }

  it("restarts a dead-lettered transaction with its original id and detail: it ends decided and the queue is empty", async () => {
    // Prepare
    const [key] = await failTransactions(1);
    expect((await storedItem(key!))?.decision).to.equal(undefined);
    const [original] = eventsFor(key!, DetailType.received);
    // Act
    const summary = await replay();
    // Assess
    expect(summary.replayed).to.equal(1);
    const outcome = summary.outcomes[0]!;
    expect(outcome.kind).to.equal("replayed");
    expect(outcome.letter.queue.name).to.equal("pipeline");
    expect(outcome.letter.transactionId).to.equal(key);
    expect(outcome.letter.reason).to.match(/^TransactionStoreError: .*archived-transactions table/);
    expect(outcome.letter.origin).to.match(/^execution arn:aws:states:/);
    expect(Number.isNaN(Date.parse(outcome.letter.failedAt ?? ""))).to.equal(false);
    expect((await storedItem(key!))?.status).to.equal("APPROVED");
    expect(queueDepth(localResourceNames.deadLetterQueue)).to.equal(0);
    const received = eventsFor(key!, DetailType.received);
    expect(received).to.have.length(2);
    expect(received[1]!.source).to.equal(intakeEventSource);
    // The same detail, marked as a redelivery so the high-value "received" alert is not sent again.
    expect(received[1]!.detail).to.deep.equal({ ...(original!.detail as object), redelivery: true });
    expect(eventsFor(key!, DetailType.processed)).to.have.length(1);
  });

  it("does not decide twice when the same dead letter is replayed again", async () => {
    const [key] = await failTransactions(1);
    const peek = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: pipeline.deadLetterQueueUrl, VisibilityTimeout: 0 }),
    );
    const body = peek.Messages?.[0]?.Body;
    expect(body).to.be.a("string");
    await replay();
    const decided = await storedItem(key!);
    expect(decided?.status).to.equal("APPROVED");

    // The same dead letter again, as a second copy or a message whose delete was lost would be.
    await clients.sqs.send(
      new SendMessageCommand({ QueueUrl: pipeline.deadLetterQueueUrl, MessageBody: body }),
    );
    const again = await replay();

    expect(again.replayed).to.equal(1);
    expect(await storedItem(key!)).to.deep.equal(decided);
    expect(eventsFor(key!, DetailType.processed)).to.have.length(1);
    expect(queueDepth(localResourceNames.deadLetterQueue)).to.equal(0);
  });

  it("keeps the message, visible again, when PutEvents answers FailedEntryCount 1", async () => {
    const [key] = await failTransactions(1);
    const refusing = new EventBridgeClient({
      region: localRegion,
      credentials: localCredentials,
      endpoint: pipeline.eventBridgeEndpoint,
    });
    const stub = mockClient(refusing);
    stub.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "internal failure" }],
    });
    try {
      const summary = await replay({}, refusing);

      expect(summary.replayed).to.equal(0);
      expect(summary.kept).to.equal(1);
      const outcome = summary.outcomes[0]!;
      expect(outcome.kind === "kept" && outcome.why).to.match(/restart refused: .*InternalFailure/);
      expect(stub.commandCalls(PutEventsCommand)).to.have.length(1);
      expect(visibleMessages(localResourceNames.deadLetterQueue)).to.equal(1);
      expect((await storedItem(key!))?.decision).to.equal(undefined);
    } finally {
      stub.restore();
      refusing.destroy();
    }
  });

  it("keeps the message when the event bus endpoint cannot be reached", async () => {
    const [key] = await failTransactions(1);
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const unreachable = new EventBridgeClient({
      region: localRegion,
      credentials: localCredentials,
      endpoint: `http://127.0.0.1:${closedPort}`,
      maxAttempts: 1,
    });
    try {
      const summary = await replay({}, unreachable);

      expect(summary.kept).to.equal(1);
      expect(visibleMessages(localResourceNames.deadLetterQueue)).to.equal(1);
      expect((await storedItem(key!))?.decision).to.equal(undefined);
    } finally {
      unreachable.destroy();
    }
  });

  it("changes nothing in a dry run: nothing is put on the bus and the messages are visible at once", async () => {
    const keys = await failTransactions(2);
    const eventsBefore = pipeline.bus.archive().length;

    const summary = await replay({ dryRun: true });

    expect(summary.shown).to.equal(2);
    expect(summary.replayed + summary.kept + summary.skipped).to.equal(0);
    expect(summary.outcomes.map((outcome) => outcome.letter.transactionId)).to.have.members(keys);
    expect(summary.outcomes.every((outcome) => outcome.letter.replayable)).to.equal(true);
    expect(pipeline.bus.archive()).to.have.length(eventsBefore);
    expect(visibleMessages(localResourceNames.deadLetterQueue)).to.equal(2);
    for (const key of keys) expect((await storedItem(key))?.decision).to.equal(undefined);
  });

  it("stops after --limit messages", async () => {
    const keys = await failTransactions(3);

    const summary = await replay({ limit: 2 });

    expect(summary.outcomes).to.have.length(2);
    expect(summary.replayed).to.equal(2);
    expect(queueDepth(localResourceNames.deadLetterQueue)).to.equal(1);
    const decided = [];
    for (const key of keys) if ((await storedItem(key))?.decision !== undefined) decided.push(key);
    expect(decided).to.have.members(summary.outcomes.map((outcome) => outcome.letter.transactionId));
  });

  it("waits between restarts to stay under --rate", async () => {
    await failTransactions(3);
    let now = 1_000_000;
    const sleeps: number[] = [];
    const clock: Clock = {
      now: () => now,
      sleep: async (milliseconds) => {
        sleeps.push(milliseconds);
        now += milliseconds;
      },
    };

    const summary = await replay({ ratePerSecond: 2 }, clients.eventBridge, clock);

    expect(summary.replayed).to.equal(3);
    expect(sleeps).to.deep.equal([500, 500]);
  });

  it("reports and keeps a message that cannot be parsed, and replays the others", async () => {
    const [key] = await failTransactions(1);
    await clients.sqs.send(
      new SendMessageCommand({ QueueUrl: pipeline.deadLetterQueueUrl, MessageBody: "not json {" }),
    );

    const summary = await replay();

    expect(summary.replayed).to.equal(1);
    expect(summary.skipped).to.equal(1);
    const skipped = summary.outcomes.find((outcome) => outcome.kind === "skipped");
    expect(skipped?.kind === "skipped" && skipped.letter.problem).to.equal("the body is not JSON");
    expect((await storedItem(key!))?.status).to.equal("APPROVED");
    expect(visibleMessages(localResourceNames.deadLetterQueue)).to.equal(1);
  });

  it("restarts an event from a routing target's dead-letter queue, reporting ERROR_CODE and ERROR_MESSAGE", async () => {
    // Prepare: what EventBridge writes when it could not start the state machine for an event.
    sequence += 1;
    const transaction: CanonicalTransaction = {
      transactionId: `tx-routing-${sequence}`,
      source: "webhook",
      provider: "local",
      amountMinor: 4250,
      amount: "42.50",
      currency: "USD",
      amountUsdMinor: 4250,
      customerId: `customer-routing-${sequence}`,
      merchantId: "merchant-1",
      merchantCategoryCode: "5411",
      customerCountry: "US",
      merchantCountry: "US",
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
    };
    const key = `local#${transaction.transactionId}`;
    const event = {
      version: "0",
      id: randomUUID(),
      "detail-type": DetailType.received,
      source: intakeEventSource,
      account: "000000000000",
      time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      region: localRegion,
      resources: [],
      detail: transactionReceivedDetail(key, transaction),
    };
    const attribute = (value: string) => ({ DataType: "String", StringValue: value });
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: routingQueueUrl,
        MessageBody: JSON.stringify(event),
        MessageAttributes: {
          RULE_ARN: attribute(
            `arn:aws:events:${localRegion}:000000000000:rule/${localResourceNames.eventBus}/low`,
          ),
          TARGET_ARN: attribute(`arn:aws:states:${localRegion}:000000000000:stateMachine:transactions`),
          ERROR_CODE: attribute("SDK_CLIENT_ERROR"),
          ERROR_MESSAGE: attribute("Unable to invoke the state machine"),
          EXHAUSTED_RETRY_CONDITION: attribute("MaximumRetryAttempts"),
          RETRY_ATTEMPTS: attribute("185"),
        },
      }),
    );

    const summary = await replay();

    expect(summary.replayed).to.equal(1);
    const { letter } = summary.outcomes[0]!;
    expect(letter.queue.name).to.equal("routing/low");
    expect(letter.transactionId).to.equal(key);
    expect(letter.reason).to.equal(
      "SDK_CLIENT_ERROR: Unable to invoke the state machine (MaximumRetryAttempts after 185 retries)",
    );
    expect(letter.origin).to.equal("rule low → transactions");
    expect((await storedItem(key))?.status).to.equal("APPROVED");
    expect(queueDepth(routingQueueName)).to.equal(0);
  });

  describe("the command line on the local stack", () => {
    let directory: string;
    let outputsPath: string;

    before(async () => {
      directory = await mkdtemp(join(tmpdir(), "replay-outputs-"));
      outputsPath = join(directory, "outputs.json");
      const messaging = pipeline.emulators.messagingEndpoint;
      // What the running local pipeline writes: the stack's output keys plus region and endpoints.
      await writeFile(
        outputsPath,
        JSON.stringify({
          apiUrl: "http://127.0.0.1:3000",
          webhookUrl: "http://127.0.0.1:3000/webhook",
          deadLetterQueueUrl: pipeline.deadLetterQueueUrl,
          routingDeadLetterQueueUrls: { low: routingQueueUrl },
          eventBusName: localResourceNames.eventBus,
          transactionsTableName: localResourceNames.transactionsTable,
          region: localRegion,
          endpoints: {
            dynamoDb: pipeline.emulators.dynamoDbEndpoint,
            sqs: messaging,
            sns: messaging,
            s3: messaging,
            eventBridge: pipeline.eventBridgeEndpoint,
          },
        }),
      );
    });

    after(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      let stdout = "";
      let stderr = "";
      const code = await runReplay(argv, {
        output: { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) },
        readOutputs: (stack) => readStackOutputs(stack, { localOutputsPath: outputsPath }),
        waitTimeSeconds: 0,
        progress: false,
      });
      await pipeline.idle();
      return { code, stdout, stderr };
    }

    it("shows each dead letter in a dry run and changes nothing", async () => {
      const [key] = await failTransactions(1);

      const { code, stdout } = await run(["--stack", "local", "--dry-run"]);

      expect(code).to.equal(0);
      expect(stdout).to.contain(`pipeline  ${key}  failed `);
      expect(stdout).to.contain("TransactionStoreError");
      expect(stdout).to.contain("→ would replay");
      expect(stdout).to.contain("Dry run: 1 message(s) shown, 1 replayable, 0 not; nothing was changed.");
      expect(visibleMessages(localResourceNames.deadLetterQueue)).to.equal(1);
      expect((await storedItem(key!))?.decision).to.equal(undefined);
    });

    it("replays, prints ids and reasons but never the transaction, and exits 0", async () => {
      const [key] = await failTransactions(1);

      const { code, stdout, stderr } = await run(["--stack", "local"]);

      expect(code, stderr).to.equal(0);
      expect(stdout).to.contain(`Replaying the dead letters of stack "local" (${localRegion})`);
      expect(stdout).to.match(new RegExp(`pipeline  ${key}  failed .*\\n    → replayed \\(event `));
      expect(stdout).to.contain("Replayed 1, kept 0, skipped 0 (of 1 message(s)).");
      expect(stdout).not.to.contain(`customer-replay-${sequence}`);
      expect(stdout).not.to.contain("411111");
      expect((await storedItem(key!))?.status).to.equal("APPROVED");
    });

    it("exits 1 and lists a skipped message in the summary", async () => {
      await clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: routingQueueUrl,
          MessageBody: JSON.stringify({ hello: "world" }),
        }),
      );

      const { code, stdout } = await run(["--stack", "local"]);

      expect(code).to.equal(1);
      expect(stdout).to.contain("Skipped as unreplayable (left in their queue, never deleted):");
      expect(stdout).to.match(/routing\/low {2}message \S+: no Transaction Received event in the message/);
      expect(queueDepth(routingQueueName)).to.equal(1);
    });
  });
});
