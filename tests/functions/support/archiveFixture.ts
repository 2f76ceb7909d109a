/**
 * The archival job's test bench: dynalite and fauxqs in process, a fresh set of tables (from the
 * deployed definitions) and a fresh bucket per scene, items shaped like the state machine leaves
 * them, and readers for what ended up in the archive. Every SDK call is recorded, so a test can
 * assert what the job did and did not do (no Scan, no write on a run with nothing to do).
 */
import { gunzipSync } from "node:zlib";
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ScanCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import type { ArchivalConfig } from "../../../functions/archival/config";
import type {
  ArchivalLog,
  ArchivalMetricName,
  ArchivalMetrics,
} from "../../../functions/archival/archivalRun";
import {
  manifestKey,
  partitionPrefix,
  type PartitionManifest,
} from "../../../functions/shared/archiveLayout";
import {
  archivedTransactionsTableDefinition,
  intakeRecordsTableDefinition,
  transactionsTableDefinition,
} from "../../../functions/shared/tableDefinitions";
import { localCredentials, localRegion } from "../../../local/awsClients";
import { startEmulators, type Emulators } from "../../../local/emulators";
import { createTable } from "../../support/dynamoTable";

export type PlainItem = Record<string, unknown>;

export interface RecordedCall {
  readonly commandName: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/** SDK commands sent through a client, in order, with their inputs. */
export class CallRecorder {
  readonly calls: RecordedCall[] = [];

  count(commandName: string): number {
    return this.named(commandName).length;
  }

  named(commandName: string): RecordedCall[] {
    return this.calls.filter((call) => call.commandName === commandName);
  }

  reset(): void {
    this.calls.length = 0;
  }
}

function recordDynamoDbCommands(client: DynamoDBClient, recorder: CallRecorder): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      recorder.calls.push({ commandName: String(context.commandName), input: { ...args.input } });
      return next(args);
    },
    { step: "initialize", name: "recordCommands" },
  );
}

function recordS3Commands(client: S3Client, recorder: CallRecorder): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      recorder.calls.push({ commandName: String(context.commandName), input: { ...args.input } });
      return next(args);
    },
    { step: "initialize", name: "recordCommands" },
  );
}

export interface ArchiveBench {
  readonly emulators: Emulators;
  /** The client the job uses (its calls are recorded in `dynamoDbCalls`). */
  readonly dynamoDb: DynamoDBClient;
  /** The client the job uses (its calls are recorded in `s3Calls`). */
  readonly s3: S3Client;
  /** Clients for the test's own setup and checks, not recorded. */
  readonly testDynamoDb: DynamoDBClient;
  readonly testS3: S3Client;
  readonly dynamoDbCalls: CallRecorder;
  readonly s3Calls: CallRecorder;
  newScene(overrides?: Partial<ArchivalConfig>): Promise<ArchiveScene>;
  stop(): Promise<void>;
}

export interface ArchiveScene {
  readonly config: ArchivalConfig;
  readonly intakeTable: string;
}

let sceneCounter = 0;

export async function startArchiveBench(): Promise<ArchiveBench> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const emulators = await startEmulators();
  const common = { region: localRegion, credentials: localCredentials };
  const dynamoDb = new DynamoDBClient({ ...common, endpoint: emulators.dynamoDbEndpoint });
  const s3 = new S3Client({ ...common, endpoint: emulators.messagingEndpoint, forcePathStyle: true });
  const testDynamoDb = new DynamoDBClient({ ...common, endpoint: emulators.dynamoDbEndpoint });
  const testS3 = new S3Client({ ...common, endpoint: emulators.messagingEndpoint, forcePathStyle: true });
  const dynamoDbCalls = new CallRecorder();
  const s3Calls = new CallRecorder();
  recordDynamoDbCommands(dynamoDb, dynamoDbCalls);
  recordS3Commands(s3, s3Calls);
  return {
    emulators,
    dynamoDb,
    s3,
    testDynamoDb,
    testS3,
    dynamoDbCalls,
    s3Calls,
    async newScene(overrides = {}) {
      sceneCounter += 1;
      const suffix = `${process.pid}-${sceneCounter}`;
      const config: ArchivalConfig = {
        transactionsTable: `transactions-archival-${suffix}`,
        archivedTransactionsTable: `archived-transactions-${suffix}`,
        archiveBucket: `audit-archive-${suffix}`,
        archiveAfterHours: 24,
        initialLookbackDays: 30,
        chunkSize: 500,
        archivedRecordRetentionDays: 400,
        ...overrides,
      };
      const intakeTable = `intake-records-archival-${suffix}`;
      await createTable(testDynamoDb, config.transactionsTable, transactionsTableDefinition);
      await createTable(testDynamoDb, config.archivedTransactionsTable, archivedTransactionsTableDefinition);
      await createTable(testDynamoDb, intakeTable, intakeRecordsTableDefinition);
      await testS3.send(new CreateBucketCommand({ Bucket: config.archiveBucket }));
      dynamoDbCalls.reset();
      s3Calls.reset();
      return { config, intakeTable };
    },
    async stop() {
      for (const client of [dynamoDb, s3, testDynamoDb, testS3]) client.destroy();
      await emulators.stop();
    },
  };
}

