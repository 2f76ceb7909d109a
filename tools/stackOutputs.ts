/**
 * A stack's outputs for the operator tools, validated, from one of two places:
 *
 * - a deployed stack: `pulumi stack output --json --stack <stack>`, its region from
 *   `pulumi config get aws:region --stack <stack>` (or AWS_REGION when the stack sets none);
 * - the stack named `local`: `.local/outputs.json`, written by the running local pipeline with the
 *   same keys plus `region` and the emulators' `endpoints`.
 *
 * Clients for either are made with {@link awsClientConfig}, so a tool never needs to know which.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import { localCredentials } from "../local/awsClients";

/** The stack name that means "the pipeline running on this machine". */
export const localStackName = "local";

/** Where the running local pipeline writes its outputs. */
export const defaultLocalOutputsPath = resolve(__dirname, "..", ".local", "outputs.json");

/** Where Pulumi.yaml is, so `pulumi` finds the project whatever the caller's directory. */
const projectDirectory = resolve(__dirname, "..");

// Not z.url(): local queue URLs such as http://sqs.us-east-1.127.0.0.1:4566/... are not WHATWG URLs.
const endpointUrl = z.string().regex(/^https?:\/\/\S+$/, "must be an http(s) URL");
const name = z.string().min(1, "must not be empty");

/** The outputs every tool may rely on (index.ts exports them; the local pipeline writes them). */
const outputsShape = {
  apiUrl: endpointUrl,
  webhookUrl: endpointUrl,
  deadLetterQueueUrl: endpointUrl,
  /** Dead-letter queue per EventRouting target: "high", "medium", "low", "high-alert". */
  routingDeadLetterQueueUrls: z.record(z.string(), endpointUrl),
  eventBusName: name,
  transactionsTableName: name,
  eventBusArn: name.optional(),
  eventArchiveName: name.optional(),
  stateMachineArn: name.optional(),
  alertsTopicArn: name.optional(),
  intakeTableName: name.optional(),
  archivedTransactionsTableName: name.optional(),
  uploadUrl: endpointUrl.optional(),
  uploadsUrl: endpointUrl.optional(),
  filesUrl: endpointUrl.optional(),
  uploadsBucketName: name.optional(),
  fileStatusTableName: name.optional(),
};

const localEndpointsSchema = z.object({
  dynamoDb: endpointUrl,
  sqs: endpointUrl,
  sns: endpointUrl,
  s3: endpointUrl,
  eventBridge: endpointUrl,
});

// Loose: a stack has more outputs (ARNs, digests, …) than the tools read; they are kept, not refused.
const deployedOutputsSchema = z.looseObject(outputsShape);
const localOutputsSchema = z.looseObject({
  ...outputsShape,
  region: name,
  endpoints: localEndpointsSchema.optional(),
});

export type LocalEndpoints = z.infer<typeof localEndpointsSchema>;
export type LocalService = keyof LocalEndpoints;

export type StackOutputs = z.infer<typeof deployedOutputsSchema> & {
  /** The AWS region the stack is deployed in (locally, the emulators' region). */
  readonly region: string;
  /** Present for the local pipeline: every client must use these endpoints. */
  readonly endpoints?: LocalEndpoints;
};

/** The outputs could not be read or are not what the tools need. */
export class StackOutputsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StackOutputsError";
  }
}

/** What a failed command leaves on the error execFile rejects with. */
interface CommandFailure {
  readonly code?: string | number;
  readonly stderr?: string;
}

/** Runs a command and resolves to its stdout; rejects like execFile (with `code` and `stderr`). */
export type CommandRunner = (file: string, args: readonly string[], cwd: string) => Promise<string>;

const runCommand: CommandRunner = (file, args, cwd) =>
  new Promise((resolvePromise, reject) => {
    execFile(file, [...args], { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr: String(stderr) }));
      else resolvePromise(String(stdout));
    });
  });

