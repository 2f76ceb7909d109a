/**
 * csv-transform: loads a validated CSV file into the pipeline. The object is streamed from S3
 * through the shared reader (never held whole); invalid rows are passed over (csv-intake reported
 * them), and valid rows go through in chunks:
 *
 *   1. BatchGetItem the rows' intake records: a key received before under another file (a
 *      re-upload) is counted as alreadyReceived and not published again; a key recorded by an
 *      earlier run of this same file (which stopped before its checkpoint) is published again;
 *   2. BatchWriteItem ACCEPTED intake records for the new rows;
 *   3. PutEvents "Transaction Received" for the new and the re-published rows (10 per call,
 *      failed entries retried);
 *   4. one conditional UpdateItem moves the checkpoint and adds the chunk's counts.
 *
 * Record THEN publish: a row's decision can reach the notifier within milliseconds of its event,
 * and the notifier finds the row's file through its intake record, which must therefore exist
 * first. A crash between 2 and 3 leaves rows recorded but not on the bus; the resumed run sees
 * records naming this file after the checkpoint and publishes them again. A crash between 3 and 4
 * publishes those rows twice, which is safe: everything downstream is idempotent on the key (the
 * transaction is stored with a conditional put and its decision recorded once; a repeat execution
 * ends without a second "Transaction Processed").
 *
 * Resumable: each run starts after the saved checkpoint, and the checkpoint update is conditioned on
 * the checkpoint the run last saw, so two runs of one file never count a chunk twice. When the
 * remaining time drops below the margin, the run stops after a saved chunk and hands over through
 * `continueLater`, which by default publishes a "CSV Load Continued" event (continuation.ts) that
 * the bus delivers back to this function, and the run ends successfully. Each continuation is a new
 * asynchronous invocation with its own retries, so a file may take any number of runs. If the bus
 * refuses the continuation the run fails with TransformIncompleteError, and Lambda's retry of the
 * event that started it resumes from the checkpoint instead. Meanwhile the status table shows the
 * file LOADING with `checkpointLine`. After the last row: LOADED with the totals, then the shared
 * "complete if done".
 */
import { Readable } from "node:stream";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { CorrelationIds } from "../shared/correlation";
import { readCsvTransactions, type CsvValidRow } from "../shared/csvTransactions";
import { completeFileIfDone, parseCsvDeliveryId, type FileCompletion } from "../shared/fileCompletion";
import { validatedKey, type FileRowError } from "../shared/fileStatus";
import { csvKeyPrefix } from "../shared/csvTransactions";
import type { CsvTransformConfig } from "./config";
import { publishContinuation } from "./continuation";
import { FileNotReadyError, SourceObjectError } from "./errors";
import {
  beginLoad,
  keptErrorCount,
  loadStatusTable,
  markLoaded,
  saveCheckpoint,
  type StatusTable,
} from "./fileProgress";
import {
  csvIntakeRecord,
  csvPayloadHash,
  findIntakeRecords,
  writeIntakeRecords,
  type IntakeTable,
} from "./intakeRecords";
import { publishReceivedEvents, type EventBus } from "./receivedEvents";
import { defaultRetryPolicy, type RetryPolicy } from "../shared/retry";
import { transformRequests, type FileRequest } from "./transformEvent";
import type { JobLog, JobMetrics } from "../shared/powertools";

export type TransformMetricName =
  | "CsvRowsPublished"
  | "CsvRowsAlreadyReceived"
  | "CsvRowConflicts"
  | "CsvEntriesRetried"
  | "CsvFilesLoaded"
  | "CsvFilesCompleted"
  | "CsvLoadsContinued"
  /** Nothing to load: the file was rejected, or already loaded or completed (a duplicate event). */
  | "CsvFilesSkipped"
  /** Another invocation moved the file on first; this one stopped. */
  | "CsvLoadsSuperseded"
  /** Records of the event that were not a validated file of the uploads bucket. */
  | "CsvEventRecordsIgnored";

/** Where progress goes (Powertools Logger in the function). Never given row contents. */
export type TransformLog = JobLog;

export type TransformMetrics = JobMetrics<TransformMetricName>;

