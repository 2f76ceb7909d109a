/**
 * What the repository's command-line tools share: a usage error, where their output goes, and the
 * usual front matter of a run (read the arguments; on --help print the usage, on a usage error
 * say what is wrong and print it), so every tool answers a bad command line the same way.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A command line the tool cannot run with; the message names the argument. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface CliOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** The named options' values (`--help`/`-h` among them); an unknown or malformed one is a UsageError. */
export function parseOptions<O extends NonNullable<ParseArgsConfig["options"]>>(
  argv: readonly string[],
  options: O,
) {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** How a tool describes itself to `startCommand`. */
export interface CommandLine<A> {
  /** Prefix of its error lines ("replay"). */
  readonly name: string;
  readonly usage: string;
  /** The arguments, `"help"` for --help; throws a UsageError. */
  readonly parse: (argv: readonly string[]) => A | "help";
  readonly exitCodes: { readonly ok: number; readonly usage: number };
}

/** The parsed arguments, or the exit code when the run ends here (help shown, or a usage error). */
export function startCommand<A>(
  command: CommandLine<A>,
  argv: readonly string[],
  output: CliOutput,
): { readonly args: A } | { readonly exitCode: number } {
  let args: A | "help";
  try {
    args = command.parse(argv);
  } catch (error) {
    output.stderr(
      `${command.name}: ${error instanceof Error ? error.message : String(error)}\n\n${command.usage}`,
    );
    return { exitCode: command.exitCodes.usage };
  }
  if (args === "help") {
    output.stdout(command.usage);
    return { exitCode: command.exitCodes.ok };
  }
  return { args };
}
