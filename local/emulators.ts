/**
 * Starts the local emulators in this process: dynalite (DynamoDB API) and fauxqs (SNS, SQS, S3),
 * on loopback ports chosen by the OS unless given.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { FauxqsServer } from "fauxqs";

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
  readonly messagingEndpoint: string;
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

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const dynamoServer = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDirectory ? { path: options.dataDirectory } : {}),
  });
  const dynamoPort = await listen(dynamoServer, options.dynamoDbPort ?? 0);
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
    dynamoServer.close();
    throw error;
  }
  return {
    dynamoDbEndpoint: `http://127.0.0.1:${dynamoPort}`,
    messagingEndpoint: `http://127.0.0.1:${fauxqs.port}`,
    fauxqs,
    async stop() {
      await fauxqs.stop();
      await new Promise<void>((resolve) => dynamoServer.close(() => resolve()));
    },
  };
}
