/**
 * The notifier against the emulators: files are loaded by the real csv-transform (EventBridge
 * mocked on the injected client's instance), then "Transaction Processed" events as the
 * transactionProcessedPattern rule delivers them are counted (every decision as a metric, CSV rows
 * also on dynalite), and the summary is read from the alerts topic through an SQS subscription on
 * fauxqs.
 *
 * What these tests cannot prove: EventBridge's own delivery (the rule, its retries) or Lambda's
 * retry of a failed asynchronous invocation with the same request id; both are played by hand.
 */
import { randomUUID } from "node:crypto";
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from "@aws-sdk/client-eventbridge";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { runCsvTransform, type CsvTransformDependencies } from "../../functions/csv-transform/csvTransform";
import {
  createNotifier,
  IntakeRecordNotFoundError,
  NotifierStoreError,
  type NotifierDependencies,
  type NotifierResult,
} from "../../functions/notifier/notifier";
import { awaitingShardOf } from "../../functions/shared/awaitingDecision";
import { FileCompletionError } from "../../functions/shared/fileCompletion";
import type { CorrelationIds } from "../../functions/shared/correlation";
import { awaitingDecisionIndex } from "../../functions/shared/tableDefinitions";
import { localCredentials, localRegion } from "../../local/awsClients";
import { processedEvent, type DecisionStatus } from "./support/processedEvents";
import { csvLine, csvTestNow, minimalHeader, minimalRow, rejectionOf } from "./support/csvFiles";
import {
  RecordingLog,
  RecordingMetrics,
  startCsvLoadBench,
  transformContext,
  type CsvLoadBench,
} from "./support/csvLoadBench";

/** A file of `count` valid rows named `<prefix>-1`..., plus one invalid row at the end. */
function fileWithOneBadRow(prefix: string, count: number): string {
  let text = csvLine(minimalHeader);
  for (let index = 1; index <= count; index += 1) text += csvLine(minimalRow(`${prefix}-${index}`));
  return text + csvLine(minimalRow(`${prefix}-bad`, { amount: "1.001" }));
}

/** One of the notifier's writes, recognised on the wire by its table and update expression. */
type NotifierStep = "claim" | "file count" | "mark" | "release" | "completion";

/**
 * How a write fails: refused (the request never took effect, as when throttled past the SDK's
 * retries) or answerLost (it took effect, then the caller saw an error, as when the connection
 * drops before the answer: the same as the process dying right after the write).
 */
type FaultKind = "refused" | "answerLost";

interface WriteFault {
  readonly step: NotifierStep;
  readonly kind: FaultKind;
  /** How many of the step's writes fail, the first ones. */
  readonly times: number;
}

function stepOf(
  input: { readonly TableName?: string; readonly UpdateExpression?: string },
  tables: { readonly intake: string; readonly fileStatus: string },
): NotifierStep | undefined {
  const expression = input.UpdateExpression ?? "";
  if (input.TableName === tables.intake) {
    if (expression.includes("#countedBy")) return "claim";
    if (expression === "SET #countedInFileAt = :now") return "mark";
  }
  if (input.TableName === tables.fileStatus) {
    if (expression.includes("ADD #decidedRows")) return "file count";
    if (expression.includes("DELETE #countingLines")) return "release";
    if (expression.startsWith("SET #status = :completed")) return "completion";
  }
  return undefined;
}

