/**
 * The CSV load's test bench: dynalite (status and intake-records tables from the deployed
 * definitions) and fauxqs (the uploads bucket, and the alerts topic subscribed to a queue the
 * tests read the summaries from), in process. EventBridge is the caller's: a client the tests mock
 * on the instance. Files are put under `validated/` with a VALIDATED status record counted by the
 * same reader csv-intake uses, as csv-intake leaves them.
 */
import { randomUUID } from "node:crypto";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SNSClient } from "@aws-sdk/client-sns";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { CsvTransformConfig } from "../../../functions/csv-transform/config";
import type {
  CsvTransformDependencies,
  TransformContext,
  TransformLog,
  TransformMetricName,
  TransformMetrics,
} from "../../../functions/csv-transform/csvTransform";
import type { NotifierConfig } from "../../../functions/notifier/config";
import type { NotifierLog, NotifierMetricName, NotifierMetrics } from "../../../functions/notifier/notifier";
import type { DecisionStatus } from "../../../functions/notifier/processedEvent";
import { summarizeCsv } from "../../../functions/shared/csvTransactions";
import type { FileSummaryMessage } from "../../../functions/shared/fileCompletion";
import { validatedKey, type FileStatusRecord } from "../../../functions/shared/fileStatus";
import type { IntakeRecord } from "../../../functions/shared/intakeRecord";
import {
  fileStatusTableDefinition,
  intakeRecordsTableDefinition,
} from "../../../functions/shared/tableDefinitions";
import { localCredentials, localRegion } from "../../../local/awsClients";
import { startEmulators, type Emulators } from "../../../local/emulators";
import { createTable } from "../../support/dynamoTable";
import { csvTestNow } from "./csvFiles";

export interface LoggedLine {
  readonly level: "info" | "warn";
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

/** A log for both functions that keeps every line for assertions. */
export class RecordingLog implements TransformLog, NotifierLog {
  readonly lines: LoggedLine[] = [];

  info(message: string, attributes: Record<string, unknown> = {}): void {
    this.lines.push({ level: "info", message, attributes });
  }

  warn(message: string, attributes: Record<string, unknown> = {}): void {
    this.lines.push({ level: "warn", message, attributes });
  }

  warnings(): LoggedLine[] {
    return this.lines.filter((line) => line.level === "warn");
  }
}

export class RecordingMetrics implements TransformMetrics, NotifierMetrics {
  readonly totals = new Map<string, number>();
  /** TransactionsDecided, in the order counted. */
  readonly decisions: DecisionStatus[] = [];

  count(name: TransformMetricName | NotifierMetricName, value: number): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + value);
  }

  countDecision(decision: DecisionStatus): void {
    this.decisions.push(decision);
  }

  total(name: TransformMetricName | NotifierMetricName): number {
    return this.totals.get(name) ?? 0;
  }
}

/** A Lambda context whose remaining time the test decides. */
export function transformContext(
  remainingMs: () => number = () => 900_000,
  awsRequestId: string = randomUUID(),
): TransformContext {
  return { awsRequestId, getRemainingTimeInMillis: remainingMs };
}

/** The SNS envelope as a standard (not raw) subscription delivers it to SQS. */
export interface DeliveredSummary {
  readonly subject: string | undefined;
  readonly message: FileSummaryMessage;
}

export interface CsvLoadBench {
  readonly emulators: Emulators;
  readonly documentClient: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  /** A plain client pointed nowhere: tests mock it on the instance. */
  readonly eventBridge: EventBridgeClient;
  readonly transformConfig: CsvTransformConfig;
  readonly notifierConfig: NotifierConfig;
  readonly summariesQueueUrl: string;
  /** A file id not used before in this process. */
  newFileId(label: string): string;
  /** Puts `validated/<fileId>.csv` and its VALIDATED status record (counts as csv-intake finds them). */
  putValidatedFile(
    fileId: string,
    content: Buffer | string,
    status?: Partial<FileStatusRecord>,
  ): Promise<void>;
  putStatus(record: FileStatusRecord): Promise<void>;
  readStatus(fileId: string): Promise<(FileStatusRecord & Record<string, unknown>) | undefined>;
  readIntakeRecord(key: string): Promise<(IntakeRecord & Record<string, unknown>) | undefined>;
  /** Every summary delivered since the last call. */
  drainSummaries(): Promise<DeliveredSummary[]>;
  transformDependencies(overrides?: Partial<CsvTransformDependencies>): CsvTransformDependencies;
  stop(): Promise<void>;
}

let fileCounter = 0;

async function* once(content: Buffer): AsyncGenerator<Buffer> {
  yield content;
}

