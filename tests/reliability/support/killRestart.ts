/**
 * The kill test, as a user would run it: `npm start -- --data-dir <folder>` in its own process
 * group, 200 signed webhooks and a 2,000-row CSV file sent to it, SIGKILL at a point chosen by the
 * seed (after that many webhooks were answered 202), then `npm start` again on the same folder.
 * The senders behave as providers do: a delivery without an answer is sent again after the
 * restart, a file whose upload was never answered is uploaded again. Then every transaction that
 * got a 202 must be decided exactly once, and the file COMPLETED with exact counts.
 *
 * The reconciler's threshold is `reconcileAfterMinutes` (`--reconcile-after-minutes`), not the
 * default 15: what the second life itself loses on a busy machine (a step that times out and is
 * dead-lettered) is then re-driven within the run, as the deployed reconciler does within the
 * guarantee's window, instead of after the test has stopped waiting.
 *
 * `KILL_TEST_LOGS=<folder>` keeps each `npm start`'s output there, at log level INFO, for reading
 * what a failing seed did.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { mapWithConcurrency } from "../../../functions/shared/concurrency";
import { PipelineClient, type FileView, type HttpAnswer } from "../../../tools/pipelineClient";
import type { LocalStackOutputs } from "../../../local/localStack";
import { transactionBody } from "../../e2e/support/transactionBodies";
import { csvFile } from "./csvFiles";
import { seededFraction } from "./seededChoice";

const repositoryRoot = join(__dirname, "..", "..", "..");
const logFolder = process.env.KILL_TEST_LOGS;
/** The reconciler's threshold in both lives. */
const reconcileAfterMinutes = 3;
/** Longest wait for the webhooks to be decided, then for the file to complete: room for two re-drives. */
const settleDeadlineMs = 600_000;
const decided = new Set(["APPROVED", "REVIEW", "REJECTED"]);

export interface RunningStart {
  readonly process: ChildProcess;
  readonly outputs: LocalStackOutputs;
  /** SIGKILL to the whole process group (npm, tsx and node alike). */
  kill(): Promise<void>;
}

/** Starts `npm start -- --data-dir <folder> --port 0` and waits for its banner. */
export async function startNpm(
  dataDirectory: string,
  credentials: { apiKey: string; uploadApiKey: string; webhookSecret: string },
) {
  const outputsPath = join(dataDirectory, "..", `outputs-${randomBytes(4).toString("hex")}.json`);
  const child = spawn(
    "npm",
    [
      "start",
      "--",
      "--data-dir",
      dataDirectory,
      "--port",
      "0",
      "--outputs",
      outputsPath,
      "--reconcile-after-minutes",
      String(reconcileAfterMinutes),
    ],
    {
      cwd: repositoryRoot,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        API_KEY: credentials.apiKey,
        UPLOAD_API_KEY: credentials.uploadApiKey,
        WEBHOOK_SECRET: credentials.webhookSecret,
        POWERTOOLS_LOG_LEVEL: logFolder ? "INFO" : "ERROR",
        POWERTOOLS_METRICS_DISABLED: "true",
      },
    },
  );
  if (logFolder) {
    const log = createWriteStream(join(logFolder, `npm-start-${basename(dataDirectory)}-${Date.now()}.log`));
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/running locally at http:\/\/127\.0\.0\.1:\d+/.test(output)) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) =>
      reject(new Error(`npm start exited (${code}) before it was ready:\n${output}`)),
    );
  });
  const outputs = JSON.parse(readFileSync(outputsPath, "utf8")) as LocalStackOutputs;
  return {
    process: child,
    outputs,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
      await exited;
    },
  } satisfies RunningStart;
}

export interface KillRunResult {
  readonly killedAfterAccepted: number;
  /** Keys of the webhook transactions answered 202 (before or after the restart). */
  readonly accepted: readonly string[];
  readonly undecided: readonly string[];
  readonly file: FileView & Record<string, unknown>;
  readonly fileRows: number;
  /** Rows of the file not decided (read back one by one when the file did not complete). */
  readonly undecidedRows: readonly string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `done` answers true or the deadline passes; answers the last value. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, deadlineMs: number): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(500);
  }
}

