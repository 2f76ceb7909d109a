/**
 * csv-transform against real emulators: dynalite for the status and intake-records tables, fauxqs
 * for the uploads bucket and the alerts topic (read back through an SQS subscription). EventBridge
 * is aws-sdk-client-mock on the injected client's instance.
 *
 * What these tests cannot prove: Lambda's own retry of the asynchronous S3 event (a second run is
 * started by hand here, as the retry would), that the deployed "csv-load-continued" rule delivers
 * a continuation back to the function (the next run is started by hand with the published event),
 * that the deployed role allows these calls, or DynamoDB's real throttling
 * (UnprocessedKeys/UnprocessedItems are retried, but dynalite never returns any).
 */
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsResultEntry,
} from "@aws-sdk/client-eventbridge";
import { expect } from "chai";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import {
  runCsvTransform,
  type CsvTransformDependencies,
  type CsvTransformResult,
} from "../../functions/csv-transform/csvTransform";
import {
  RowPublishError,
  FileNotReadyError,
  TransformIncompleteError,
} from "../../functions/csv-transform/errors";
import { csvPayloadHash } from "../../functions/csv-transform/intakeRecords";
import {
  DetailType,
  intakeEventSource,
  type CsvLoadContinuedDetail,
} from "../../functions/shared/eventRouting";
import { matchesEventPattern } from "../../local/eventPattern";
import { validatedKey } from "../../functions/shared/fileStatus";
import type { TransactionReceivedDetail } from "../../functions/shared/stepContracts";
import { csvLine, fixtureBytes, minimalHeader, minimalRow, rejectionOf } from "./support/csvFiles";
import { objectCreatedEvent, s3EventOf } from "./support/s3Events";
import {
  RecordingLog,
  RecordingMetrics,
  startCsvLoadBench,
  transformContext,
  type CsvLoadBench,
} from "./support/csvLoadBench";
import { amountLanePatterns, csvLoadContinuedPattern } from "../../pipeline";

/** The S3 notification csv-intake's write of `validated/<fileId>.csv` causes. */
function s3Event(bucket: string, fileId: string): unknown {
  return objectCreatedEvent(bucket, validatedKey(fileId));
}

/** A file of `count` valid rows with ids `<prefix>-1` ... (one physical line each, header on line 1). */
function rowsFile(prefix: string, count: number, from = 1): string {
  let text = csvLine(minimalHeader);
  for (let index = from; index < from + count; index += 1) text += csvLine(minimalRow(`${prefix}-${index}`));
  return text;
}

interface PublishedEntry {
  readonly source: string | undefined;
  readonly detailType: string | undefined;
  readonly busName: string | undefined;
  readonly detail: TransactionReceivedDetail;
}

