/**
 * The reconciler finishing a CSV row's count on its file, against dynalite: it takes over only a
 * count claim whose holder is gone (taken before the run's cutoff: the threshold ago, or a restart
 * of the local runtime), never one a running notifier holds. A running holder does not look at
 * its claim again after taking it, so a takeover beside it counted the row twice (seen after a
 * kill and restart: every row whose notifier claimed in the new life while the restart's run
 * went through the rows of the old one).
 *
 * What this cannot prove: Lambda's own timeouts, which in AWS bound how long a holder can run.
 */
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from "@aws-sdk/client-eventbridge";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { runCsvTransform } from "../../functions/csv-transform/csvTransform";
import { createNotifier, type NotifierResult } from "../../functions/notifier/notifier";
import { createReconciler, type ReconcileSummary } from "../../functions/reconciler/reconcile";
import { DetailType, decisionEventSource } from "../../functions/shared/eventRouting";
import {
  archivedTransactionsTableDefinition,
  transactionsTableDefinition,
} from "../../functions/shared/tableDefinitions";
import { localCredentials, localRegion } from "../../local/awsClients";
import { createTable } from "../support/dynamoTable";
import { csvLine, csvTestNow, minimalHeader, minimalRow } from "./support/csvFiles";
import {
  RecordingLog,
  RecordingMetrics,
  startCsvLoadBench,
  transformContext,
  type CsvLoadBench,
} from "./support/csvLoadBench";

const minutes = (n: number) => n * 60_000;