export async function killAndRestart(
  seed: string,
  dataDirectory: string,
  sizes: { readonly webhooks: number; readonly rows: number } = { webhooks: 200, rows: 2000 },
): Promise<KillRunResult> {
  const credentials = {
    apiKey: `kill-${seed}`,
    uploadApiKey: `kill-upload-${seed}`,
    webhookSecret: `whsec_${randomBytes(32).toString("base64")}`,
  };
  const runId = `kill-${seed}-${randomBytes(3).toString("hex")}`;
  const clientFor = (outputs: LocalStackOutputs) =>
    new PipelineClient({ outputs, ...credentials, providerName: "local", runId, decisionTimeoutMs: 0 });
  const bodies = Array.from({ length: sizes.webhooks }, (_, index) =>
    transactionBody(`${runId}-${index + 1}`, { amount: index % 17 === 0 ? "12500.00" : "42.50" }),
  );
  const file = csvFile(`${runId}-row`, sizes.rows);
  const killAfter = Math.floor(seededFraction(seed, "kill") * sizes.webhooks);

  // First life: send everything, kill once `killAfter` webhooks are accepted.
  const first = await startNpm(dataDirectory, credentials);
  const client = clientFor(first.outputs);
  const answered = new Map<string, HttpAnswer>();
  let upload: HttpAnswer<FileView> | undefined;
  let killing: Promise<void> | undefined;
  const killNow = () => (killing ??= first.kill());
  const sending = Promise.allSettled([
    client.uploadCsv(file.body).then((answer) => (upload = answer)),
    mapWithConcurrency(bodies, 8, async (body) => {
      if (killing) return;
      const answer = await client.postWebhook(JSON.stringify(body), {
        deliveryId: `msg_${String(body.transaction_id)}`,
      });
      if (answer.status === 202) answered.set(String(body.transaction_id), answer);
      if (answered.size >= killAfter) void killNow();
    }),
  ]);
  await sending;
  await killNow();

  // Second life: the senders retry what was never answered.
  const second = await startNpm(dataDirectory, credentials);
  try {
    const again = clientFor(second.outputs);
    await mapWithConcurrency(bodies, 8, async (body) => {
      const id = String(body.transaction_id);
      for (let attempt = 0; attempt < 20 && answered.get(id)?.status !== 202; attempt += 1) {
        const answer = await again.postWebhook(JSON.stringify(body), { deliveryId: `msg_${id}` });
        if (answer.status === 202) answered.set(id, answer);
        else if (answer.status < 500) throw new Error(`${id}: answered ${answer.status} ${answer.text}`);
      }
    });
    if (upload?.status !== 202) upload = await again.uploadCsv(file.body);
    if (upload.status !== 202) throw new Error(`upload answered ${upload.status} ${upload.text}`);
    const fileId = String(upload.body.file_id);

    const keys = bodies.map((body) => again.key(String(body.transaction_id)));
    const statuses = await until(
      async () =>
        mapWithConcurrency(keys, 8, async (key) => ({
          key,
          status: (await again.getTransaction(key)).body.status,
        })),
      (all) => all.every(({ status }) => decided.has(status)),
      settleDeadlineMs,
    );
    const finished = await until(
      () => again.getFile(fileId),
      (answer) => answer.body.status === "COMPLETED",
      settleDeadlineMs,
    );
    const undecidedRows =
      finished.body.status === "COMPLETED"
        ? []
        : (
            await mapWithConcurrency(file.keys, 8, async (key) => ({
              key,
              status: (await again.getTransaction(key)).body.status,
            }))
          )
            .filter(({ status }) => !decided.has(status))
            .map(({ key, status }) => `${key} ${status}`);
    return {
      undecidedRows,
      killedAfterAccepted: killAfter,
      accepted: [...answered.keys()].map((id) => again.key(id)),
      undecided: statuses.filter(({ status }) => !decided.has(status)).map(({ key }) => key),
      file: finished.body as unknown as FileView & Record<string, unknown>,
      fileRows: sizes.rows,
    };
  } finally {
    await second.kill();
  }
}
