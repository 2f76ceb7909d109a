/**
 * `npm start`: the whole pipeline on this machine, behind http://127.0.0.1:$PORT (default 3000).
 *
 *   npm start -- [--port 3000] [--data-dir .local/data] [--archive-after-hours 24]
 *                [--outputs .local/outputs.json]
 *
 * Ctrl-C stops taking requests, lets accepted work finish, then stops the emulators; a second
 * Ctrl-C exits at once.
 */
import { parseArgs } from "node:util";
import { relative, resolve } from "node:path";
import { createMaskingLogger } from "../functions/shared/cardMaskingLogFormatter";
import { PortInUseError } from "./apiServer";
import { InvalidLocalSettingError, localProviderName, readLocalCredentials } from "./localCredentials";
import { localOutputsPath, startLocalStack, type LocalStack } from "./localStack";
import { startBanner } from "./startBanner";
import { renderLogsForTerminal } from "./terminalLogs";

const usage =
  "usage: npm start -- [--port <port>] [--data-dir <folder>] [--archive-after-hours <hours>] [--reconcile-after-minutes <minutes>] [--outputs <file>]";

/** How often the local reconciler runs, as the stack's schedule runs it. */
const reconcileIntervalMs = 60_000;

class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${usage}`);
    this.name = "UsageError";
  }
}

function wholeNumber(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

interface StartOptions {
  readonly port: number;
  readonly dataDirectory?: string;
  readonly archiveAfterHours: number;
  readonly reconcileAfterMinutes: number;
  readonly outputsPath: string;
}

function readOptions(argv: string[]): StartOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        "data-dir": { type: "string" },
        "archive-after-hours": { type: "string" },
        "reconcile-after-minutes": { type: "string" },
        outputs: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const port = parsed.values.port ?? process.env.PORT ?? "3000";
  return {
    port: wholeNumber(parsed.values.port ? "--port" : "PORT", port, 0, 65_535),
    dataDirectory: parsed.values["data-dir"],
    outputsPath: resolve(parsed.values.outputs ?? localOutputsPath),
    archiveAfterHours: wholeNumber(
      "--archive-after-hours",
      parsed.values["archive-after-hours"] ?? "24",
      1,
      24 * 366,
    ),
    reconcileAfterMinutes: wholeNumber(
      "--reconcile-after-minutes",
      parsed.values["reconcile-after-minutes"] ?? "15",
      1,
      24 * 60,
    ),
  };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const credentials = readLocalCredentials();
  if (process.stdout.isTTY) renderLogsForTerminal(process.stdout);
  const logger = createMaskingLogger({ serviceName: "local" });
  logger.info("Starting the local pipeline", { port: options.port, dataDirectory: options.dataDirectory });

  const stack: LocalStack = await startLocalStack({
    apiKey: credentials.apiKey,
    uploadApiKey: credentials.uploadApiKey,
    webhookSecret: credentials.webhookSecret,
    providerName: localProviderName,
    port: options.port,
    dataDirectory: options.dataDirectory,
    archiveAfterHours: options.archiveAfterHours,
    outputsPath: options.outputsPath,
    reconcileAfterSeconds: options.reconcileAfterMinutes * 60,
    reconcileIntervalMs,
  });
  process.stdout.write(
    startBanner({
      url: stack.url,
      credentials,
      dataDirectory: options.dataDirectory,
      reconcileAfterMinutes: options.reconcileAfterMinutes,
      outputsPath: relative(process.cwd(), options.outputsPath),
    }),
  );

  let stopping = false;
  const shutDown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn("Second signal: exiting without waiting", { signal });
      process.exit(130);
    }
    stopping = true;
    logger.info("Shutting down: finishing accepted work (Ctrl-C again to exit at once)", { signal });
    stack.stop().then(
      () => {
        logger.info("Stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error("Shutdown failed", { error: error instanceof Error ? error : String(error) });
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutDown);
  process.on("SIGTERM", shutDown);
}

main().catch((error: unknown) => {
  const known =
    error instanceof PortInUseError ||
    error instanceof UsageError ||
    error instanceof InvalidLocalSettingError;
  process.stderr.write(known ? `npm start: ${error.message}\n` : `npm start failed: ${String(error)}\n`);
  if (!known && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
