/**
 * `npm run archive:verify -- --bucket B --date YYYY-MM-DD [--endpoint URL] [--region R]`
 *
 * Re-checks one day's partition of the audit archive against its manifest (see
 * archiveVerification.ts) and prints a per-part table and a summary. Exit code 0 when everything
 * matches, 1 when anything does not (a tampered, missing or extra object, or S3 could not be
 * read), 2 on a usage error. Credentials and region come from the usual AWS SDK sources;
 * `--endpoint` points at an S3-compatible emulator (path-style addressing).
 */
import { S3Client } from "@aws-sdk/client-s3";
import { isArchiveDay } from "../functions/shared/archiveLayout";
import { formatPartitionCheck, verifyPartition } from "./archiveVerification";
import { parseOptions, processOutput, startCommand, UsageError, type CliOutput } from "./commandLine";

export { UsageError };

export const usage =
  "Usage: npm run archive:verify -- --bucket <bucket> --date <YYYY-MM-DD> [--endpoint <url>] [--region <region>]\n" +
  "\n" +
  "Re-checks transactions/dt=<date>/ in the audit bucket against its _manifest.json: every part's\n" +
  "SHA-256, byte length and record count, and no object the manifest does not list.\n" +
  "Exit code: 0 all match, 1 a mismatch (or S3 unreadable), 2 usage error.\n";

export const ExitCode = { ok: 0, mismatch: 1, usage: 2 } as const;

export interface VerifyArguments {
  readonly bucket: string;
  readonly date: string;
  readonly endpoint?: string;
  readonly region?: string;
}

/** The arguments, `"help"` for --help, or a UsageError saying what is wrong. */
export function parseVerifyArguments(argv: readonly string[]): VerifyArguments | "help" {
  const values = parseOptions(argv, {
    bucket: { type: "string" },
    date: { type: "string" },
    endpoint: { type: "string" },
    region: { type: "string" },
  });
  if (values.help) return "help";
  if (values.bucket === undefined || values.bucket.trim() === "")
    throw new UsageError("--bucket is required");
  if (values.date === undefined) throw new UsageError("--date is required");
  if (!isArchiveDay(values.date)) {
    throw new UsageError(`--date must be a calendar day as YYYY-MM-DD, got ${JSON.stringify(values.date)}`);
  }
  if (values.endpoint !== undefined && !URL.canParse(values.endpoint)) {
    throw new UsageError(`--endpoint must be a URL, got ${JSON.stringify(values.endpoint)}`);
  }
  return {
    bucket: values.bucket,
    date: values.date,
    ...(values.endpoint === undefined ? {} : { endpoint: values.endpoint }),
    ...(values.region === undefined ? {} : { region: values.region }),
  };
}

/** An S3 client for the arguments: path-style against a custom endpoint, as emulators need. */
export function s3ClientFor(args: VerifyArguments): S3Client {
  return new S3Client({
    ...(args.region === undefined ? {} : { region: args.region }),
    ...(args.endpoint === undefined ? {} : { endpoint: args.endpoint, forcePathStyle: true }),
  });
}

/** Runs the command line and resolves to its exit code; never throws. */
export async function runArchiveVerify(
  argv: readonly string[],
  output: CliOutput = processOutput,
  clientFor: (args: VerifyArguments) => S3Client = s3ClientFor,
): Promise<number> {
  const start = startCommand(
    { name: "archive:verify", usage, parse: parseVerifyArguments, exitCodes: ExitCode },
    argv,
    output,
  );
  if ("exitCode" in start) return start.exitCode;
  const { args } = start;
  const client = clientFor(args);
  try {
    const check = await verifyPartition(client, args.bucket, args.date);
    output.stdout(formatPartitionCheck(check));
    return check.ok ? ExitCode.ok : ExitCode.mismatch;
  } catch (error) {
    const name = error instanceof Error ? `${error.name}: ` : "";
    output.stderr(
      `archive:verify: could not read s3://${args.bucket}: ${name}${error instanceof Error ? error.message : String(error)}\n`,
    );
    return ExitCode.mismatch;
  } finally {
    client.destroy();
  }
}

if (require.main === module) {
  void runArchiveVerify(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