describe("csv-transform: loading a validated file", function () {
  this.timeout(60_000);
  let bench: CsvLoadBench;
  let eventBridge: AwsClientStub<EventBridgeClient>;
  let eventIds = 0;

  before(async () => {
    bench = await startCsvLoadBench();
    // On this instance only: other suites' EventBridge clients stay untouched.
    eventBridge = mockClient(bench.eventBridge);
  });

  after(async () => {
    eventBridge.restore();
    await bench?.stop();
  });

  function acceptedEntries(input: PutEventsCommandInput): PutEventsResultEntry[] {
    return (input.Entries ?? []).map(() => {
      eventIds += 1;
      return { EventId: `event-${eventIds}` };
    });
  }

  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
      FailedEntryCount: 0,
      Entries: acceptedEntries(input),
    }));
  });

  /** Every entry sent, in order, failed attempts included. */
  function sentEntries(): PublishedEntry[] {
    return eventBridge.commandCalls(PutEventsCommand).flatMap((call) =>
      (call.args[0].input.Entries ?? []).map((entry) => ({
        source: entry.Source,
        detailType: entry.DetailType,
        busName: entry.EventBusName,
        detail: JSON.parse(entry.Detail ?? "null") as TransactionReceivedDetail,
      })),
    );
  }

  /** Transaction keys of the "Transaction Received" entries sent, in order. */
  function sentKeys(): string[] {
    return sentEntries()
      .filter((entry) => entry.detailType === DetailType.received)
      .map((entry) => entry.detail.transactionId);
  }

  /** Every "CSV Load Continued" entry sent, as the envelope the bus delivers to the rule's target. */
  function sentContinuations(): {
    source: unknown;
    "detail-type": unknown;
    detail: CsvLoadContinuedDetail;
  }[] {
    return eventBridge.commandCalls(PutEventsCommand).flatMap((call) =>
      (call.args[0].input.Entries ?? [])
        .filter((entry) => entry.DetailType === DetailType.csvLoadContinued)
        .map((entry) => ({
          source: entry.Source,
          "detail-type": entry.DetailType,
          busName: entry.EventBusName,
          detail: JSON.parse(entry.Detail ?? "null") as CsvLoadContinuedDetail,
        })),
    );
  }

  /** What EventBridge hands the rule's Lambda target: the whole event, envelope included. */
  function continuedEvent(detail: CsvLoadContinuedDetail): unknown {
    return {
      version: "0",
      id: "5f0c1f2e-0000-4000-8000-000000000001",
      "detail-type": DetailType.csvLoadContinued,
      source: intakeEventSource,
      account: "123456789012",
      time: "2026-03-01T10:00:00Z",
      region: "eu-west-1",
      resources: [],
      detail,
    };
  }

  function entriesPerCall(): number[] {
    return eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.length ?? 0);
  }

  async function transform(
    fileId: string,
    overrides: Partial<CsvTransformDependencies> = {},
    context = transformContext(),
  ): Promise<CsvTransformResult> {
    return runCsvTransform(
      bench.transformDependencies(overrides),
      s3Event(bench.transformConfig.uploadsBucket, fileId),
      context,
    );
  }

  it("publishes every valid row once, records it ACCEPTED and leaves the file LOADED with its counts", async () => {
    const fileId = bench.newFileId("valid");
    await bench.putValidatedFile(fileId, fixtureBytes("valid.csv"));
    const log = new RecordingLog();

    // Act
    const result = await transform(fileId, { log });

    // Assess
    expect(result.files).to.deep.equal([
      { fileId, outcome: "loaded", checkpointLine: 5, publishedRows: 4, alreadyReceivedRows: 0 },
    ]);
    const entries = sentEntries();
    expect(entries.map((entry) => entry.detail.transactionId)).to.deep.equal([
      "csv#tx-1001",
      "csv#tx-1002",
      "csv#tx-1003",
      "csv#tx-1004",
    ]);
    for (const entry of entries) {
      expect(entry.source).to.equal(intakeEventSource);
      expect(entry.detailType).to.equal(DetailType.received);
      expect(entry.busName).to.equal("transactions-test");
    }
    const first = entries[0].detail;
    expect(first).to.deep.include({
      transactionId: "csv#tx-1001",
      amount: 42.5,
      currency: "USD",
      amountUsd: 42.5,
    });
    expect(first.transaction).to.deep.include({ transactionId: "tx-1001", source: "csv", amount: "42.50" });
    expect(first.transaction.metadata).to.deep.include({ csvFileId: fileId, csvLine: 2 });

    const record = await bench.readIntakeRecord("csv#tx-1001");
    expect(record).to.deep.include({
      transactionId: "csv#tx-1001",
      state: "ACCEPTED",
      source: "csv",
      provider: "csv",
      deliveryId: `${fileId}:2`,
      leaseUntil: 0,
      response: {
        statusCode: 202,
        body: JSON.stringify({ transaction_id: "csv#tx-1001", status: "RECEIVED" }),
      },
    });
    expect(record?.payloadHash).to.match(/^[0-9a-f]{64}$/);
    expect(record?.expiresAt).to.be.at.least(
      Math.ceil(Date.parse("2025-11-15T00:00:00Z") / 1000) + 96 * 3600,
    );
    expect(record?.attemptId).to.be.a("string").and.not.equal("");
    expect((await bench.readIntakeRecord("csv#tx-1004"))?.deliveryId).to.equal(`${fileId}:5`);

    const status = await bench.readStatus(fileId);
    expect(status).to.deep.include({
      status: "LOADED",
      checkpointLine: 5,
      rows: 4,
      validRows: 4,
      invalidRows: 0,
      publishedRows: 4,
      alreadyReceivedRows: 0,
      decidedRows: 0,
      approved: 0,
      review: 0,
      rejected: 0,
    });
    expect(await bench.drainSummaries()).to.deep.equal([]);
    expect(log.lines.map((line) => line.message)).to.include("File loaded");
  });

  it("sends at most 10 entries per PutEvents call", async () => {
    const fileId = bench.newFileId("batches");
    await bench.putValidatedFile(fileId, rowsFile("batch", 25));

    await transform(fileId);

    expect(entriesPerCall()).to.have.members([10, 10, 5]);
    expect(new Set(sentKeys()).size).to.equal(25);
  });

  it("passes over invalid rows (csv-intake reported them) and checkpoints the file's last line", async () => {
    const fileId = bench.newFileId("some-bad");
    await bench.putValidatedFile(fileId, fixtureBytes("some-bad-rows.csv"));

    const result = await transform(fileId);

    expect(sentKeys()).to.deep.equal(["csv#ok-1", "csv#ok-10", "csv#ok-19"]);
    expect(result.files[0]).to.deep.include({ outcome: "loaded", publishedRows: 3, checkpointLine: 19 });
    expect(await bench.readStatus(fileId)).to.deep.include({
      status: "LOADED",
      checkpointLine: 19,
      rows: 16,
      validRows: 3,
      invalidRows: 13,
      publishedRows: 3,
    });
    // ok-10's quoted note spans lines 10-11: the row is named by the line it starts on.
    expect((await bench.readIntakeRecord("csv#ok-10"))?.deliveryId).to.equal(`${fileId}:10`);
    expect(await bench.readIntakeRecord("csv#bad-3")).to.equal(undefined);
  });

  it("publishes nothing for a re-upload under another file id and completes it at once with one summary", async () => {
    // Prepare: the same file loaded before under another id.
    const firstId = bench.newFileId("original");
    const reuploadId = bench.newFileId("reupload");
    const content = rowsFile("again", 12);
    await bench.putValidatedFile(firstId, content);
    await transform(firstId);
    eventBridge.resetHistory();
    await bench.putValidatedFile(reuploadId, content);
    const metrics = new RecordingMetrics();

    // Act
    const result = await transform(reuploadId, { metrics });

    // Assess
    expect(eventBridge.commandCalls(PutEventsCommand)).to.have.length(0);
    expect(result.files).to.deep.equal([
      {
        fileId: reuploadId,
        outcome: "completed",
        checkpointLine: 13,
        publishedRows: 0,
        alreadyReceivedRows: 12,
      },
    ]);
    const status = await bench.readStatus(reuploadId);
    expect(status).to.deep.include({ status: "COMPLETED", publishedRows: 0, alreadyReceivedRows: 12 });
    expect(status?.completedAt).to.equal("2025-11-15T00:00:00.000Z");
    // The rows still belong to the first upload.
    expect((await bench.readIntakeRecord("csv#again-1"))?.deliveryId).to.equal(`${firstId}:2`);
    expect(await bench.drainSummaries()).to.deep.equal([
      {
        subject: `CSV file ${reuploadId} processed`,
        message: {
          file_id: reuploadId,
          rows: 12,
          valid_rows: 12,
          invalid_rows: 0,
          already_received_rows: 12,
          conflict_rows: 0,
          published_rows: 0,
          approved: 0,
          review: 0,
          rejected: 0,
          dead_lettered: 0,
        },
      },
    ]);
    expect(metrics.total("CsvRowsAlreadyReceived")).to.equal(12);
    expect(metrics.total("CsvRowConflicts")).to.equal(0);
    expect((await bench.readStatus(firstId))?.status).to.equal("LOADED");
  });

  it("reports a row whose transaction id was received before with other content as a CONFLICT row error with its line, counted in the status and the summary", async () => {
    const firstId = bench.newFileId("changed-a");
    const secondId = bench.newFileId("changed-b");
    await bench.putValidatedFile(firstId, csvLine(minimalHeader) + csvLine(minimalRow("changed-1")));
    await transform(firstId);
    eventBridge.resetHistory();
    await bench.putValidatedFile(
      secondId,
      csvLine(minimalHeader) +
        csvLine(minimalRow("new-1")) +
        csvLine(minimalRow("changed-1", { amount: "99.00" })) +
        csvLine(minimalRow("changed-1-same", {})),
    );
    const log = new RecordingLog();
    const metrics = new RecordingMetrics();

    await transform(secondId, { log, metrics });

    // Never published again, never silently dropped.
    expect(sentKeys()).to.deep.equal(["csv#new-1", "csv#changed-1-same"]);
    const status = await bench.readStatus(secondId);
    expect(status).to.deep.include({
      publishedRows: 2,
      alreadyReceivedRows: 0,
      conflictRows: 1,
      errorCount: 1,
    });
    expect(status?.errors).to.deep.equal([
      {
        line: 3,
        code: "CONFLICT",
        message:
          "transaction_id changed-1 was already received with different content; this row was not loaded.",
      },
    ]);
    expect(metrics.total("CsvRowConflicts")).to.equal(1);
    expect(log.warnings()[0].attributes).to.deep.include({ line: 3, transactionId: "csv#changed-1" });
  });

  it("hashes a row the same in every file, and differently when its content changes", async () => {
    const fileA = bench.newFileId("hash-a");
    const fileB = bench.newFileId("hash-b");
    await bench.putValidatedFile(fileA, csvLine(minimalHeader) + csvLine(minimalRow("hash-1")));
    await transform(fileA);
    const record = await bench.readIntakeRecord("csv#hash-1");
    const entry = sentEntries()[0].detail.transaction;
    const sameRowElsewhere = {
      ...entry,
      metadata: { csvFileId: fileB, csvLine: 7, settlementStatus: "completed" },
    };
    expect(record?.payloadHash).to.equal(csvPayloadHash(entry as never));
    expect(csvPayloadHash(sameRowElsewhere as never)).to.equal(record?.payloadHash);
    expect(csvPayloadHash({ ...entry, amount: "10.01" } as never)).to.not.equal(record?.payloadHash);
  });

  it("retries the entries PutEvents refused, losing and duplicating nothing", async () => {
    // Prepare: the first call refuses two of its entries, the next refuses one more.
    const fileId = bench.newFileId("partial");
    await bench.putValidatedFile(fileId, rowsFile("partial", 23));
    let call = 0;
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
      call += 1;
      const entries = acceptedEntries(input);
      const refuse = call === 1 ? [3, 7] : call === 2 ? [0] : [];
      for (const index of refuse)
        entries[index] = { ErrorCode: "ThrottlingException", ErrorMessage: "slow down" };
      return { FailedEntryCount: refuse.length, Entries: entries };
    });
    const metrics = new RecordingMetrics();

    // Act
    const result = await transform(fileId, { metrics, tuning: { publishConcurrency: 1, retry: fastRetry } });

    // Assess: every row accepted exactly once.
    const accepted: string[] = [];
    call = 0;
    for (const sent of eventBridge.commandCalls(PutEventsCommand)) {
      call += 1;
      const refused = call === 1 ? [3, 7] : call === 2 ? [0] : [];
      (sent.args[0].input.Entries ?? []).forEach((entry, index) => {
        if (!refused.includes(index)) {
          accepted.push((JSON.parse(entry.Detail ?? "null") as TransactionReceivedDetail).transactionId);
        }
      });
    }
    expect(accepted).to.have.length(23);
    expect(new Set(accepted).size).to.equal(23);
    expect(result.files[0]).to.deep.include({ outcome: "loaded", publishedRows: 23 });
    expect(metrics.total("CsvEntriesRetried")).to.equal(3);
    // The retry carries only the refused entries.
    expect(entriesPerCall().slice(0, 3)).to.deep.equal([10, 2, 1]);
    expect(await bench.readStatus(fileId)).to.deep.include({ status: "LOADED", publishedRows: 23 });
  });

  it("fails loudly when the bus keeps refusing, records nothing of the chunk, and a later run publishes it", async () => {
    const fileId = bench.newFileId("refused");
    await bench.putValidatedFile(fileId, rowsFile("refused", 4));
    // The bus refuses refused-3 every time.
    const poisoned = (detail: string | undefined) => detail?.includes('"csv#refused-3"') === true;
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
      FailedEntryCount: 1,
      Entries: (input.Entries ?? []).map((entry, index) =>
        poisoned(entry.Detail)
          ? { ErrorCode: "InternalFailure", ErrorMessage: "internal" }
          : { EventId: `refused-${index}` },
      ),
    }));

    const error = await rejectionOf(transform(fileId, { tuning: { retry: { ...fastRetry, attempts: 3 } } }));

    expect(error).to.be.instanceOf(RowPublishError);
    expect((error as RowPublishError).failedRows).to.equal(1);
    expect((error as Error).message).to.contain("InternalFailure");
    expect(entriesPerCall()).to.deep.equal([4, 1, 1]);
    expect(await bench.readStatus(fileId)).to.deep.include({
      status: "LOADING",
      checkpointLine: 0,
      publishedRows: 0,
    });
    // Recorded before publishing (so a fast decision finds its file), but not counted as published.
    expect(await bench.readIntakeRecord("csv#refused-1")).to.not.equal(undefined);

    // The retry of the event, with the bus healthy again.
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
      FailedEntryCount: 0,
      Entries: acceptedEntries(input),
    }));
    await transform(fileId);
    expect(sentKeys()).to.have.members(["csv#refused-1", "csv#refused-2", "csv#refused-3", "csv#refused-4"]);
    expect(await bench.readStatus(fileId)).to.deep.include({ status: "LOADED", publishedRows: 4 });
  });

  it("stops for time after a saved chunk, publishes exactly one continuation (no row data) and returns", async () => {
    // Prepare: 120 rows in chunks of 25; the budget runs out after the second chunk.
    const fileId = bench.newFileId("budget");
    await bench.putValidatedFile(fileId, rowsFile("budget", 120));
    let checkpoints = 0;
    const tuning = { chunkRows: 25, minimumTimeMarginMs: 1_000 };

    // Act
    const first = await transform(
      fileId,
      { tuning, hooks: { afterCheckpoint: () => void (checkpoints += 1) } },
      transformContext(() => (checkpoints >= 2 ? 500 : 60_000)),
    );

    // Assess: the run ends successfully, so the S3 event is not retried; the bus starts the next run.
    expect(first.files[0]).to.deep.include({ outcome: "continued", checkpointLine: 51, publishedRows: 50 });
    expect(await bench.readStatus(fileId)).to.deep.include({
      status: "LOADING",
      checkpointLine: 51,
      publishedRows: 50,
      alreadyReceivedRows: 0,
    });
    expect(sentKeys()).to.have.length(50);
    const continuations = sentContinuations();
    expect(continuations).to.deep.equal([
      {
        source: intakeEventSource,
        "detail-type": DetailType.csvLoadContinued,
        busName: bench.transformConfig.eventBusName,
        detail: {
          bucket: bench.transformConfig.uploadsBucket,
          key: validatedKey(fileId),
          fileId,
          fromLine: 52,
        },
      },
    ]);
    // Last, after every row of the run: published before the checkpoint, it could start a run
    // that finds the chunk unsaved.
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls[calls.length - 1].args[0].input.Entries?.[0].DetailType).to.equal(
      DetailType.csvLoadContinued,
    );
    // The rule that delivers it back matches it, and no lane rule takes it for a transaction.
    expect(matchesEventPattern(csvLoadContinuedPattern(), continuations[0])).to.equal(true);
    for (const pattern of Object.values(amountLanePatterns())) {
      expect(matchesEventPattern(pattern, continuations[0])).to.equal(false);
    }
  });

  it("resumes from a continuation event exactly as a retry would, without republishing or recounting", async () => {
    // Prepare: a first run stopped for time after two chunks.
    const fileId = bench.newFileId("resume");
    await bench.putValidatedFile(fileId, rowsFile("resume", 120));
    let checkpoints = 0;
    const tuning = { chunkRows: 25, minimumTimeMarginMs: 1_000 };
    await transform(
      fileId,
      { tuning, hooks: { afterCheckpoint: () => void (checkpoints += 1) } },
      transformContext(() => (checkpoints >= 2 ? 500 : 60_000)),
    );
    const [continuation] = sentContinuations();
    eventBridge.resetHistory();
    const log = new RecordingLog();

    // Act: the rule delivers the event to the function.
    const second = await runCsvTransform(
      bench.transformDependencies({ tuning, log }),
      continuedEvent(continuation.detail),
      transformContext(),
    );

    // Assess
    expect(second).to.deep.equal({
      files: [{ fileId, outcome: "loaded", checkpointLine: 121, publishedRows: 70, alreadyReceivedRows: 0 }],
      ignored: 0,
    });
    const resumed = sentKeys();
    expect(resumed).to.have.length(70);
    expect(resumed[0]).to.equal("csv#resume-51");
    expect(sentContinuations()).to.deep.equal([]);
    expect(log.warnings()).to.deep.equal([]);
    expect(await bench.readStatus(fileId)).to.deep.include({
      status: "LOADED",
      checkpointLine: 121,
      publishedRows: 120,
      alreadyReceivedRows: 0,
    });
  });

  it("fails with TransformIncompleteError when the bus refuses the continuation, so the event's own retry resumes", async () => {
    // Prepare: rows are accepted, the continuation entry is refused.
    const fileId = bench.newFileId("refused-cont");
    await bench.putValidatedFile(fileId, rowsFile("refused-cont", 30));
    eventBridge
      .on(PutEventsCommand)
      .callsFake((input: PutEventsCommandInput) =>
        input.Entries?.[0]?.DetailType === DetailType.csvLoadContinued
          ? { FailedEntryCount: 1, Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "try again" }] }
          : { FailedEntryCount: 0, Entries: acceptedEntries(input) },
      );

    // Act
    const error = await rejectionOf(
      transform(
        fileId,
        { tuning: { chunkRows: 10 } },
        transformContext(() => 0),
      ),
    );

    // Assess: the chunk is saved before the hand-over, so the retry carries on after it.
    expect(error).to.be.instanceOf(TransformIncompleteError);
    expect(error).to.deep.include({ name: "TransformIncompleteError", fileId, fromLine: 12 });
    expect((error as Error).message).to.include("InternalFailure");
    expect(sentContinuations()).to.have.length(1);
    expect(await bench.readStatus(fileId)).to.deep.include({
      status: "LOADING",
      checkpointLine: 11,
      publishedRows: 10,
    });

    // Act 2: Lambda's retry of the S3 event.
    eventBridge.resetHistory();
    const retry = await transform(fileId);

    // Assess 2
    expect(retry.files[0]).to.deep.include({ outcome: "loaded", publishedRows: 20 });
    expect(sentKeys()[0]).to.equal("csv#refused-cont-11");
  });

  it("fails with TransformIncompleteError when the continuation's PutEvents call itself fails", async () => {
    const fileId = bench.newFileId("failed-cont");
    await bench.putValidatedFile(fileId, rowsFile("failed-cont", 20));
    const outage = Object.assign(new Error("service unavailable"), { name: "ServiceUnavailable" });
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
      if (input.Entries?.[0]?.DetailType === DetailType.csvLoadContinued) throw outage;
      return { FailedEntryCount: 0, Entries: acceptedEntries(input) };
    });

    const error = await rejectionOf(
      transform(
        fileId,
        { tuning: { chunkRows: 10 } },
        transformContext(() => 0),
      ),
    );

    expect(error).to.be.instanceOf(TransformIncompleteError);
    expect(error).to.deep.include({ fileId, fromLine: 12, cause: outage });
  });

  it("does nothing for a continuation of a file already LOADED or COMPLETED", async () => {
    // Prepare: one file loaded (decisions still to come), one completed.
    const loadedId = bench.newFileId("cont-loaded");
    await bench.putValidatedFile(loadedId, rowsFile("cont-loaded", 3));
    await transform(loadedId);
    const completedId = bench.newFileId("cont-done");
    await bench.putValidatedFile(completedId, rowsFile("cont-loaded", 3));
    await transform(completedId);
    await bench.drainSummaries();
    const before = [await bench.readStatus(loadedId), await bench.readStatus(completedId)];
    eventBridge.resetHistory();
    const detail = (fileId: string) => ({
      bucket: bench.transformConfig.uploadsBucket,
      key: validatedKey(fileId),
      fileId,
      fromLine: 2,
    });

    // Act: duplicates, as EventBridge's at-least-once delivery may bring.
    const results = [
      await runCsvTransform(
        bench.transformDependencies(),
        continuedEvent(detail(loadedId)),
        transformContext(),
      ),
      await runCsvTransform(
        bench.transformDependencies(),
        continuedEvent(detail(completedId)),
        transformContext(),
      ),
    ];

    // Assess
    expect(results.map((result) => result.files[0])).to.deep.equal([
      { fileId: loadedId, outcome: "loaded", publishedRows: 0, alreadyReceivedRows: 0 },
      { fileId: completedId, outcome: "skipped", publishedRows: 0, alreadyReceivedRows: 0 },
    ]);
    expect(eventBridge.commandCalls(PutEventsCommand)).to.have.length(0);
    expect(await bench.drainSummaries()).to.deep.equal([]);
    expect([await bench.readStatus(loadedId), await bench.readStatus(completedId)]).to.deep.equal(before);
  });

  it("ignores a continuation naming another bucket or a key that is not the file's validated object", async () => {
    const fileId = bench.newFileId("cont-foreign");
    await bench.putValidatedFile(fileId, rowsFile("cont-foreign", 2));
    const { uploadsBucket } = bench.transformConfig;

    const results = [
      await runCsvTransform(
        bench.transformDependencies(),
        continuedEvent({ bucket: "someone-else", key: validatedKey(fileId), fileId, fromLine: 2 }),
        transformContext(),
      ),
      await runCsvTransform(
        bench.transformDependencies(),
        continuedEvent({ bucket: uploadsBucket, key: `uploads/${fileId}.csv`, fileId, fromLine: 2 }),
        transformContext(),
      ),
    ];

    expect(results).to.deep.equal([
      { files: [], ignored: 1 },
      { files: [], ignored: 1 },
    ]);
    expect(eventBridge.commandCalls(PutEventsCommand)).to.have.length(0);
    expect(await bench.readStatus(fileId)).to.deep.include({ status: "VALIDATED" });
  });

  it("hands over through an injected continueLater and resumes from a continueFile event", async () => {
    const fileId = bench.newFileId("continue");
    await bench.putValidatedFile(fileId, rowsFile("continue", 30));
    const handedOver: [string, number][] = [];

    const first = await transform(
      fileId,
      {
        tuning: { chunkRows: 10 },
        continueLater: async (id, fromLine) => void handedOver.push([id, fromLine]),
      },
      transformContext(() => 0),
    );

    expect(first.files[0]).to.deep.include({ outcome: "continued", checkpointLine: 11, publishedRows: 10 });
    expect(handedOver).to.deep.equal([[fileId, 12]]);
    const log = new RecordingLog();
    const second = await runCsvTransform(
      bench.transformDependencies({ log }),
      { continueFile: { fileId, fromLine: 12 } },
      transformContext(),
    );
    expect(second.files[0]).to.deep.include({ outcome: "loaded", publishedRows: 20 });
    expect(new Set(sentKeys()).size).to.equal(30);
    expect(sentKeys()).to.have.length(30);
    expect(log.warnings()).to.deep.equal([]);
  });

  it("trusts the saved checkpoint over a continuation's fromLine", async () => {
    const fileId = bench.newFileId("fromline");
    await bench.putValidatedFile(fileId, rowsFile("fromline", 6));
    const log = new RecordingLog();

    await runCsvTransform(
      bench.transformDependencies({ log }),
      { continueFile: { fileId, fromLine: 5 } },
      transformContext(),
    );

    expect(sentKeys()).to.have.length(6);
    expect(log.warnings().map((line) => line.attributes)).to.deep.equal([
      { fileId, fromLine: 5, checkpointLine: 0 },
    ]);
  });

  it("publishes a chunk recorded before a crash (records come first), and counts it once", async () => {
    const fileId = bench.newFileId("crash-publish");
    await bench.putValidatedFile(fileId, rowsFile("crash-p", 30));
    const tuning = { chunkRows: 10 };
    let chunks = 0;
    const crash = await rejectionOf(
      transform(fileId, {
        tuning,
        hooks: {
          afterRecords: () => {
            chunks += 1;
            if (chunks === 2) throw new Error("injected crash between records and publish");
          },
        },
      }),
    );
    expect((crash as Error).message).to.contain("injected crash");
    expect(await bench.readStatus(fileId)).to.deep.include({ checkpointLine: 11, publishedRows: 10 });
    eventBridge.resetHistory();

    await transform(fileId, { tuning });

    // Rows 11-20 were recorded but never sent: the resumed run sends them, then 21-30.
    expect([...sentKeys()].sort()).to.deep.equal(
      Array.from({ length: 20 }, (_, index) => `csv#crash-p-${index + 11}`).sort(),
    );
    expect(await bench.readStatus(fileId)).to.deep.include({ status: "LOADED", publishedRows: 30 });
  });

  it("publishes again a chunk whose checkpoint a crash prevented (idempotent downstream), counting it once", async () => {
    const fileId = bench.newFileId("crash-record");
    await bench.putValidatedFile(fileId, rowsFile("crash-r", 30));
    const tuning = { chunkRows: 10 };
    let chunks = 0;
    await rejectionOf(
      transform(fileId, {
        tuning,
        hooks: {
          afterPublish: () => {
            chunks += 1;
            if (chunks === 2) throw new Error("injected crash between publish and checkpoint");
          },
        },
      }),
    );
    expect(await bench.readStatus(fileId)).to.deep.include({ checkpointLine: 11, publishedRows: 10 });
    eventBridge.resetHistory();

    const result = await transform(fileId, { tuning });

    // Rows 11-20 reached the bus before the crash: sent once more (downstream is idempotent), then 21-30.
    expect([...sentKeys()].sort()).to.deep.equal(
      Array.from({ length: 20 }, (_, index) => `csv#crash-r-${index + 11}`).sort(),
    );
    expect(result.files[0]).to.deep.include({ publishedRows: 20, alreadyReceivedRows: 0 });
    expect(await bench.readStatus(fileId)).to.deep.include({
      status: "LOADED",
      publishedRows: 30,
      alreadyReceivedRows: 0,
    });
  });

  it("lets only one of two concurrent runs of a file count each chunk", async () => {
    const fileId = bench.newFileId("concurrent");
    await bench.putValidatedFile(fileId, rowsFile("concurrent", 40));
    const tuning = { chunkRows: 10 };

    const results = await Promise.all([transform(fileId, { tuning }), transform(fileId, { tuning })]);

    const status = await bench.readStatus(fileId);
    expect(status).to.deep.include({ status: "LOADED", publishedRows: 40, checkpointLine: 41 });
    expect(new Set(sentKeys()).size).to.equal(40);
    expect(results.map((result) => result.files[0].outcome)).to.include("loaded");
    const counted = results.reduce((sum, result) => sum + result.files[0].publishedRows, 0);
    expect(counted).to.equal(40);
  });

  it("treats a repeated event for a LOADED or COMPLETED file as done", async () => {
    const fileId = bench.newFileId("repeat");
    await bench.putValidatedFile(fileId, rowsFile("repeat", 3));
    await transform(fileId);
    eventBridge.resetHistory();

    const again = await transform(fileId);
    expect(again.files[0]).to.deep.include({ outcome: "loaded", publishedRows: 0 });
    expect(eventBridge.commandCalls(PutEventsCommand)).to.have.length(0);
    expect(await bench.readStatus(fileId)).to.deep.include({ status: "LOADED", publishedRows: 3 });

    const completedId = bench.newFileId("repeat-done");
    await bench.putValidatedFile(completedId, rowsFile("repeat", 3));
    await transform(completedId);
    await bench.drainSummaries();
    expect((await transform(completedId)).files[0].outcome).to.equal("skipped");
    expect(await bench.drainSummaries()).to.deep.equal([]);
  });

  it("fails a file csv-intake has not marked VALIDATED yet (the retry loads it) and passes over a REJECTED one", async () => {
    const early = bench.newFileId("early");
    await bench.putValidatedFile(early, rowsFile("early", 2), { status: "RECEIVED" });
    const error = await rejectionOf(transform(early));
    expect(error).to.be.instanceOf(FileNotReadyError);
    expect(error).to.deep.include({ fileId: early, status: "RECEIVED" });

    const missing = bench.newFileId("missing");
    expect(await rejectionOf(transform(missing))).to.deep.include({
      name: "FileNotReadyError",
      status: undefined,
    });

    const rejected = bench.newFileId("rejected");
    await bench.putValidatedFile(rejected, rowsFile("rejected", 2), { status: "REJECTED" });
    expect((await transform(rejected)).files[0].outcome).to.equal("skipped");
    expect(eventBridge.commandCalls(PutEventsCommand)).to.have.length(0);
  });

  it("ignores records for other buckets, other prefixes and other event types", async () => {
    const log = new RecordingLog();
    const bucket = bench.transformConfig.uploadsBucket;
    const event = s3EventOf(
      objectCreatedEvent("someone-elses-bucket", "validated/abcdefgh.csv"),
      objectCreatedEvent(bucket, "uploads/abcdefgh.csv"),
      objectCreatedEvent(bucket, "validated/abcdefgh.csv", undefined, "ObjectRemoved:Delete"),
      objectCreatedEvent(bucket, "validated/../secret.csv"),
    );

    const result = await runCsvTransform(bench.transformDependencies({ log }), event, transformContext());
    const unrecognised = await runCsvTransform(
      bench.transformDependencies({ log }),
      { Service: "Amazon S3", Event: "s3:TestEvent" },
      transformContext(),
    );

    expect(result).to.deep.equal({ files: [], ignored: 4 });
    expect(unrecognised).to.deep.equal({ files: [], ignored: 1 });
    expect(log.warnings().map((line) => line.attributes.reason)).to.deep.equal([
      "NOT_OUR_BUCKET",
      "NOT_A_VALIDATED_FILE",
      "NOT_A_CREATE_EVENT",
      "NOT_A_VALIDATED_FILE",
      "UNRECOGNISED_EVENT",
    ]);
    expect(eventBridge.commandCalls(PutEventsCommand)).to.have.length(0);
  });
});

const fastRetry = { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 };
