/**
 * The CSV intake's test bench: dynalite and fauxqs in process, the processing-status table created
 * from the deployed definition, the uploads bucket, SDK clients pointed at them (the intake's S3
 * calls recorded), and the function environment set so handler modules cold-start against them.
 * stop() forgets the modules, restores process.env and stops the emulators.
 */
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { CsvIntakeConfig } from "../../../functions/csv-intake/config";
import type { CsvIntakeDependencies, CsvIntakeHandler } from "../../../functions/csv-intake/csvIntake";
import { EnvironmentName } from "../../../functions/shared/environmentNames";
import { fileStatusTableDefinition } from "../../../functions/shared/tableDefinitions";
import { localCredentials, localRegion } from "../../../local/awsClients";
import { startEmulators, type Emulators } from "../../../local/emulators";
import { forgetFunctionModules, loadFunctionModule } from "../../../local/functionLoader";
import { createTable } from "../../support/dynamoTable";
import { setFunctionEnvironment } from "../../support/functionEnvironment";
import { csvTestNow } from "./csvFiles";

type CsvIntakeModule = typeof import("../../../functions/csv-intake/csvIntake");

export interface RecordedS3Call {
  readonly commandName: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface CsvIntakeBench {
  readonly emulators: Emulators;
  readonly statusTable: string;
  readonly bucket: string;
  /** The intake's own S3 client (calls recorded in s3Calls). */
  readonly s3: S3Client;
  /** Presigns without the SDK's default checksums, as functions/shared/s3.ts does. */
  readonly presignS3: S3Client;
  readonly documentClient: DynamoDBDocumentClient;
  readonly s3Calls: RecordedS3Call[];
  /**
   * csv-intake's handler over the bench's table, bucket and clients at csvTestNow, with what a
   * test changes (its module cold-started on first use).
   */
  csvIntakeHandler(changes?: CsvIntakeHandlerChanges): CsvIntakeHandler;
  /** Cold-starts `functions/<modulePath>` in the bench's environment. */
  load<Module>(modulePath: string): Module;
  /** The status item as stored (strongly consistent read). */
  statusItem(fileId: string): Promise<Record<string, unknown> | undefined>;
  /** An object's bytes, or undefined when it does not exist. */
  objectBytes(key: string): Promise<Buffer | undefined>;
  objectContentType(key: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

function restoreEnvironment(snapshot: Readonly<Record<string, string | undefined>>): void {
  for (const key of Object.keys(process.env)) if (!(key in snapshot)) delete process.env[key];
  Object.assign(process.env, snapshot);
}

function isMissingObject(error: unknown): boolean {
  return error instanceof Error && (error.name === "NoSuchKey" || error.name === "NotFound");
}

/** What a test gives csv-intake's handler instead of the bench's own. */
export interface CsvIntakeHandlerChanges extends Partial<
  Pick<CsvIntakeDependencies, "documentClient" | "s3" | "newFileId">
> {
  readonly config?: Partial<CsvIntakeConfig>;
}

export interface CsvIntakeBenchOptions {
  /** Variables to set on top of the function environment, e.g. POWERTOOLS_LOG_LEVEL. */
  readonly set?: Readonly<Record<string, string>>;
}

export async function startCsvIntakeBench(options: CsvIntakeBenchOptions = {}): Promise<CsvIntakeBench> {
  const snapshot = { ...process.env };
  // Tests run on Node 20; the SDK's "Node 22 from 2027" notice is noise here, not news.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const emulators = await startEmulators();
  const common = { region: localRegion, credentials: localCredentials };
  const statusTable = "file-status-csv-intake-test";
  const bucket = "uploads-csv-intake-test";
  const dynamoDb = new DynamoDBClient({ ...common, endpoint: emulators.dynamoDbEndpoint });
  const documentClient = DynamoDBDocumentClient.from(dynamoDb, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const s3Options = { ...common, endpoint: emulators.messagingEndpoint, forcePathStyle: true };
  const s3 = new S3Client(s3Options);
  const presignS3 = new S3Client({ ...s3Options, requestChecksumCalculation: "WHEN_REQUIRED" });
  const testS3 = new S3Client(s3Options);
  const s3Calls: RecordedS3Call[] = [];
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      s3Calls.push({ commandName: String(context.commandName), input: { ...(args.input as object) } });
      return next(args);
    },
    { step: "initialize", name: "recordCsvIntakeS3Calls" },
  );
  await createTable(dynamoDb, statusTable, fileStatusTableDefinition);
  await testS3.send(new CreateBucketCommand({ Bucket: bucket }));

  setFunctionEnvironment({
    tableName: "transactions-csv-intake-test",
    dynamoDbEndpoint: emulators.dynamoDbEndpoint,
  });
  Object.assign(process.env, {
    [EnvironmentName.uploadsBucket]: bucket,
    [EnvironmentName.fileStatusTable]: statusTable,
    [EnvironmentName.s3Endpoint]: emulators.messagingEndpoint,
    ...options.set,
  });
  forgetFunctionModules();

  async function getObject(key: string) {
    try {
      return await testS3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw error;
    }
  }

  function load<Module>(modulePath: string): Module {
    forgetFunctionModules();
    return loadFunctionModule<Module>(modulePath);
  }
  let csvIntakeModule: CsvIntakeModule | undefined;

  return {
    emulators,
    statusTable,
    bucket,
    s3,
    presignS3,
    documentClient,
    s3Calls,
    csvIntakeHandler(changes = {}) {
      csvIntakeModule ??= load<CsvIntakeModule>("csv-intake/csvIntake");
      return csvIntakeModule.createCsvIntakeHandler({
        config: {
          uploadsBucket: bucket,
          fileStatusTable: statusTable,
          fileErrorLimit: 100,
          uploadUrlExpirySeconds: 900,
          // 100,000.00 USD, as the CSV fixtures' expectations assume (some-bad-rows line 18 is above it).
          maxAmountUsdMinor: 10_000_000n,
          ...changes.config,
        },
        documentClient: changes.documentClient ?? documentClient,
        s3: changes.s3 ?? s3,
        presignS3,
        now: () => csvTestNow,
        newFileId: changes.newFileId,
      });
    },
    load,
    async statusItem(fileId) {
      const answer = await documentClient.send(
        new GetCommand({ TableName: statusTable, Key: { fileId }, ConsistentRead: true }),
      );
      return answer.Item;
    },
    async objectBytes(key) {
      const answer = await getObject(key);
      return answer?.Body ? Buffer.from(await answer.Body.transformToByteArray()) : undefined;
    },
    async objectContentType(key) {
      const answer = await getObject(key);
      await answer?.Body?.transformToByteArray();
      return answer?.ContentType;
    },
    async stop() {
      forgetFunctionModules();
      restoreEnvironment(snapshot);
      for (const client of [dynamoDb, s3, presignS3, testS3]) client.destroy();
      await emulators.stop();
    },
  };
}
