/**
 * What `npm start` runs: the local pipeline behind the local ingest API, and a description of it
 * in the shape of the stack's outputs (`.local/outputs.json`), so tools and the end-to-end suite
 * address the local stack and a deployed one the same way.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { createMaskingLogger } from "../functions/shared/cardMaskingLogFormatter";
import type { LogLevel } from "@aws-lambda-powertools/logger/types";
import { ingestApiUrls } from "../pipeline";
import { localRegion } from "./awsClients";
import { startLocalApiServer, type LocalApiServer } from "./apiServer";
import {
  localResourceNames,
  startLocalPipeline,
  type LocalPipeline,
  type LocalPipelineOptions,
} from "./localPipeline";

/** Where a running local stack describes itself; read by `--stack local` in the tools. */
export const localOutputsPath = resolve(__dirname, "../.local/outputs.json");

/** The stack outputs a deployed stack exports (index.ts), for the local stack, plus its endpoints. */
// A type, not an interface: it must fit tools' loose (indexable) outputs type.
export type LocalStackOutputs = {
  readonly apiUrl: string;
  readonly webhookUrl: string;
  readonly uploadUrl: string;
  readonly uploadsUrl: string;
  readonly filesUrl: string;
  readonly transactionsTableName: string;
  readonly intakeTableName: string;
  readonly fileStatusTableName: string;
  readonly archivedTransactionsTableName: string;
  readonly uploadsBucketName: string;
  readonly archiveBucketName: string;
  readonly eventBusName: string;
  readonly deadLetterQueueUrl: string;
  /** The local bus keeps its targets' dead letters in memory, not in queues. */
  readonly routingDeadLetterQueueUrls: Readonly<Record<string, string>>;
  readonly alertsInboxUrl: string;
  readonly region: string;
  readonly endpoints: {
    readonly dynamoDb: string;
    readonly sqs: string;
    readonly sns: string;
    readonly s3: string;
    readonly eventBridge: string;
  };
};

export interface LocalStackOptions extends LocalPipelineOptions {
  /** The status key: `x-api-key` for GET /transactions/{id} and the local admin routes. */
  readonly apiKey: string;
  /** The upload key: `x-api-key` for POST /upload, POST /uploads and GET /files/{id}. */
  readonly uploadApiKey: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Level of the API's own request log lines. Default INFO. */
  readonly apiLogLevel?: LogLevel;
  /** Write the outputs to this file (npm start: `.local/outputs.json`); not written when absent. */
  readonly outputsPath?: string;
}

export interface LocalStack {
  readonly url: string;
  readonly pipeline: LocalPipeline;
  readonly outputs: LocalStackOutputs;
  stop(): Promise<void>;
}

export function localStackOutputs(url: string, pipeline: LocalPipeline): LocalStackOutputs {
  const { dynamoDbEndpoint, messagingEndpoint, s3Endpoint } = pipeline.emulators;
  return {
    ...ingestApiUrls(url),
    transactionsTableName: localResourceNames.transactionsTable,
    intakeTableName: localResourceNames.intakeTable,
    fileStatusTableName: localResourceNames.fileStatusTable,
    archivedTransactionsTableName: localResourceNames.archivedTransactionsTable,
    uploadsBucketName: localResourceNames.uploadsBucket,
    archiveBucketName: localResourceNames.archiveBucket,
    eventBusName: localResourceNames.eventBus,
    deadLetterQueueUrl: pipeline.deadLetterQueueUrl,
    routingDeadLetterQueueUrls: {},
    alertsInboxUrl: pipeline.alertsInboxUrl,
    region: localRegion,
    endpoints: {
      dynamoDb: dynamoDbEndpoint,
      sqs: messagingEndpoint,
      sns: messagingEndpoint,
      s3: s3Endpoint,
      eventBridge: pipeline.eventBridgeEndpoint,
    },
  };
}

/**
 * Binds the port first (so a taken port fails at once, before the emulators start), then starts
 * the pipeline; requests that arrive meanwhile wait for it.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  let resolvePipeline!: (pipeline: LocalPipeline) => void;
  let rejectPipeline!: (error: unknown) => void;
  const pipelineReady = new Promise<LocalPipeline>((resolve, reject) => {
    resolvePipeline = resolve;
    rejectPipeline = reject;
  });
  const server: LocalApiServer = await startLocalApiServer({
    pipeline: pipelineReady,
    apiKey: options.apiKey,
    uploadApiKey: options.uploadApiKey,
    port: options.port,
    logger: createMaskingLogger({ serviceName: "local-api", logLevel: options.apiLogLevel ?? "INFO" }),
  });
  let pipeline: LocalPipeline;
  try {
    pipeline = await startLocalPipeline(options);
  } catch (error) {
    rejectPipeline(error);
    await server.close();
    throw error;
  }
  resolvePipeline(pipeline);
  const outputs = localStackOutputs(server.url, pipeline);
  const { outputsPath } = options;
  if (outputsPath) {
    await mkdir(dirname(outputsPath), { recursive: true });
    // Written aside and renamed, so a reader never sees half a file.
    await writeFile(`${outputsPath}.tmp`, `${JSON.stringify(outputs, null, 2)}\n`);
    await rename(`${outputsPath}.tmp`, outputsPath);
  }
  return {
    url: server.url,
    pipeline,
    outputs,
    async stop() {
      // Stop taking requests, then let what was accepted finish before the emulators go.
      await server.close();
      await pipeline.stop();
      if (outputsPath) await rm(outputsPath, { force: true });
    },
  };
}