/** The reference instant of the tests: the cutoff (24 h) is 2025-11-14T12:00:00.000Z. */
export const testNow = new Date("2025-11-15T12:00:00.000Z");
/** A day entirely before the cutoff. */
export const oldDay = "2025-11-13";
/** The cutoff's own day: archived up to the cutoff, never passed by the watermark. */
export const cutoffDay = "2025-11-14";

/** A transaction as validation stores it and RecordDecision completes it (decidedDay, archiveSortKey). */
export function decidedTransaction(id: string, decidedAt: string, overrides: PlainItem = {}): PlainItem {
  const transactionId = `acme#${id}`;
  const amountMinor =
    1000 + ([...id].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) % 1_000_003, 7) % 900_000);
  return {
    transactionId,
    source: "webhook",
    provider: "acme",
    status: "APPROVED",
    amountMinor,
    amount: `${Math.floor(amountMinor / 100)}.${String(amountMinor % 100).padStart(2, "0")}`,
    currency: "USD",
    amountUsdMinor: amountMinor,
    customerId: `customer-${id.length % 97}`,
    merchantId: "merchant-7",
    merchantCategoryCode: "5732",
    customerCountry: "US",
    merchantCountry: "GB",
    occurredAt: new Date(Date.parse(decidedAt) - 2000).toISOString(),
    receivedAt: new Date(Date.parse(decidedAt) - 1000).toISOString(),
    card: { bin: "411111", last4: "1111" },
    metadata: { orderReference: `order-${id}`, channel: "web" },
    decision: {
      status: "APPROVED",
      stage: "SCREENING",
      lane: "medium",
      validation: { valid: true, reasons: [] },
      fraud: {
        score: 20,
        level: "LOW",
        signals: [{ code: "COUNTRY_MISMATCH", points: 20, message: "customer country US differs from GB" }],
        rulesVersion: "2025-11-14.1",
      },
      compliance: { decision: "CLEAR", rules: [], reportRequired: false, listVersion: "2025-11-01" },
      decidedAt,
      executionId: `arn:aws:states:eu-west-1:123456789012:express:transactions:${id}:run-1`,
    },
    decidedDay: decidedAt.slice(0, 10),
    archiveSortKey: `${decidedAt}#${transactionId}`,
    ...overrides,
  };
}

/** A transaction validated but not decided yet: not in the byDecidedDay index. */
export function undecidedTransaction(id: string): PlainItem {
  const {
    decision: _decision,
    decidedDay: _decidedDay,
    archiveSortKey: _archiveSortKey,
    ...received
  } = decidedTransaction(id, "2025-11-10T08:00:00.000Z", { status: "RECEIVED" });
  return received;
}

/** `count` transactions decided on `day`, spread over the day from `startAt` (HH:MM:SS) onwards. */
export function decidedOn(
  day: string,
  count: number,
  prefix: string,
  stepMs = 15_000,
  startAt = "00:00:00",
): PlainItem[] {
  const start = Date.parse(`${day}T${startAt}.000Z`);
  return Array.from({ length: count }, (_, index) =>
    decidedTransaction(
      `${prefix}-${String(index).padStart(5, "0")}`,
      new Date(start + index * stepMs).toISOString(),
    ),
  );
}

