/**
 * `npm run replay -- --stack <stack> [--dry-run] [--limit N] [--rate R]`
 *
 * Restarts the transactions in a stack's dead-letter queues (the pipeline's and each routing
 * target's) by putting their original "Transaction Received" event back on the pipeline bus, and
 * deletes each message only once the bus accepted it. Prints one line per message (transaction
 * id, queue, when and why it failed, what was done) and a summary; a progress bar on stderr when
 * it is a terminal. Exit code 0 when every message was replayed (or, in a dry run, shown), 1 when
 * a message was kept or skipped or a queue could not be read, 2 on a usage error.
 */
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SQSClient } from "@aws-sdk/client-sqs";
import { MultiBar, Presets } from "cli-progress";
import { deadLetterQueues, printableText, type DeadLetter } from "./replay/deadLetters";
import {
  countDeadLetters,
  replayDeadLetters,
  type Clock,
  type ReplayOutcome,
  type ReplaySummary,
} from "./replay/replayDeadLetters";
import { parseOptions, processOutput, startCommand, UsageError, type CliOutput } from "./commandLine";
import { awsClientConfig, localStackName, readStackOutputs, type StackOutputs } from "./stackOutputs";

export { UsageError };

export const usage =
  "Usage: npm run replay -- --stack <stack> [--dry-run] [--limit <N>] [--rate <R>]\n" +
  "\n" +
  "Restarts the transactions in the stack's dead-letter queues: each one's original\n" +
  '"Transaction Received" event is put back on the pipeline bus, and the message is deleted\n' +
  "only once the bus accepted it. Replaying is idempotent: a transaction already decided stays\n" +
  "as it was decided.\n" +
  "\n" +
  "  --stack <stack>  a deployed Pulumi stack (dev, prod, ...), or local for the pipeline npm start runs\n" +
  "  --dry-run        show what failed and why; change nothing\n" +
  "  --limit <N>      stop after N messages\n" +
  "  --rate <R>       at most R restarts per second (decimals allowed)\n" +
  "\n" +
  "Exit code: 0 all replayed (or shown), 1 a message kept or skipped or a queue unreadable, 2 usage error.\n";

export const ExitCode = { ok: 0, incomplete: 1, usage: 2 } as const;

export interface ReplayArguments {
  readonly stack: string;
  readonly dryRun: boolean;
  readonly limit?: number;
  readonly rate?: number;
}

/** The arguments, `"help"` for --help, or a UsageError naming the argument that is wrong. */
export function parseReplayArguments(argv: readonly string[]): ReplayArguments | "help" {
  const values = parseOptions(argv, {
    stack: { type: "string" },
    "dry-run": { type: "boolean" },
    limit: { type: "string" },
    rate: { type: "string" },
  });
  if (values.help) return "help";
  const stack = values.stack?.trim();
  if (!stack) throw new UsageError("--stack is required");
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = /^\d+$/.test(values.limit) ? Number(values.limit) : Number.NaN;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new UsageError(
        `--limit must be a whole number of at least 1, got ${JSON.stringify(values.limit)}`,
      );
    }
  }
  let rate: number | undefined;
  if (values.rate !== undefined) {
    rate = /^\d+(\.\d+)?$/.test(values.rate) ? Number(values.rate) : Number.NaN;
    if (!Number.isFinite(rate) || rate <= 0) {
      throw new UsageError(
        `--rate must be a number of restarts per second above 0, got ${JSON.stringify(values.rate)}`,
      );
    }
  }
  return {
    stack,
    dryRun: values["dry-run"] ?? false,
    ...(limit === undefined ? {} : { limit }),
    ...(rate === undefined ? {} : { rate }),
  };
}

export interface ReplayClientsForStack {
  readonly sqs: SQSClient;
  readonly eventBridge: EventBridgeClient;
}

