/**
 * dynalite on a worker thread of its own. The pipeline makes about ten DynamoDB calls per
 * transaction, and answering them (HTTP parsing, expression parsing, LevelDB encoding) is a large
 * share of the local pipeline's CPU; on the same thread as the functions, the bus and the state
 * machine it competed with them for one core while the machine's second sat idle. The functions
 * still reach it the same way, by real SDK calls over loopback HTTP.
 */
import { resolve } from "node:path";
import { Worker } from "node:worker_threads";
import type { DynaliteServer } from "./dynalite";

/** What the thread is started with (its workerData). */
export interface DynaliteThreadSettings {
  readonly port: number;
  /** Folder for LevelDB storage; in memory when absent. */
  readonly path?: string;
}

/** What the thread answers. */
export type DynaliteThreadReply =
  | { readonly kind: "started"; readonly endpoint: string }
  | { readonly kind: "failed"; readonly message: string }
  | { readonly kind: "stopped" };

export class DynaliteThreadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DynaliteThreadError";
  }
}

/**
 * The worker's source is TypeScript like the rest of local/; tsx's loader hooks do not reach worker
 * threads on Node 20, so the thread registers tsx's require hook before it loads the file.
 */
const workerSource = [
  `require(${JSON.stringify(require.resolve("tsx/cjs/api"))}).register();`,
  `require(${JSON.stringify(resolve(__dirname, "dynaliteWorker.ts"))});`,
].join("\n");

function nextReply(worker: Worker): Promise<DynaliteThreadReply> {
  return new Promise((answer, fail) => {
    const onMessage = (message: DynaliteThreadReply) => {
      worker.off("error", onError);
      worker.off("exit", onExit);
      answer(message);
    };
    const onError = (error: Error) => {
      worker.off("message", onMessage);
      worker.off("exit", onExit);
      fail(error);
    };
    const onExit = (code: number) => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      fail(new DynaliteThreadError(`the dynalite thread exited with ${code} before answering`));
    };
    worker.once("message", onMessage);
    worker.once("error", onError);
    worker.once("exit", onExit);
  });
}

/** dynalite on 127.0.0.1 on its own thread; in memory unless `path` is given (see dynalite.ts). */
export async function startDynaliteThread(port = 0, path?: string): Promise<DynaliteServer> {
  const settings: DynaliteThreadSettings = { port, path };
  const worker = new Worker(workerSource, { eval: true, workerData: settings });
  const started = await nextReply(worker);
  if (started.kind !== "started") {
    await worker.terminate();
    throw new DynaliteThreadError(
      started.kind === "failed" ? started.message : "the dynalite thread stopped before it started",
    );
  }
  return {
    endpoint: started.endpoint,
    async stop() {
      const stopped = nextReply(worker);
      worker.postMessage("stop");
      await stopped;
      // Closed and answered: nothing is left for the thread to do, so it ends now rather than
      // whenever its last handle lets go.
      await worker.terminate();
    },
  };
}