export interface ReadStackOutputsOptions {
  /** The file `local` is read from. Default `.local/outputs.json` in the project. */
  readonly localOutputsPath?: string;
  /** Runs `pulumi`; replaced in tests. */
  readonly run?: CommandRunner;
  /** Where AWS_REGION is looked up. Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], source: string): string {
  const problems = issues.map((issue) => {
    const path = issue.path.map(String).join(".") || "(the document)";
    const missing = issue.code === "invalid_type" && issue.input === undefined;
    return missing ? `missing output "${path}"` : `output "${path}": ${issue.message}`;
  });
  return `${source}: ${problems.join("; ")}`;
}

function firstLine(text: string | undefined): string {
  return (text ?? "").trim().split("\n")[0] ?? "";
}

/** A failed `pulumi` command as a StackOutputsError that says what to do about it. */
function pulumiError(error: unknown, args: readonly string[], stack: string): StackOutputsError {
  const failure = error as CommandFailure;
  if (failure.code === "ENOENT") {
    return new StackOutputsError(
      `the pulumi CLI was not found on PATH (needed to read stack "${stack}"); ` +
        `install it (https://www.pulumi.com/docs/install/) or use --stack ${localStackName}`,
      { cause: error },
    );
  }
  const stderr = failure.stderr ?? "";
  if (/no stack named|could not find stack/i.test(stderr)) {
    return new StackOutputsError(`stack "${stack}" does not exist (pulumi: ${firstLine(stderr)})`, {
      cause: error,
    });
  }
  return new StackOutputsError(
    `pulumi ${args.slice(0, 2).join(" ")} failed for stack "${stack}": ${firstLine(stderr) || String(error)}`,
    { cause: error },
  );
}

async function deployedRegion(
  run: CommandRunner,
  stack: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  const args = ["config", "get", "aws:region", "--stack", stack];
  try {
    const configured = (await run("pulumi", args, projectDirectory)).trim();
    if (configured) return configured;
  } catch (error) {
    // An unset key is an answer (fall back to AWS_REGION); any other failure is not.
    if (!/configuration key .* not found/i.test((error as CommandFailure).stderr ?? "")) {
      throw pulumiError(error, args, stack);
    }
  }
  const fromEnvironment = env.AWS_REGION?.trim();
  if (fromEnvironment) return fromEnvironment;
  throw new StackOutputsError(
    `no region for stack "${stack}": set aws:region in Pulumi.${stack}.yaml or AWS_REGION`,
  );
}

async function readLocalOutputs(path: string): Promise<StackOutputs> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const hint =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "is the local pipeline running (npm start)?"
        : String(error);
    throw new StackOutputsError(`cannot read the local outputs ${path}: ${hint}`, { cause: error });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new StackOutputsError(`the local outputs ${path} are not valid JSON`, { cause: error });
  }
  const parsed = localOutputsSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) throw new StackOutputsError(describeIssues(parsed.error.issues, path));
  return parsed.data;
}

/**
 * The outputs of `stack`, validated; a StackOutputsError names what is missing or wrong (the
 * output, the missing CLI, the unknown stack).
 */
export async function readStackOutputs(
  stack: string,
  options: ReadStackOutputsOptions = {},
): Promise<StackOutputs> {
  if (stack === localStackName) return readLocalOutputs(options.localOutputsPath ?? defaultLocalOutputsPath);
  const run = options.run ?? runCommand;
  const args = ["stack", "output", "--json", "--stack", stack];
  let text: string;
  try {
    text = await run("pulumi", args, projectDirectory);
  } catch (error) {
    throw pulumiError(error, args, stack);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new StackOutputsError(`pulumi stack output for "${stack}" is not JSON`, { cause: error });
  }
  const parsed = deployedOutputsSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) {
    throw new StackOutputsError(describeIssues(parsed.error.issues, `stack "${stack}"`));
  }
  const region = await deployedRegion(run, stack, options.env ?? process.env);
  return { ...parsed.data, region };
}

/** Client settings for one AWS SDK v3 client. */
export interface AwsClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly forcePathStyle?: boolean;
}

/**
 * Settings for a client of `service`: the region alone for a deployed stack (credentials from the
 * usual AWS sources), or the local endpoint with placeholder credentials (and path-style S3,
 * which emulators need) for the local pipeline.
 */
export function awsClientConfig(outputs: StackOutputs, service: LocalService): AwsClientConfig {
  if (!outputs.endpoints) return { region: outputs.region };
  return {
    region: outputs.region,
    endpoint: outputs.endpoints[service],
    credentials: localCredentials,
    ...(service === "s3" ? { forcePathStyle: true } : {}),
  };
}