export interface ReplayCliDependencies {
  readonly output?: CliOutput;
  readonly readOutputs?: (stack: string) => Promise<StackOutputs>;
  readonly clientsFor?: (outputs: StackOutputs) => ReplayClientsForStack;
  readonly clock?: Clock;
  /** ReceiveMessage long-poll seconds. Default 1. */
  readonly waitTimeSeconds?: number;
  /** Draw the progress bar on stderr. Default: when stderr is a terminal. */
  readonly progress?: boolean;
}

/** Clients for the stack: its region, or the local pipeline's endpoints. */
export function clientsForStack(outputs: StackOutputs): ReplayClientsForStack {
  return {
    sqs: new SQSClient(awsClientConfig(outputs, "sqs")),
    eventBridge: new EventBridgeClient(awsClientConfig(outputs, "eventBridge")),
  };
}

/** The transaction id as printed: masked, in case a card number was used as one. */
function shownId(letter: DeadLetter): string {
  return letter.transactionId === undefined
    ? `message ${letter.messageId}`
    : printableText(letter.transactionId);
}

/** One line per message: what, where, when, why, and what was done. Never the event detail. */
export function formatOutcome(outcome: ReplayOutcome): string {
  const { letter } = outcome;
  const done = (() => {
    switch (outcome.kind) {
      case "replayed":
        return `replayed (event ${outcome.eventId})`;
      case "kept":
        return `kept: ${outcome.why}`;
      case "skipped":
        return `skipped, cannot replay: ${outcome.letter.problem}`;
      case "shown":
        return letter.replayable ? "would replay" : `cannot replay: ${letter.problem}`;
    }
  })();
  const origin = letter.origin ? ` [${letter.origin}]` : "";
  return `${letter.queue.name}  ${shownId(letter)}  failed ${letter.failedAt ?? "(time unknown)"}: ${letter.reason}${origin}\n    → ${done}\n`;
}