export async function startCsvLoadBench(): Promise<CsvLoadBench> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const emulators = await startEmulators();
  const common = { region: localRegion, credentials: localCredentials };
  const dynamoDb = new DynamoDBClient({ ...common, endpoint: emulators.dynamoDbEndpoint });
  const documentClient = DynamoDBDocumentClient.from(dynamoDb, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const s3 = new S3Client({ ...common, endpoint: emulators.messagingEndpoint, forcePathStyle: true });
  const sns = new SNSClient({ ...common, endpoint: emulators.messagingEndpoint });
  const sqs = new SQSClient({ ...common, endpoint: emulators.messagingEndpoint });
  // Never reaches AWS: every test mocks it (or replaces it) before the first call.
  const eventBridge = new EventBridgeClient({ ...common, endpoint: "http://127.0.0.1:9" });

  const suffix = String(process.pid);
  const transformConfig: CsvTransformConfig = {
    uploadsBucket: `uploads-csv-load-${suffix}`,
    fileStatusTable: `file-status-csv-load-${suffix}`,
    intakeTable: `intake-records-csv-load-${suffix}`,
    eventBusName: "transactions-test",
    alertsTopicArn: emulators.fauxqs.createTopic("csv-load-alerts").topicArn,
    maxAmountUsdMinor: 10_000_000n,
    retentionHours: 96,
    fileErrorLimit: 100,
  };
  const notifierConfig: NotifierConfig = {
    fileStatusTable: transformConfig.fileStatusTable,
    intakeTable: transformConfig.intakeTable,
    alertsTopicArn: transformConfig.alertsTopicArn,
  };
  const summariesQueueUrl = emulators.fauxqs.createQueue("csv-load-summaries").queueUrl;
  emulators.fauxqs.subscribe({ topic: "csv-load-alerts", queue: "csv-load-summaries" });
  await createTable(dynamoDb, transformConfig.fileStatusTable, fileStatusTableDefinition);
  await createTable(dynamoDb, transformConfig.intakeTable, intakeRecordsTableDefinition);
  await s3.send(new CreateBucketCommand({ Bucket: transformConfig.uploadsBucket }));

  const putStatus = async (record: FileStatusRecord): Promise<void> => {
    await documentClient.send(new PutCommand({ TableName: transformConfig.fileStatusTable, Item: record }));
  };

  return {
    emulators,
    documentClient,
    s3,
    sns,
    sqs,
    eventBridge,
    transformConfig,
    notifierConfig,
    summariesQueueUrl,
    newFileId(label) {
      fileCounter += 1;
      return `${label}-${String(fileCounter).padStart(4, "0")}`;
    },
    async putValidatedFile(fileId, content, status = {}) {
      const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
      await s3.send(
        new PutObjectCommand({
          Bucket: transformConfig.uploadsBucket,
          Key: validatedKey(fileId),
          Body: bytes,
          ContentType: "text/csv",
        }),
      );
      const summary = await summarizeCsv(once(bytes), {
        fileId,
        now: csvTestNow,
        maxAmountUsdMinor: transformConfig.maxAmountUsdMinor,
      });
      await putStatus({
        fileId,
        status: "VALIDATED",
        via: "upload",
        receivedAt: csvTestNow.toISOString(),
        updatedAt: csvTestNow.toISOString(),
        rows: summary.rows,
        validRows: summary.validRows,
        invalidRows: summary.invalidRows,
        errorCount: summary.errorCount,
        errors: summary.errors.slice(0, 10),
        ...status,
      });
    },
    putStatus,
    async readStatus(fileId) {
      const answer = await documentClient.send(
        new GetCommand({ TableName: transformConfig.fileStatusTable, Key: { fileId }, ConsistentRead: true }),
      );
      return answer.Item as (FileStatusRecord & Record<string, unknown>) | undefined;
    },
    async readIntakeRecord(key) {
      const answer = await documentClient.send(
        new GetCommand({
          TableName: transformConfig.intakeTable,
          Key: { transactionId: key },
          ConsistentRead: true,
        }),
      );
      return answer.Item as (IntakeRecord & Record<string, unknown>) | undefined;
    },
    async drainSummaries() {
      const summaries: DeliveredSummary[] = [];
      for (;;) {
        const answer = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: summariesQueueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
          }),
        );
        const messages = answer.Messages ?? [];
        if (messages.length === 0) return summaries;
        for (const message of messages) {
          const envelope = JSON.parse(message.Body ?? "{}") as { Subject?: string; Message?: string };
          summaries.push({
            subject: envelope.Subject,
            message: JSON.parse(envelope.Message ?? "null") as FileSummaryMessage,
          });
        }
        // Received messages stay invisible for the rest of the suite: no delete needed to drain.
      }
    },
    transformDependencies(overrides = {}) {
      return {
        config: transformConfig,
        documentClient,
        eventBridge,
        s3,
        sns,
        log: new RecordingLog(),
        metrics: new RecordingMetrics(),
        now: () => csvTestNow,
        tuning: { retry: { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 } },
        ...overrides,
      };
    },
    async stop() {
      for (const client of [dynamoDb, s3, sns, sqs, eventBridge]) client.destroy();
      await emulators.stop();
    },
  };
}