/** The part of the Lambda context a run needs. */
export interface TransformContext {
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

export interface TransformTuning {
  /** Rows (valid or not) per chunk: one checkpoint per chunk. */
  readonly chunkRows: number;
  /** Least time kept before the Lambda timeout when starting another chunk. */
  readonly minimumTimeMarginMs: number;
  readonly publishConcurrency: number;
  readonly storeConcurrency: number;
  readonly retry: RetryPolicy;
}

export const defaultTuning: TransformTuning = {
  chunkRows: 500,
  // A chunk of 500 rows takes well under a second; the margin also covers LOADED and completion.
  minimumTimeMarginMs: 10_000,
  publishConcurrency: 5,
  storeConcurrency: 4,
  retry: defaultRetryPolicy,
};

/** Points where tests inject a crash. Unset in the function. */
export interface TransformHooks {
  /** Nothing of the chunk is written yet. */
  beforeRecords?(fileId: string, lines: readonly number[]): Promise<void> | void;
  /** The chunk's intake records are written; its events are not on the bus yet. */
  afterRecords?(fileId: string, lines: readonly number[]): Promise<void> | void;
  /** The chunk's events are on the bus; the checkpoint is not moved yet. */
  afterPublish?(fileId: string, lines: readonly number[]): Promise<void> | void;
  /** The checkpoint is saved at `line`. */
  afterCheckpoint?(fileId: string, line: number): Promise<void> | void;
}

export interface CsvTransformDependencies {
  readonly config: CsvTransformConfig;
  readonly documentClient: DynamoDBDocumentClient;
  readonly eventBridge: EventBridgeClient;
  readonly s3: S3Client;
  /** For the summary of a file that is complete at the end of its load. */
  readonly sns: SNSClient;
  readonly log: TransformLog;
  readonly metrics: TransformMetrics;
  readonly now?: () => Date;
  /**
   * Hands the rest of the file to another invocation, after the checkpoint is saved. Default:
   * publish a "CSV Load Continued" event on the pipeline bus (continuation.ts).
   */
  readonly continueLater?: (fileId: string, fromLine: number) => Promise<void>;
  readonly tuning?: Partial<TransformTuning>;
  readonly hooks?: TransformHooks;
  /** Labels what follows (logs, trace) with the file being loaded; unset in tests. */
  readonly correlate?: (ids: CorrelationIds) => void;
}

export type FileLoadOutcome =
  /** Every row is published; decisions are still to come. */
  | "loaded"
  /** Loaded (now or earlier) and every decision counted: completed by this run, summary sent. */
  | "completed"
  /** Stopped for time and handed over via continueLater. */
  | "continued"
  /** Another invocation moved the checkpoint or the status on meanwhile; this one stopped. */
  | "superseded"
  /** Nothing to do: already COMPLETED, or REJECTED. */
  | "skipped";

export interface FileLoadResult {
  readonly fileId: string;
  readonly outcome: FileLoadOutcome;
  /** The checkpoint when this run ended. */
  readonly checkpointLine?: number;
  /** Counted by this run. */
  readonly publishedRows: number;
  readonly alreadyReceivedRows: number;
}

export interface CsvTransformResult {
  readonly files: readonly FileLoadResult[];
  /** Records of the event that were not ours to load. */
  readonly ignored: number;
}

async function openObject(s3: S3Client, bucket: string, key: string): Promise<Readable> {
  let body: unknown;
  try {
    body = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body;
  } catch (error) {
    throw new SourceObjectError(key, "GetObject failed", { cause: error });
  }
  if (!(body instanceof Readable)) throw new SourceObjectError(key, "the body is not a Node.js stream");
  return body;
}

/** The chunk's rows as the intake records sort them. */
interface ChunkPlan {
  /** Rows never recorded: record, then publish. */
  readonly toPublish: CsvValidRow[];
  /** Recorded by an earlier run of this file that stopped before its checkpoint: publish again. */
  readonly toRepublish: CsvValidRow[];
  readonly alreadyReceived: number;
  /** Received before under another file with other content: CONFLICT row errors, never loaded. */
  readonly conflicts: CsvValidRow[];
}

/** The row error of a row whose transaction id was received before with other content. */
export function conflictRowError(row: CsvValidRow): FileRowError {
  return {
    line: row.line,
    code: "CONFLICT",
    message: `transaction_id ${row.key.slice(csvKeyPrefix.length)} was already received with different content; this row was not loaded.`,
  };
}

class FileLoad {
  private readonly tuning: TransformTuning;
  private readonly statusTable: StatusTable;
  private readonly intakeTable: IntakeTable;
  private readonly bus: EventBus;
  private readonly clock: () => Date;
  private publishedRows = 0;
  private alreadyReceivedRows = 0;
  private slowestChunkMs = 0;
  /** Row errors the status item holds, read before the first CONFLICT is added. */
  private keptErrors: number | undefined;