describe("notifier: counting decisions and completing files", function () {
  this.timeout(60_000);
  let bench: CsvLoadBench;
  let eventBridge: AwsClientStub<EventBridgeClient>;

  before(async () => {
    bench = await startCsvLoadBench();
    eventBridge = mockClient(bench.eventBridge);
  });

  after(async () => {
    eventBridge.restore();
    await bench?.stop();
  });

  beforeEach(async () => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
      FailedEntryCount: 0,
      Entries: (input.Entries ?? []).map(() => ({ EventId: randomUUID() })),
    }));
    await bench.drainSummaries();
  });

  function notifierWith(overrides: Partial<NotifierDependencies> = {}) {
    const log = new RecordingLog();
    const metrics = new RecordingMetrics();
    const notify = createNotifier({
      config: bench.notifierConfig,
      documentClient: bench.documentClient,
      sns: bench.sns,
      log,
      metrics,
      now: () => csvTestNow,
      recordLookups: { attempts: 2, delayMs: 1 },
      ...overrides,
    });
    return { notify, log, metrics };
  }

  async function load(fileId: string, content: string, overrides: Partial<CsvTransformDependencies> = {}) {
    await bench.putValidatedFile(fileId, content);
    return runCsvTransform(
      bench.transformDependencies(overrides),
      { continueFile: { fileId } },
      transformContext(),
    );
  }

  /** The keys among `keys` that the reconciler's index (the sparse byAwaitingDecision GSI) holds. */
  async function inAwaitingIndex(keys: readonly string[]): Promise<string[]> {
    const found = new Set<string>();
    for (const shard of new Set(keys.map(awaitingShardOf))) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await bench.documentClient.send(
          new QueryCommand({
            TableName: bench.notifierConfig.intakeTable,
            IndexName: awaitingDecisionIndex.name,
            KeyConditionExpression: "#shard = :shard",
            ExpressionAttributeNames: { "#shard": awaitingDecisionIndex.partitionKey },
            ExpressionAttributeValues: { ":shard": shard },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of page.Items ?? []) found.add(String(item.transactionId));
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return keys.filter((key) => found.has(key));
  }

  /** A document client on the emulator whose chosen writes fail; destroy() when done. */
  function faultyClient(fault: WriteFault) {
    const client = new DynamoDBClient({
      region: localRegion,
      credentials: localCredentials,
      endpoint: bench.emulators.dynamoDbEndpoint,
    });
    const tables = {
      intake: bench.notifierConfig.intakeTable,
      fileStatus: bench.notifierConfig.fileStatusTable,
    };
    let remaining = fault.times;
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { TableName?: string; UpdateExpression?: string };
        if (remaining === 0 || stepOf(input, tables) !== fault.step) return next(args);
        remaining -= 1;
        if (fault.kind === "refused") {
          throw Object.assign(new Error("throttled"), { name: "ProvisionedThroughputExceededException" });
        }
        await next(args);
        throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
      },
      { step: "initialize", name: `fail-${fault.step}` },
    );
    return { documentClient: DynamoDBDocumentClient.from(client), destroy: () => client.destroy() };
  }

  it("counts each decision once, duplicates included, and completes the file exactly once with one summary", async () => {
    // Prepare: six rows published, one invalid row.
    const fileId = bench.newFileId("notify");
    await load(fileId, fileWithOneBadRow("notify", 6));
    const statuses: DecisionStatus[] = ["APPROVED", "REVIEW", "APPROVED", "REJECTED", "APPROVED", "REVIEW"];
    const events = statuses.map((status, index) => processedEvent(`csv#notify-${index + 1}`, status));
    const { notify, log, metrics } = notifierWith();

    // Act: all at once, with a second delivery of the third event (a new invocation, a new request id).
    const deliveries = [...events, events[2]].map((event) => notify(event, { awsRequestId: randomUUID() }));
    const results = await Promise.all(deliveries);

    // Assess
    const outcomes = results.map((result) => result.outcome);
    expect(outcomes.filter((outcome) => outcome === "counted")).to.have.length(6);
    expect(outcomes.filter((outcome) => outcome === "duplicate")).to.have.length(1);
    expect(results.filter((result) => "completed" in result && result.completed)).to.have.length(1);
    const status = await bench.readStatus(fileId);
    expect(status).to.deep.include({
      status: "COMPLETED",
      publishedRows: 6,
      decidedRows: 6,
      approved: 3,
      review: 2,
      rejected: 1,
      completedAt: csvTestNow.toISOString(),
    });
    expect(await bench.drainSummaries()).to.deep.equal([
      {
        subject: `CSV file ${fileId} processed`,
        message: {
          file_id: fileId,
          rows: 7,
          valid_rows: 6,
          invalid_rows: 1,
          already_received_rows: 0,
          conflict_rows: 0,
          published_rows: 6,
          approved: 3,
          review: 2,
          rejected: 1,
          dead_lettered: 0,
        },
      },
    ]);
    expect(metrics.total("DecisionsCounted")).to.equal(6);
    expect(metrics.total("DecisionsDuplicate")).to.equal(1);
    expect(metrics.total("CsvFilesCompleted")).to.equal(1);
    // TransactionsDecided counts each transaction once: the duplicate delivery is not counted again.
    expect([...metrics.decisions].sort()).to.deep.equal([
      "APPROVED",
      "APPROVED",
      "APPROVED",
      "REJECTED",
      "REVIEW",
      "REVIEW",
    ]);
    expect(await bench.readIntakeRecord("csv#notify-2")).to.deep.include({ countedStatus: "REVIEW" });
    expect(log.warnings()).to.deep.equal([]);

    // A late duplicate after completion changes nothing and sends nothing.
    const late = await notify(events[0], { awsRequestId: randomUUID() });
    expect(late).to.deep.equal({ outcome: "duplicate", fileId, completed: false });
    expect(await bench.readStatus(fileId)).to.deep.include({ decidedRows: 6, approved: 3 });
    expect(await bench.drainSummaries()).to.deep.equal([]);
  });

  it("counts decisions that arrive while the file is still loading; the load's end then completes it", async () => {
    const fileId = bench.newFileId("early-decisions");
    const { notify } = notifierWith();
    const notified: NotifierResult[] = [];

    // Every chunk is decided as soon as its intake records are written, before the file is LOADED.
    const result = await load(fileId, fileWithOneBadRow("early", 4), {
      tuning: { chunkRows: 2 },
      hooks: {
        afterRecords: async (_, lines) => {
          for (const line of lines) {
            const event = processedEvent(`csv#early-${line - 1}`, "APPROVED");
            notified.push(await notify(event, { awsRequestId: randomUUID() }));
          }
        },
      },
    });

    expect(notified.map((entry) => entry.outcome)).to.deep.equal([
      "counted",
      "counted",
      "counted",
      "counted",
    ]);
    expect(notified.some((entry) => "completed" in entry && entry.completed)).to.equal(false);
    expect(result.files[0]).to.deep.include({ outcome: "completed", publishedRows: 4 });
    expect(await bench.readStatus(fileId)).to.deep.include({
      status: "COMPLETED",
      decidedRows: 4,
      approved: 4,
    });
    const summaries = await bench.drainSummaries();
    expect(summaries).to.have.length(1);
    expect(summaries[0].message).to.deep.include({ file_id: fileId, published_rows: 4, approved: 4 });
  });

  it("ignores a decision for a key it has no intake record for, with a warning", async () => {
    const { notify, log, metrics } = notifierWith();
    const event = processedEvent("csv#never-loaded", "APPROVED", { time: "2025-11-14T22:00:00Z" });

    const result = await notify(event, { awsRequestId: randomUUID() });

    expect(result).to.deep.equal({ outcome: "ignored", reason: "UNKNOWN_TRANSACTION" });
    expect(log.warnings()).to.have.length(1);
    expect(log.warnings()[0].attributes).to.deep.include({
      reason: "UNKNOWN_TRANSACTION",
      transactionId: "csv#never-loaded",
      eventId: event.id,
    });
    expect(metrics.total("DecisionsIgnored")).to.equal(1);
    // The transaction was still decided, whatever became of its file.
    expect(metrics.decisions).to.deep.equal(["APPROVED"]);
    expect(await bench.drainSummaries()).to.deep.equal([]);
  });

  it("counts a decision that arrives before the row's publish returned (records are written first)", async () => {
    // Prepare: the decision arrives while the loader is still between publish and checkpoint.
    const fileId = bench.newFileId("race");
    const { notify } = notifierWith();
    const requestId = randomUUID();
    const event = processedEvent("csv#race-1", "REJECTED");
    let early: unknown;
    await load(fileId, fileWithOneBadRow("race", 1), {
      hooks: {
        afterPublish: async () => {
          early = await notify(event, { awsRequestId: requestId });
        },
      },
    });
    expect(early).to.deep.include({ outcome: "counted", fileId });
    expect(await bench.readStatus(fileId)).to.deep.include({
      status: "COMPLETED",
      decidedRows: 1,
      rejected: 1,
    });
    expect(await bench.drainSummaries()).to.have.length(1);
  });

  it("fails a recent decision whose intake record is missing, and counts it on the retry", async () => {
    // Prepare: a decision for a row whose record is not there yet (it is written by the retry's time).
    const fileId = bench.newFileId("race-late");
    const { notify } = notifierWith();
    const requestId = randomUUID();
    const event = processedEvent("csv#race-late-1", "REJECTED");
    let early: unknown;
    await load(fileId, fileWithOneBadRow("race-late", 1), {
      hooks: {
        beforeRecords: async () => {
          early = await rejectionOf(notify(event, { awsRequestId: requestId }));
        },
      },
    });
    expect(early).to.be.instanceOf(IntakeRecordNotFoundError);
    expect(await bench.readStatus(fileId)).to.deep.include({ status: "LOADED", decidedRows: 0 });

    // Act: Lambda's retry of the same invocation.
    const retried = await notify(event, { awsRequestId: requestId });

    // Assess
    expect(retried).to.deep.equal({ outcome: "counted", fileId, completed: true });
    expect(await bench.readStatus(fileId)).to.deep.include({
      status: "COMPLETED",
      decidedRows: 1,
      rejected: 1,
    });
    expect(await bench.drainSummaries()).to.have.length(1);
  });

  it("ignores events that are not a Transaction Processed decision, counting no decision", async () => {
    const { notify, log, metrics } = notifierWith();
    const noStatus = processedEvent("csv#tx-1", "APPROVED") as { detail: Record<string, unknown> };
    delete noStatus.detail.status;
    const noKey = processedEvent("csv#tx-1", "APPROVED") as { detail: Record<string, unknown> };
    noKey.detail.transactionId = "";

    const results = [
      await notify(noStatus, { awsRequestId: randomUUID() }),
      await notify(noKey, { awsRequestId: randomUUID() }),
      await notify("not an event", { awsRequestId: randomUUID() }),
    ];

    expect(results).to.deep.equal([
      { outcome: "ignored", reason: "INVALID_EVENT" },
      { outcome: "ignored", reason: "INVALID_EVENT" },
      { outcome: "ignored", reason: "INVALID_EVENT" },
    ]);
    expect(log.warnings()[0].attributes.problem).to.equal("detail.status: invalid_value");
    expect(log.warnings()[1].attributes.problem).to.equal("detail.transactionId: too_small");
    expect(metrics.total("DecisionsIgnored")).to.equal(3);
    expect(metrics.decisions).to.deep.equal([]);
  });

  it("counts a webhook decision by its decision, once per transaction, and writes nothing to the file-status table", async () => {
    // Prepare: every DynamoDB call the notifier makes is recorded.
    const recorded = new DynamoDBClient({
      region: localRegion,
      credentials: localCredentials,
      endpoint: bench.emulators.dynamoDbEndpoint,
    });
    const calls: string[] = [];
    recorded.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { TableName?: string };
        calls.push(`${String(context.commandName)} ${input.TableName ?? ""}`);
        return next(args);
      },
      { step: "initialize", name: "recordNotifierCalls" },
    );
    const correlated: CorrelationIds[] = [];
    const { notify, log, metrics } = notifierWith({
      documentClient: DynamoDBDocumentClient.from(recorded),
      correlate: (ids) => correlated.push(ids),
    });
    // The delivery's intake record, as webhook-intake wrote it.
    await bench.documentClient.send(
      new PutCommand({
        TableName: bench.notifierConfig.intakeTable,
        Item: { transactionId: "acme#tx-webhook-1", state: "ACCEPTED", source: "webhook", provider: "acme" },
      }),
    );
    const review = processedEvent("acme#tx-webhook-1", "REVIEW");
    // A key validation replaced by a digest (it held a card number) is not a CSV row either.
    const rejected = processedEvent(`redacted#${"ab".repeat(32)}`, "REJECTED");

    // Act
    const results = [
      await notify(review, { awsRequestId: randomUUID() }),
      await notify(rejected, { awsRequestId: randomUUID() }),
    ];

    // Assess
    expect(results).to.deep.equal([{ outcome: "notFromFile" }, { outcome: "notFromFile" }]);
    expect(metrics.decisions).to.deep.equal(["REVIEW", "REJECTED"]);
    expect([...metrics.totals.keys()]).to.deep.equal([]);
    // Only the intake records table, where each transaction's metric is claimed once.
    expect(calls.every((call) => call.endsWith(bench.notifierConfig.intakeTable))).to.equal(true);
    const replay = await notify(review, { awsRequestId: randomUUID() });
    expect(replay).to.deep.equal({ outcome: "notFromFile" });
    expect(metrics.decisions).to.deep.equal(["REVIEW", "REJECTED"]);
    expect(log.lines).to.deep.equal([]);
    expect(correlated).to.deep.equal([
      { correlationId: "acme#tx-webhook-1", transactionId: "acme#tx-webhook-1" },
      { correlationId: rejected.detail.transactionId, transactionId: rejected.detail.transactionId },
      { correlationId: "acme#tx-webhook-1", transactionId: "acme#tx-webhook-1" },
    ]);
    expect(await bench.drainSummaries()).to.deep.equal([]);
    recorded.destroy();
  });

  it("labels a CSV row's invocation with its transaction id, then with its file id", async () => {
    const fileId = bench.newFileId("labels");
    await load(fileId, fileWithOneBadRow("labels", 1));
    const correlated: CorrelationIds[] = [];
    const { notify, metrics } = notifierWith({ correlate: (ids) => correlated.push(ids) });

    const result = await notify(processedEvent("csv#labels-1", "APPROVED"), { awsRequestId: randomUUID() });

    expect(result).to.deep.equal({ outcome: "counted", fileId, completed: true });
    expect(correlated).to.deep.equal([
      { correlationId: "csv#labels-1", transactionId: "csv#labels-1" },
      { fileId },
    ]);
    expect(metrics.decisions).to.deep.equal(["APPROVED"]);
    expect(await bench.drainSummaries()).to.have.length(1);
  });

  it("counts once when Lambda retries an invocation that failed between the claim and the file count", async () => {
    // Prepare: a client whose first file-count update fails.
    const fileId = bench.newFileId("retry-count");
    await load(fileId, fileWithOneBadRow("retry", 2));
    const flaky = new DynamoDBClient({
      region: localRegion,
      credentials: localCredentials,
      endpoint: bench.emulators.dynamoDbEndpoint,
    });
    let failures = 1;
    flaky.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { TableName?: string; UpdateExpression?: string };
        if (
          context.commandName === "UpdateItemCommand" &&
          input.TableName === bench.transformConfig.fileStatusTable &&
          input.UpdateExpression?.includes("ADD") &&
          failures > 0
        ) {
          failures -= 1;
          throw Object.assign(new Error("throttled"), { name: "ProvisionedThroughputExceededException" });
        }
        return next(args);
      },
      { step: "initialize", name: "failFirstFileCount" },
    );
    const { notify } = notifierWith({ documentClient: DynamoDBDocumentClient.from(flaky) });
    const event = processedEvent("csv#retry-1", "APPROVED");
    const requestId = randomUUID();

    // Act
    const failure = await rejectionOf(notify(event, { awsRequestId: requestId }));
    const duplicate = await notify(event, { awsRequestId: randomUUID() });
    const retry = await notify(event, { awsRequestId: requestId });
    const retryAgain = await notify(event, { awsRequestId: requestId });

    // Assess
    expect(failure).to.be.instanceOf(NotifierStoreError);
    expect(duplicate.outcome).to.equal("duplicate");
    expect(retry.outcome).to.equal("counted");
    expect(retryAgain.outcome).to.equal("duplicate");
    expect(await bench.readStatus(fileId)).to.deep.include({ status: "LOADED", decidedRows: 1, approved: 1 });
    flaky.destroy();
  });

  it("puts the file back to LOADED when the summary cannot be sent, so the retry sends it", async () => {
    const fileId = bench.newFileId("sns-down");
    await load(fileId, fileWithOneBadRow("sns-down", 1));
    const failingSns = new SNSClient({
      region: localRegion,
      credentials: localCredentials,
      endpoint: bench.emulators.messagingEndpoint,
    });
    failingSns.middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error("SNS unavailable"), { name: "InternalErrorException" });
      },
      { step: "initialize", name: "snsDown" },
    );
    const event = processedEvent("csv#sns-down-1", "REVIEW");
    const requestId = randomUUID();

    const failure = await rejectionOf(
      notifierWith({ sns: failingSns }).notify(event, { awsRequestId: requestId }),
    );

    expect(failure).to.be.instanceOf(FileCompletionError);
    const reopened = await bench.readStatus(fileId);
    expect(reopened).to.deep.include({ status: "LOADED", decidedRows: 1, review: 1 });
    expect(reopened).to.not.have.property("completedAt");
    expect(await bench.drainSummaries()).to.deep.equal([]);

    const retry = await notifierWith().notify(event, { awsRequestId: requestId });
    expect(retry).to.deep.equal({ outcome: "duplicate", fileId, completed: true });
    expect(await bench.readStatus(fileId)).to.deep.include({ status: "COMPLETED", decidedRows: 1 });
    expect(await bench.drainSummaries()).to.have.length(1);
    failingSns.destroy();
  });

  /**
   * Each write failing once: which delivery ends up reporting the row "counted" (the failed
   * attempt itself when it had already marked the row), and the file's decidedRows right after
   * the failure (2 once the failed attempt's file count took effect).
   */
  const faults: readonly (WriteFault & {
    readonly countedBy: "second delivery" | "retry" | "failed attempt";
    readonly decidedAfterFailure: number;
  })[] = [
    // Refused: the claim is free, so the second delivery (another invocation) takes it.
    { step: "claim", kind: "refused", times: 1, countedBy: "second delivery", decidedAfterFailure: 1 },
    { step: "claim", kind: "answerLost", times: 1, countedBy: "retry", decidedAfterFailure: 1 },
    { step: "file count", kind: "refused", times: 1, countedBy: "retry", decidedAfterFailure: 1 },
    { step: "file count", kind: "answerLost", times: 1, countedBy: "retry", decidedAfterFailure: 2 },
    { step: "mark", kind: "refused", times: 1, countedBy: "retry", decidedAfterFailure: 2 },
    { step: "mark", kind: "answerLost", times: 1, countedBy: "failed attempt", decidedAfterFailure: 2 },
    { step: "release", kind: "refused", times: 1, countedBy: "failed attempt", decidedAfterFailure: 2 },
    { step: "release", kind: "answerLost", times: 1, countedBy: "failed attempt", decidedAfterFailure: 2 },
    // Only refused: a completion whose answer is lost leaves the file COMPLETED with no summary,
    // the window fileCompletion.ts documents.
    { step: "completion", kind: "refused", times: 1, countedBy: "failed attempt", decidedAfterFailure: 2 },
  ];

  for (const fault of faults) {
    it(`counts the last row once when its ${fault.step} write is ${fault.kind} and Lambda retries the invocation`, async () => {
      // Prepare: two rows; the second is decided first, cleanly, so the failing row is the last one.
      const label = `fault-${fault.step.replace(" ", "-")}-${fault.kind}`;
      const fileId = bench.newFileId(label);
      await load(fileId, fileWithOneBadRow(label, 2));
      const first = await notifierWith().notify(processedEvent(`csv#${label}-2`, "REVIEW"), {
        awsRequestId: randomUUID(),
      });
      expect(first).to.deep.equal({ outcome: "counted", fileId, completed: false });
      const faulty = faultyClient(fault);
      const event = processedEvent(`csv#${label}-1`, "APPROVED");
      const requestId = randomUUID();

      // Act: the failing attempt, a second delivery of the event (a new invocation), and Lambda's
      // two retries of the failed invocation (same request id).
      const failure = await rejectionOf(
        notifierWith({ documentClient: faulty.documentClient }).notify(event, { awsRequestId: requestId }),
      );
      const afterFailure = await bench.readStatus(fileId);
      const secondDelivery = await notifierWith().notify(event, { awsRequestId: randomUUID() });
      const retry = await notifierWith().notify(event, { awsRequestId: requestId });
      const retryAgain = await notifierWith().notify(event, { awsRequestId: requestId });

      // Assess: never completed before the row was counted, counted exactly once, one summary.
      expect(failure).to.be.instanceOf(
        fault.step === "completion" ? FileCompletionError : NotifierStoreError,
      );
      expect(afterFailure).to.deep.include({ status: "LOADED", decidedRows: fault.decidedAfterFailure });
      expect([secondDelivery.outcome, retry.outcome]).to.deep.equal([
        fault.countedBy === "second delivery" ? "counted" : "duplicate",
        fault.countedBy === "retry" ? "counted" : "duplicate",
      ]);
      expect(retryAgain).to.deep.equal({ outcome: "duplicate", fileId, completed: false });
      const completions = [secondDelivery, retry].filter(
        (result) => "completed" in result && result.completed,
      );
      expect(completions).to.have.length(1);
      const status = await bench.readStatus(fileId);
      expect(status).to.deep.include({
        status: "COMPLETED",
        publishedRows: 2,
        decidedRows: 2,
        approved: 1,
        review: 1,
      });
      expect(status).to.not.have.property("countingLines");
      const summaries = await bench.drainSummaries();
      expect(summaries).to.have.length(1);
      expect(summaries[0].message).to.deep.include({
        published_rows: 2,
        approved: 1,
        review: 1,
        rejected: 0,
      });
      faulty.destroy();
    });
  }

  it("never completes a file early when every attempt of an invocation stops between counting and marking", async () => {
    // Prepare: the mark of the first row fails on the first attempt and both of Lambda's retries.
    const fileId = bench.newFileId("exhausted");
    await load(fileId, fileWithOneBadRow("exhausted", 2));
    const faulty = faultyClient({ step: "mark", kind: "refused", times: 3 });
    const failing = notifierWith({ documentClient: faulty.documentClient });
    const event = processedEvent("csv#exhausted-1", "REJECTED");
    const requestId = randomUUID();

    // Act
    const failures = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      failures.push(await rejectionOf(failing.notify(event, { awsRequestId: requestId })));
    }
    const stalled = await bench.readStatus(fileId);
    const duplicate = await notifierWith().notify(event, { awsRequestId: randomUUID() });
    const last = await notifierWith().notify(processedEvent("csv#exhausted-2", "APPROVED"), {
      awsRequestId: randomUUID(),
    });

    // Assess: the row is counted once and its line stays behind; the other row completes the file.
    expect(failures.map((failure) => failure instanceof NotifierStoreError)).to.deep.equal([
      true,
      true,
      true,
    ]);
    expect(stalled).to.deep.include({ status: "LOADED", decidedRows: 1, rejected: 1 });
    expect(duplicate).to.deep.equal({ outcome: "duplicate", fileId, completed: false });
    expect(last).to.deep.equal({ outcome: "counted", fileId, completed: true });
    const status = await bench.readStatus(fileId);
    expect(status).to.deep.include({ status: "COMPLETED", decidedRows: 2, approved: 1, rejected: 1 });
    expect(status?.countingLines).to.be.instanceOf(Set).with.property("size", 1);
    expect(await bench.drainSummaries()).to.have.length(1);
    faulty.destroy();
  });

  it("counts every row once when a decision's writes fail in flight while the others are counted concurrently", async () => {
    // Prepare: twelve rows; the first two file counts take effect but their answers are lost.
    const fileId = bench.newFileId("concurrent");
    await load(fileId, fileWithOneBadRow("concurrent", 12));
    const faulty = faultyClient({ step: "file count", kind: "answerLost", times: 2 });
    const statuses: DecisionStatus[] = ["APPROVED", "REVIEW", "REJECTED"];
    const events = Array.from({ length: 12 }, (_, index) =>
      processedEvent(`csv#concurrent-${index + 1}`, statuses[index % 3]),
    );
    const requestIds = events.map(() => randomUUID());
    const { notify, metrics } = notifierWith({ documentClient: faulty.documentClient });

    // Act: every event at once; then Lambda's retry of each failed invocation.
    const settled = await Promise.allSettled(
      events.map((event, index) => notify(event, { awsRequestId: requestIds[index] })),
    );
    const failed = settled.flatMap((result, index) => (result.status === "rejected" ? [index] : []));
    const beforeRetries = await bench.readStatus(fileId);
    const retries = await Promise.all(
      failed.map((index) => notify(events[index], { awsRequestId: requestIds[index] })),
    );

    // Assess: the lost answers' counts had taken effect, so the file may complete before the
    // retries (every row is decided by then), but exactly once and with every row counted once.
    expect(failed).to.have.length(2);
    expect(beforeRetries).to.deep.include({ decidedRows: 12 });
    expect(beforeRetries?.countingLines).to.be.instanceOf(Set).with.property("size", 2);
    expect(retries.map((result) => result.outcome)).to.deep.equal(["counted", "counted"]);
    const fulfilled = settled.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    const completions = [...fulfilled, ...retries].filter(
      (result) => "completed" in result && result.completed,
    );
    expect(completions).to.have.length(1);
    const status = await bench.readStatus(fileId);
    expect(status).to.deep.include({
      status: "COMPLETED",
      decidedRows: 12,
      approved: 4,
      review: 4,
      rejected: 4,
    });
    expect(status).to.not.have.property("countingLines");
    expect(metrics.total("DecisionsCounted")).to.equal(12);
    expect(await bench.drainSummaries()).to.have.length(1);
    faulty.destroy();
  });

  it("takes each decided transaction out of the reconciler's index in the write that claims its metric", async () => {
    // Prepare: three rows loaded by csv-transform and a webhook delivery, all awaiting a decision.
    const fileId = bench.newFileId("leave-index");
    await load(fileId, fileWithOneBadRow("leave-index", 3));
    const webhookKey = "acme#tx-leave-index-1";
    await bench.documentClient.send(
      new PutCommand({
        TableName: bench.notifierConfig.intakeTable,
        Item: {
          transactionId: webhookKey,
          state: "ACCEPTED",
          source: "webhook",
          provider: "acme",
          receivedAt: csvTestNow.toISOString(),
          awaitingShard: awaitingShardOf(webhookKey),
          awaitingSince: csvTestNow.toISOString(),
        },
      }),
    );
    const keys = ["csv#leave-index-1", "csv#leave-index-2", "csv#leave-index-3", webhookKey];
    const before = await inAwaitingIndex(keys);
    const { notify, metrics } = notifierWith();

    // Act: each decision, and a second delivery of the webhook's.
    const statuses: DecisionStatus[] = ["APPROVED", "REVIEW", "REJECTED", "APPROVED"];
    for (const [index, key] of keys.entries()) {
      await notify(processedEvent(key, statuses[index]), { awsRequestId: randomUUID() });
    }
    await notify(processedEvent(webhookKey, "APPROVED"), { awsRequestId: randomUUID() });

    // Assess: out of the index, the records kept (they still answer duplicates), counted once.
    expect(before).to.deep.equal(keys);
    expect(await inAwaitingIndex(keys)).to.deep.equal([]);
    for (const key of keys) {
      const record = await bench.readIntakeRecord(key);
      expect(record).to.include({ transactionId: key });
      expect(record).to.have.property("metricCountedAt");
      expect(record).to.not.have.any.keys("awaitingShard", "awaitingSince");
    }
    expect(metrics.decisions).to.deep.equal(statuses);
    expect(await bench.readStatus(fileId)).to.deep.include({ status: "COMPLETED", decidedRows: 3 });
  });

  it("keeps a CSV row in the index while the invocation counting it on its file has not finished", async () => {
    // Prepare: the first attempt's mark fails after the row was counted on its file.
    const fileId = bench.newFileId("keep-index");
    await load(fileId, fileWithOneBadRow("keep-index", 2));
    const faulty = faultyClient({ step: "mark", kind: "refused", times: 1 });
    const failing = notifierWith({ documentClient: faulty.documentClient });
    const event = processedEvent("csv#keep-index-1", "APPROVED");

    // Act: the attempt fails; a second delivery of the event finds the count claimed, not finished.
    const failure = await rejectionOf(failing.notify(event, { awsRequestId: randomUUID() }));
    const duplicate = await notifierWith().notify(event, { awsRequestId: randomUUID() });

    // Assess: the reconciler must still find the row to finish its count if no retry does.
    expect(failure).to.be.instanceOf(NotifierStoreError);
    expect(duplicate).to.deep.equal({ outcome: "duplicate", fileId, completed: false });
    expect(await inAwaitingIndex(["csv#keep-index-1"])).to.deep.equal(["csv#keep-index-1"]);
    expect(await bench.readIntakeRecord("csv#keep-index-1")).to.not.have.property("countedInFileAt");
    faulty.destroy();
  });
});