export function formatSummary(summary: ReplaySummary, dryRun: boolean): string {
  const lines: string[] = [];
  const total = summary.outcomes.length;
  if (dryRun) {
    const replayable = summary.outcomes.filter((outcome) => outcome.letter.replayable).length;
    lines.push(
      `Dry run: ${total} message(s) shown, ${replayable} replayable, ${total - replayable} not; nothing was changed.`,
    );
  } else {
    lines.push(
      `Replayed ${summary.replayed}, kept ${summary.kept}, skipped ${summary.skipped} (of ${total} message(s)).`,
    );
    const kept = summary.outcomes.filter((outcome) => outcome.kind === "kept");
    if (kept.length > 0) {
      lines.push("Kept in their queue (visible again; run again once the cause is fixed):");
      for (const outcome of kept)
        lines.push(`  ${outcome.letter.queue.name}  ${shownId(outcome.letter)}: ${outcome.why}`);
    }
    const skipped = summary.outcomes.filter((outcome) => outcome.kind === "skipped");
    if (skipped.length > 0) {
      lines.push("Skipped as unreplayable (left in their queue, never deleted):");
      for (const outcome of skipped) {
        // The message id too: it is how the message is found in the queue.
        const id =
          outcome.letter.transactionId === undefined
            ? shownId(outcome.letter)
            : `${shownId(outcome.letter)} (message ${outcome.letter.messageId})`;
        lines.push(`  ${outcome.letter.queue.name}  ${id}: ${outcome.letter.problem}`);
      }
    }
  }
  for (const { queue, message } of summary.queueErrors)
    lines.push(`Could not read ${queue.name}: ${message}`);
  if (summary.visibilityResetFailures > 0) {
    lines.push(
      `${summary.visibilityResetFailures} message(s) could not be made visible again; they reappear after their visibility timeout.`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function exitCodeOf(summary: ReplaySummary, dryRun: boolean): number {
  if (summary.queueErrors.length > 0) return ExitCode.incomplete;
  if (dryRun) return ExitCode.ok;
  return summary.kept + summary.skipped > 0 ? ExitCode.incomplete : ExitCode.ok;
}

/** Runs the command line and resolves to its exit code; never throws. */
export async function runReplay(
  argv: readonly string[],
  dependencies: ReplayCliDependencies = {},
): Promise<number> {
  const output = dependencies.output ?? processOutput;
  const start = startCommand(
    { name: "replay", usage, parse: parseReplayArguments, exitCodes: ExitCode },
    argv,
    output,
  );
  if ("exitCode" in start) return start.exitCode;
  const { args } = start;

  let outputs: StackOutputs;
  try {
    outputs = await (dependencies.readOutputs ?? readStackOutputs)(args.stack);
  } catch (error) {
    output.stderr(`replay: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.incomplete;
  }
  const queues = deadLetterQueues(outputs);
  const clients = (dependencies.clientsFor ?? clientsForStack)(outputs);
  const queueNames = queues.map((queue) => queue.name).join(", ");
  output.stdout(
    args.dryRun
      ? `Dry run for stack "${args.stack}" (${outputs.region}): reading ${queueNames}; nothing will be changed.\n`
      : `Replaying the dead letters of stack "${args.stack}" (${outputs.region}) from ${queueNames} onto bus ${outputs.eventBusName}.\n`,
  );

  const showProgress = dependencies.progress ?? process.stderr.isTTY === true;
  let bars: MultiBar | undefined;
  let bar: ReturnType<MultiBar["create"]> | undefined;
  if (showProgress) {
    const waiting = await countDeadLetters(clients.sqs, queues);
    const total = Math.min(waiting ?? 0, args.limit ?? Number.POSITIVE_INFINITY);
    bars = new MultiBar(
      {
        stream: process.stderr,
        format: "{bar} {value}/{total} messages",
        // Shown: an interrupted run must not leave the terminal without a cursor.
        hideCursor: false,
        clearOnComplete: true,
      },
      Presets.shades_classic,
    );
    bar = bars.create(total, 0);
  }
  // With the bar on the same terminal, lines go above it; otherwise straight to stdout.
  const writeLine = (text: string): void => {
    if (bars && process.stdout.isTTY) bars.log(text);
    else output.stdout(text);
  };

  let summary: ReplaySummary;
  let processed = 0;
  try {
    summary = await replayDeadLetters(
      {
        sqs: clients.sqs,
        eventBridge: clients.eventBridge,
        ...(dependencies.clock ? { clock: dependencies.clock } : {}),
      },
      {
        queues,
        eventBusName: outputs.eventBusName,
        dryRun: args.dryRun,
        ...(args.limit === undefined ? {} : { limit: args.limit }),
        ...(args.rate === undefined ? {} : { ratePerSecond: args.rate }),
        ...(dependencies.waitTimeSeconds === undefined
          ? {}
          : { waitTimeSeconds: dependencies.waitTimeSeconds }),
        onOutcome: (outcome) => {
          processed += 1;
          writeLine(formatOutcome(outcome));
          if (bar) {
            // ApproximateNumberOfMessages is approximate; the bar never runs past its end.
            if (processed > bar.getTotal()) bar.setTotal(processed);
            bar.update(processed);
          }
        },
      },
    );
  } catch (error) {
    output.stderr(
      `replay: stopped by an unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return ExitCode.incomplete;
  } finally {
    // update() writes the lines still buffered by log(); stop() alone would drop them.
    if (bars?.isActive) bars.update();
    bars?.stop();
    clients.sqs.destroy();
    clients.eventBridge.destroy();
  }

  output.stdout(formatSummary(summary, args.dryRun));
  if (summary.queueErrors.length > 0 && args.stack === localStackName) {
    output.stderr("replay: is the local pipeline running (npm start)?\n");
  }
  return exitCodeOf(summary, args.dryRun);
}

if (require.main === module) {
  void runReplay(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