  constructor(
    private readonly deps: CsvTransformDependencies,
    private readonly request: FileRequest,
    private readonly context: TransformContext,
  ) {
    this.tuning = { ...defaultTuning, ...deps.tuning };
    this.clock = deps.now ?? (() => new Date());
    this.statusTable = loadStatusTable(deps.documentClient, deps.config.fileStatusTable);
    this.intakeTable = {
      client: deps.documentClient,
      tableName: deps.config.intakeTable,
      retry: this.tuning.retry,
      concurrency: this.tuning.storeConcurrency,
    };
    this.bus = {
      client: deps.eventBridge,
      eventBusName: deps.config.eventBusName,
      retry: this.tuning.retry,
      concurrency: this.tuning.publishConcurrency,
    };
  }

  private get fileId(): string {
    return this.request.fileId;
  }

  private result(outcome: FileLoadOutcome, checkpointLine?: number): FileLoadResult {
    return {
      fileId: this.fileId,
      outcome,
      ...(checkpointLine === undefined ? {} : { checkpointLine }),
      publishedRows: this.publishedRows,
      alreadyReceivedRows: this.alreadyReceivedRows,
    };
  }

  async run(): Promise<FileLoadResult> {
    const { log } = this.deps;
    const start = await beginLoad(this.statusTable, this.fileId, this.clock());
    switch (start.kind) {
      case "notReady":
        throw new FileNotReadyError(this.fileId, start.status);
      case "rejected":
        log.warn("File was rejected; nothing to load", { fileId: this.fileId });
        return this.result("skipped");
      case "completed":
        log.info("File already completed; duplicate event", { fileId: this.fileId });
        return this.result("skipped");
      case "loaded": {
        // A run that crashed between LOADED and completion, or a duplicate event: completion is idempotent.
        const completion = await this.complete();
        if (!completion.completed) this.deps.metrics.count("CsvFilesSkipped", 1);
        return this.result(completion.completed ? "completed" : "loaded");
      }
      case "load":
        break;
    }
    if (this.request.fromLine !== undefined && this.request.fromLine !== start.checkpointLine + 1) {
      // Rows up to the checkpoint are counted: starting anywhere else would skip or recount rows.
      log.warn("Continuation's fromLine differs from the saved checkpoint; resuming from the checkpoint", {
        fileId: this.fileId,
        fromLine: this.request.fromLine,
        checkpointLine: start.checkpointLine,
      });
    }
    log.info("Loading file", {
      fileId: this.fileId,
      trigger: this.request.trigger,
      fromLine: start.checkpointLine + 1,
    });

    const body = await openObject(this.deps.s3, this.deps.config.uploadsBucket, validatedKey(this.fileId));
    try {
      return await this.load(body, start.checkpointLine, start.loadStartedAt);
    } finally {
      // Releases the connection when the run stops before the end of the object.
      body.destroy();
    }
  }