export async function putItems(
  client: DynamoDBClient,
  table: string,
  items: readonly PlainItem[],
): Promise<void> {
  const batches: PlainItem[][] = [];
  for (let start = 0; start < items.length; start += 25) batches.push(items.slice(start, start + 25));
  const writeBatch = async (batch: PlainItem[]): Promise<void> => {
    let requests = batch.map((item) => ({ PutRequest: { Item: marshall(item) } }));
    while (requests.length > 0) {
      const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      requests = (answer.UnprocessedItems?.[table] ?? []).flatMap((request) =>
        request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
      );
    }
  };
  for (let start = 0; start < batches.length; start += 8) {
    await Promise.all(batches.slice(start, start + 8).map(writeBatch));
  }
}

/** Every item of a table (a test may Scan; the job never does). */
export async function scanItems(client: DynamoDBClient, table: string): Promise<PlainItem[]> {
  const items: PlainItem[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

export async function scanIds(client: DynamoDBClient, table: string): Promise<string[]> {
  return (await scanItems(client, table)).map((item) => String(item.transactionId)).sort();
}

export async function getItem(
  client: DynamoDBClient,
  table: string,
  transactionId: string,
): Promise<PlainItem | undefined> {
  const answer = await client.send(
    new GetItemCommand({
      TableName: table,
      Key: { transactionId: { S: transactionId } },
      ConsistentRead: true,
    }),
  );
  return answer.Item ? unmarshall(answer.Item) : undefined;
}

export async function objectBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(
      await (answer.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
  } catch (error) {
    if (error instanceof Error && error.name === "NoSuchKey") return undefined;
    throw error;
  }
}

export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

export interface ArchivedPartition {
  readonly manifest: PartitionManifest | undefined;
  /** Object keys under the partition prefix. */
  readonly keys: readonly string[];
  /** Each listed part's parsed lines, in manifest order. */
  readonly parts: readonly {
    readonly key: string;
    readonly bytes: Buffer;
    readonly lines: readonly PlainItem[];
  }[];
}

/** What the archive holds for `day`: the manifest, every object listed, every line parsed. */
export async function readPartition(s3: S3Client, bucket: string, day: string): Promise<ArchivedPartition> {
  const keys = await listKeys(s3, bucket, partitionPrefix(day));
  const manifestBytes = await objectBytes(s3, bucket, manifestKey(day));
  const manifest = manifestBytes
    ? (JSON.parse(manifestBytes.toString("utf8")) as PartitionManifest)
    : undefined;
  const parts = [];
  for (const part of manifest?.parts ?? []) {
    const bytes = await objectBytes(s3, bucket, part.key);
    if (!bytes) throw new Error(`${part.key} is listed but missing`);
    const text = gunzipSync(bytes).toString("utf8");
    if (!text.endsWith("\n")) throw new Error(`${part.key} does not end with a newline`);
    const lines = text
      .slice(0, -1)
      .split("\n")
      .map((line) => JSON.parse(line) as PlainItem);
    parts.push({ key: part.key, bytes, lines });
  }
  return { manifest, keys, parts };
}

/** Every transaction id in the partition's parts, in order, duplicates included. */
export function archivedIds(partition: ArchivedPartition): string[] {
  return partition.parts.flatMap((part) => part.lines.map((line) => String(line.transactionId)));
}

export interface RecordedLog extends ArchivalLog {
  readonly entries: { level: "info" | "warn"; message: string; attributes: Record<string, unknown> }[];
}

export function recordingLog(): RecordedLog {
  const entries: RecordedLog["entries"] = [];
  return {
    entries,
    info: (message, attributes = {}) => entries.push({ level: "info", message, attributes }),
    warn: (message, attributes = {}) => entries.push({ level: "warn", message, attributes }),
  };
}

export interface RecordedMetrics extends ArchivalMetrics {
  total(name: ArchivalMetricName): number;
}

export function recordingMetrics(): RecordedMetrics {
  const totals = new Map<ArchivalMetricName, number>();
  return {
    count: (name, value) => totals.set(name, (totals.get(name) ?? 0) + value),
    total: (name) => totals.get(name) ?? 0,
  };
}

/** A Lambda context's clock with all the time in the world, or as little as asked. */
export function remainingTime(milliseconds: () => number = () => 900_000): {
  getRemainingTimeInMillis(): number;
} {
  return { getRemainingTimeInMillis: milliseconds };
}

/** An EventBridge Scheduler / scheduled-rule event as Lambda receives it (the handler ignores its detail). */
export const scheduledEvent = {
  version: "0",
  id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: "2025-11-15T03:00:00Z",
  region: "eu-west-1",
  resources: ["arn:aws:events:eu-west-1:123456789012:rule/transaction-pipeline-archival"],
  detail: {},
} as const;