describe("reconciler: taking over a CSV row's count on its file", function () {
  this.timeout(60_000);
  let bench: CsvLoadBench;
  let eventBridge: AwsClientStub<EventBridgeClient>;
  const transactionsTable = `transactions-takeover-${process.pid}`;
  const archivedTable = `archived-takeover-${process.pid}`;

  before(async () => {
    bench = await startCsvLoadBench();
    eventBridge = mockClient(bench.eventBridge);
    const dynamoDb = new DynamoDBClient({
      region: localRegion,
      credentials: localCredentials,
      endpoint: bench.emulators.dynamoDbEndpoint,
    });
    await createTable(dynamoDb, transactionsTable, transactionsTableDefinition);
    await createTable(dynamoDb, archivedTable, archivedTransactionsTableDefinition);
    dynamoDb.destroy();
  });

  after(async () => {
    eventBridge.restore();
    await bench?.stop();
  });

  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
      FailedEntryCount: 0,
      Entries: (input.Entries ?? []).map(() => ({ EventId: randomUUID() })),
    }));
  });

  /**
   * Loads a one-row file and records the row's decision as the state machine does; `published`
   * false stops before MarkPublished (the "Transaction Processed" event may have gone out).
   */
  async function decidedRow(label: string, published = true): Promise<{ fileId: string; key: string }> {
    const fileId = bench.newFileId(label);
    await bench.putValidatedFile(fileId, csvLine(minimalHeader) + csvLine(minimalRow(`${label}-1`)));
    await runCsvTransform(bench.transformDependencies(), { continueFile: { fileId } }, transformContext());
    const key = `csv#${label}-1`;
    await bench.documentClient.send(
      new PutCommand({
        TableName: transactionsTable,
        Item: {
          transactionId: key,
          status: "APPROVED",
          decision: { status: "APPROVED", stage: "SCREENING", lane: "low" },
          ...(published ? { processedPublishedAt: csvTestNow.toISOString() } : {}),
        },
      }),
    );
    return { fileId, key };
  }

  function processedEvent(key: string) {
    return {
      id: randomUUID(),
      "detail-type": DetailType.processed,
      source: decisionEventSource,
      time: csvTestNow.toISOString(),
      detail: { transactionId: key, status: "APPROVED", lane: "low" },
    };
  }

  /**
   * A notifier whose document client stops before its file count (step 2) until `release()`:
   * `reached` resolves once its claim (step 1) is taken and it is waiting there.
   */
  function pausedNotifier(now: Date) {
    const client = new DynamoDBClient({
      region: localRegion,
      credentials: localCredentials,
      endpoint: bench.emulators.dynamoDbEndpoint,
    });
    let reachedStep!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => (reachedStep = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { TableName?: string; UpdateExpression?: string };
        if (
          input.TableName === bench.notifierConfig.fileStatusTable &&
          input.UpdateExpression?.includes("ADD #decidedRows")
        ) {
          reachedStep();
          await released;
        }
        return next(args);
      },
      { step: "initialize", name: "pause-before-file-count" },
    );
    const notify = createNotifier({
      config: bench.notifierConfig,
      documentClient: DynamoDBDocumentClient.from(client),
      sns: bench.sns,
      log: new RecordingLog(),
      metrics: new RecordingMetrics(),
      now: () => now,
    });
    return { notify, reached, release, destroy: () => client.destroy() };
  }

  function reconciler() {
    return createReconciler({
      config: {
        intakeTable: bench.notifierConfig.intakeTable,
        transactionsTable,
        archivedTransactionsTable: archivedTable,
        fileStatusTable: bench.notifierConfig.fileStatusTable,
        uploadsBucket: bench.transformConfig.uploadsBucket,
        eventBusName: bench.transformConfig.eventBusName,
        deadLetterQueueUrl: "http://127.0.0.1:9/000000000000/unused",
        alertsTopicArn: bench.notifierConfig.alertsTopicArn,
        undecidedAfterSeconds: 900,
        maxAttempts: 3,
        recordsPerRun: 100,
      },
      documentClient: bench.documentClient,
      eventBridge: bench.eventBridge,
      sqs: new SQSClient({
        region: localRegion,
        credentials: localCredentials,
        endpoint: "http://127.0.0.1:9",
      }),
      sns: bench.sns,
      log: new RecordingLog(),
      metrics: { count: () => undefined, oldestUndecidedAge: () => undefined },
    });
  }

  /** When the process restarted, and the reconciler's first run after it. */
  const restartedAt = new Date(csvTestNow.getTime() + minutes(1));
  const afterRestart = new Date(restartedAt.getTime() + 1_000);

  /** A notifier before the restart claims the row's count, then dies with the process before counting. */
  async function claimedByNotifierThatDied(key: string): Promise<void> {
    const holder = pausedNotifier(new Date(csvTestNow.getTime() + 30_000));
    void holder.notify(processedEvent(key), { awsRequestId: "notifier-before-restart" });
    await holder.reached;
    holder.destroy();
  }

  it("after a restart, leaves a count claimed since the restart to its running holder: the row is counted once", async () => {
    // Prepare: the row was accepted before the restart; a notifier started after it has claimed
    // the row's count and is about to add it to the file.
    const { fileId, key } = await decidedRow("held-claim");
    const holder = pausedNotifier(afterRestart);
    const counting: Promise<NotifierResult> = holder.notify(processedEvent(key), {
      awsRequestId: "notifier-after-restart",
    });
    await holder.reached;

    // Act: the restart's run goes through everything accepted before it, then the holder goes on.
    let summary: ReconcileSummary;
    try {
      summary = await reconciler()({ now: afterRestart, acceptedBefore: restartedAt });
    } finally {
      holder.release();
    }
    const counted = await counting;
    holder.destroy();

    // Assess: counted once, by its holder; the run left it alone.
    expect(await bench.readStatus(fileId)).to.deep.include({
      status: "COMPLETED",
      publishedRows: 1,
      decidedRows: 1,
      approved: 1,
    });
    expect(counted).to.deep.equal({ outcome: "counted", fileId, completed: true });
    expect(summary).to.include({ examined: 1, decisionsRepublished: 0, waiting: 1 });
  });

  it("takes over a count claimed before the restart, whose holder died with it, and counts it once", async () => {
    // Prepare: a notifier before the restart claimed the row and died before its file count.
    const { fileId, key } = await decidedRow("dead-claim");
    await claimedByNotifierThatDied(key);

    // Act
    const summary = await reconciler()({ now: afterRestart, acceptedBefore: restartedAt });

    // Assess
    expect(summary).to.include({ examined: 1, decisionsRepublished: 1, waiting: 0 });
    expect(await bench.readStatus(fileId)).to.deep.include({
      status: "COMPLETED",
      decidedRows: 1,
      approved: 1,
    });
    expect(await bench.readIntakeRecord(key)).to.have.property("countedInFileAt");
  });

  it("counts a row claimed before the restart whose decision was never marked published, and publishes it again", async () => {
    // Prepare: decided, its "Transaction Processed" event out but not marked, and the notifier
    // counting it killed after its claim. The re-run the reconciler starts publishes the decision
    // again, but its notifier finds the row claimed and passes it over: the count is the run's to do.
    const { fileId, key } = await decidedRow("unmarked", false);
    eventBridge.resetHistory();
    await claimedByNotifierThatDied(key);

    // Act
    const summary = await reconciler()({ now: afterRestart, acceptedBefore: restartedAt });

    // Assess: counted once, and the decision published again for everything else that waits on it.
    expect(await bench.readStatus(fileId)).to.deep.include({
      status: "COMPLETED",
      decidedRows: 1,
      approved: 1,
    });
    expect(summary).to.include({ examined: 1, decisionsRepublished: 1 });
    const republished = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? [])
      .map((entry) => JSON.parse(entry.Detail ?? "{}") as { transactionId?: string; redelivery?: boolean })
      .filter((detail) => detail.transactionId === key);
    expect(republished).to.have.length(1);
    expect(republished[0]).to.include({ redelivery: true });
  });
});
