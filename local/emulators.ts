/**
 * Starts the local emulators in this process: dynalite (DynamoDB API) and fauxqs (SNS, SQS, S3),
 * on loopback ports chosen by the OS unless given, and the S3 endpoint in front of fauxqs that
 * takes PUTs larger than its body limit (s3Endpoint.ts).
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { FauxqsServer } from "fauxqs";
import { captureDynaliteStore, repairSecondaryIndexes } from "./durableTables";
import { startLocalS3Endpoint, type LocalS3Endpoint } from "./s3Endpoint";

export interface DynaliteOptions {
  readonly createTableMs?: number;
  readonly deleteTableMs?: number;
  readonly updateTableMs?: number;
  /** Folder for LevelDB storage; in memory when absent. */
  readonly path?: string;
}

type DynaliteFactory = (options: DynaliteOptions) => Server;

// dynalite ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require("dynalite") as DynaliteFactory;

export interface Emulators {
  readonly dynamoDbEndpoint: string;
  /** fauxqs: SNS and SQS, and S3 for requests within its 11 MiB body limit. */
  readonly messagingEndpoint: string;
  /** S3 for any request, PUTs of up to 5 GB included (fauxqs behind s3Endpoint.ts). */
  readonly s3Endpoint: string;
  readonly fauxqs: FauxqsServer;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  readonly dynamoDbPort?: number;
  readonly messagingPort?: number;
  /** Persist DynamoDB data in this folder across restarts. */
  readonly dataDirectory?: string;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

export interface DynaliteServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * dynalite on 127.0.0.1 with table changes taking effect at once; in memory unless `path` is given.
 * On disk, the indexes a kill may have left half-written are rebuilt before it listens.
 */
export async function startDynalite(port = 0, path?: string): Promise<DynaliteServer> {
  const settings = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
  let server: Server;
  if (!path) {
    server = dynalite(settings);
  } else {
    const created = captureDynaliteStore(() => dynalite({ ...settings, path }));
    server = created.server;
    try {
      await repairSecondaryIndexes(created.store);
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw error;
    }
  }
  const boundPort = await listen(server, port);
  return {
    endpoint: `http://127.0.0.1:${boundPort}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const dynamo = await startDynalite(options.dynamoDbPort, options.dataDirectory);
  let fauxqs: FauxqsServer;
  try {
    // fauxqs is published as an ES module only.
    const { startFauxqs } = await import("fauxqs");
    fauxqs = await startFauxqs({
      port: options.messagingPort ?? 0,
      host: "127.0.0.1",
      logger: false,
      messageSpies: { bufferSize: 10_000 },
    });
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
  const messagingEndpoint = `http://127.0.0.1:${fauxqs.port}`;
  let s3: LocalS3Endpoint;
  try {
    s3 = await startLocalS3Endpoint({ upstream: messagingEndpoint });
  } catch (error) {
    await fauxqs.stop();
    await dynamo.stop();
    throw error;
  }
  return {
    dynamoDbEndpoint: dynamo.endpoint,
    messagingEndpoint,
    s3Endpoint: s3.endpoint,
    fauxqs,
    async stop() {
      await s3.stop();
      await fauxqs.stop();
      await dynamo.stop();
    },
  };
}