  private async load(body: Readable, startLine: number, loadStartedAt: Date): Promise<FileLoadResult> {
    const counts = { rows: 0, validRows: 0, invalidRows: 0 };
    let checkpoint = startLine;
    let lastLine = startLine;
    let chunk: CsvValidRow[] = [];
    let chunkRows = 0;
    // Every run reads from the top: the reader flags an id repeated anywhere earlier in the file, and
    // validates against the instant the first run started, so all runs agree on which rows are valid.
    const rows = readCsvTransactions(body, {
      fileId: this.fileId,
      now: loadStartedAt,
      maxAmountUsdMinor: this.deps.config.maxAmountUsdMinor,
    });
    for await (const row of rows) {
      counts.rows += 1;
      if (row.valid) counts.validRows += 1;
      else counts.invalidRows += 1;
      if (row.line <= checkpoint) continue;
      lastLine = row.line;
      chunkRows += 1;
      if (row.valid) chunk.push(row);
      if (chunkRows < this.tuning.chunkRows) continue;

      if (!(await this.flush(chunk, checkpoint, lastLine))) return this.result("superseded", checkpoint);
      checkpoint = lastLine;
      chunk = [];
      chunkRows = 0;
      if (!this.allowsAnotherChunk()) {
        return this.handOver(checkpoint);
      }
    }
    if (lastLine > checkpoint) {
      if (!(await this.flush(chunk, checkpoint, lastLine))) return this.result("superseded", checkpoint);
      checkpoint = lastLine;
    }
    if (!(await markLoaded(this.statusTable, this.fileId, checkpoint, counts, this.clock()))) {
      return this.result("superseded", checkpoint);
    }
    this.deps.metrics.count("CsvFilesLoaded", 1);
    this.deps.log.info("File loaded", {
      fileId: this.fileId,
      ...counts,
      publishedRowsThisRun: this.publishedRows,
      alreadyReceivedRowsThisRun: this.alreadyReceivedRows,
    });
    const completion = await this.complete();
    return this.result(completion.completed ? "completed" : "loaded", checkpoint);
  }

  private allowsAnotherChunk(): boolean {
    const margin = Math.max(this.tuning.minimumTimeMarginMs, 2 * this.slowestChunkMs);
    return this.context.getRemainingTimeInMillis() > margin;
  }

  private async handOver(checkpoint: number): Promise<FileLoadResult> {
    this.deps.metrics.count("CsvLoadsContinued", 1);
    this.deps.log.info("Stopping for time; the rest of the file is handed over", {
      fileId: this.fileId,
      checkpointLine: checkpoint,
      remainingMs: this.context.getRemainingTimeInMillis(),
    });
    await (this.deps.continueLater ?? ((fileId, fromLine) => this.publishContinuation(fileId, fromLine)))(
      this.fileId,
      checkpoint + 1,
    );
    return this.result("continued", checkpoint);
  }

  private async publishContinuation(fileId: string, fromLine: number): Promise<void> {
    const { uploadsBucket, eventBusName } = this.deps.config;
    const eventId = await publishContinuation(this.deps.eventBridge, eventBusName, {
      bucket: uploadsBucket,
      key: validatedKey(fileId),
      fileId,
      fromLine,
    });
    this.deps.log.info("Continuation published", { fileId, fromLine, eventId });
  }

  private async plan(chunk: readonly CsvValidRow[]): Promise<ChunkPlan> {
    const toPublish: CsvValidRow[] = [];
    const toRepublish: CsvValidRow[] = [];
    const conflicts: CsvValidRow[] = [];
    let alreadyReceived = 0;
    if (chunk.length === 0) return { toPublish, toRepublish, alreadyReceived, conflicts };
    const existing = await findIntakeRecords(
      this.intakeTable,
      chunk.map((row) => row.key),
    );
    for (const row of chunk) {
      const record = existing.get(row.key);
      if (record === undefined) {
        toPublish.push(row);
      } else if (parseCsvDeliveryId(record.deliveryId)?.fileId === this.fileId) {
        toRepublish.push(row);
      } else if (record.payloadHash !== undefined && record.payloadHash !== csvPayloadHash(row.transaction)) {
        // Same transaction id, different content: a row error, as a webhook gets 409.
        conflicts.push(row);
        this.deps.log.warn("Row's transaction id was received before with different content", {
          fileId: this.fileId,
          line: row.line,
          transactionId: row.key,
          firstDeliveryId: record.deliveryId,
        });
      } else {
        alreadyReceived += 1;
      }
    }
    return { toPublish, toRepublish, alreadyReceived, conflicts };
  }

