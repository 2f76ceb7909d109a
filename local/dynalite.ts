/**
 * dynalite, the DynamoDB API emulator, on a loopback port: in memory, or on disk with the indexes a
 * kill may have left half-written rebuilt first (durableTables.ts).
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { captureDynaliteStore, repairSecondaryIndexes } from "./durableTables";

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
