/**
 * The body of the dynalite thread (dynaliteThread.ts): starts the emulator with the port and folder
 * it was given, answers its endpoint (or why it could not start), and stops it when asked.
 */
import { parentPort, workerData } from "node:worker_threads";
import { startDynalite } from "./dynalite";
import type { DynaliteThreadReply, DynaliteThreadSettings } from "./dynaliteThread";

const port = parentPort;
if (!port) throw new Error("dynaliteWorker.ts runs as a worker thread (see dynaliteThread.ts)");
const settings = workerData as DynaliteThreadSettings;
const reply = (message: DynaliteThreadReply) => port.postMessage(message);

startDynalite(settings.port, settings.path).then(
  (server) => {
    reply({ kind: "started", endpoint: server.endpoint });
    port.once("message", () => {
      void server.stop().then(() => {
        reply({ kind: "stopped" });
      });
    });
  },
  (error: unknown) => {
    reply({
      kind: "failed",
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    port.close();
  },
);