  /** Loads one chunk and saves the checkpoint; false when another invocation saved it first. */
  private async flush(chunk: readonly CsvValidRow[], previousLine: number, line: number): Promise<boolean> {
    const startedAt = Date.now();
    const { hooks } = this.deps;
    const plan = await this.plan(chunk);
    const outgoing = [...plan.toPublish, ...plan.toRepublish];
    const lines = outgoing.map((row) => row.line);
    if (plan.toPublish.length > 0) {
      // First: the notifier finds a row's file through this record (see the module comment).
      await hooks?.beforeRecords?.(this.fileId, lines);
      const receivedAt = this.clock();
      await writeIntakeRecords(
        this.intakeTable,
        plan.toPublish.map((row) =>
          csvIntakeRecord(row, {
            fileId: this.fileId,
            receivedAt,
            retentionHours: this.deps.config.retentionHours,
            attemptId: this.context.awsRequestId,
          }),
        ),
      );
      await hooks?.afterRecords?.(this.fileId, lines);
    }
    if (outgoing.length > 0) {
      const stats = await publishReceivedEvents(this.bus, this.fileId, outgoing);
      if (stats.retriedEntries > 0) this.deps.metrics.count("CsvEntriesRetried", stats.retriedEntries);
      await hooks?.afterPublish?.(this.fileId, lines);
    }
    const published = outgoing.length;
    const conflictErrors = await this.conflictErrorsToKeep(plan.conflicts);
    const saved = await saveCheckpoint(
      this.statusTable,
      this.fileId,
      {
        previousLine,
        line,
        publishedRows: published,
        alreadyReceivedRows: plan.alreadyReceived,
        conflictRows: plan.conflicts.length,
        conflictErrors,
      },
      this.clock(),
    );
    if (!saved) {
      this.deps.log.warn("Checkpoint moved by another invocation; this one stops", {
        fileId: this.fileId,
        expectedCheckpointLine: previousLine,
      });
      return false;
    }
    this.publishedRows += published;
    this.alreadyReceivedRows += plan.alreadyReceived;
    if (published > 0) this.deps.metrics.count("CsvRowsPublished", published);
    if (plan.alreadyReceived > 0) this.deps.metrics.count("CsvRowsAlreadyReceived", plan.alreadyReceived);
    if (plan.conflicts.length > 0) this.deps.metrics.count("CsvRowConflicts", plan.conflicts.length);
    if (this.keptErrors !== undefined) this.keptErrors += conflictErrors.length;
    this.slowestChunkMs = Math.max(this.slowestChunkMs, Date.now() - startedAt);
    await hooks?.afterCheckpoint?.(this.fileId, line);
    return true;
  }

  /** The chunk's CONFLICT errors that fit within the file's error limit (the rest are only counted). */
  private async conflictErrorsToKeep(conflicts: readonly CsvValidRow[]): Promise<FileRowError[]> {
    if (conflicts.length === 0) return [];
    this.keptErrors ??= await keptErrorCount(this.statusTable, this.fileId);
    const room = Math.max(0, this.deps.config.fileErrorLimit - this.keptErrors);
    return conflicts.slice(0, room).map(conflictRowError);
  }

  private async complete(): Promise<FileCompletion> {
    const completion = await completeFileIfDone(this.deps, this.fileId, this.clock());
    if (completion.completed) {
      this.deps.metrics.count("CsvFilesCompleted", 1);
      this.deps.log.info("File completed at the end of its load; summary sent", {
        fileId: this.fileId,
        messageId: completion.messageId,
      });
    }
    return completion;
  }
}

/**
 * Loads every file the event names, one after the other. The first failure fails the invocation;
 * its retry finds the files already done LOADED or COMPLETED and passes over them.
 */
export async function runCsvTransform(
  deps: CsvTransformDependencies,
  event: unknown,
  context: TransformContext,
): Promise<CsvTransformResult> {
  const requests = transformRequests(event, deps.config.uploadsBucket);
  for (const ignored of requests.ignored) deps.log.warn("Event record ignored", { ...ignored });
  if (requests.ignored.length > 0) deps.metrics.count("CsvEventRecordsIgnored", requests.ignored.length);
  const files: FileLoadResult[] = [];
  for (const request of requests.files) {
    deps.correlate?.({ correlationId: request.fileId, fileId: request.fileId });
    const result = await new FileLoad(deps, request, context).run();
    if (result.outcome === "skipped") deps.metrics.count("CsvFilesSkipped", 1);
    if (result.outcome === "superseded") deps.metrics.count("CsvLoadsSuperseded", 1);
    files.push(result);
  }
  return { files, ignored: requests.ignored.length };
}
