/**
 * Which IAM actions each AWS SDK v3 command needs, and a scan of a function's own source (its
 * index.ts and everything it imports from the repository, found by esbuild) for the commands it
 * sends. Together they check a function's declared calls (functions/<name>/awsCalls.ts) against
 * its code.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { build } from "esbuild";
import type { FunctionAwsCalls } from "../../functions/shared/awsCallDeclaration";

export interface CommandActions {
  /** Actions the command needs. */
  readonly required: readonly string[];
  /** Actions that change only how it fails (s3:ListBucket turns GetObject's 403 into a 404). */
  readonly optional?: readonly string[];
}

/**
 * SDK command class → IAM actions, from the Service Authorization Reference. A command missing
 * here fails the scan by name: add it.
 */
export const sdkCommandActions: Readonly<Record<string, CommandActions>> = {
  // @aws-sdk/lib-dynamodb document commands and their @aws-sdk/client-dynamodb counterparts.
  GetCommand: { required: ["dynamodb:GetItem"] },
  GetItemCommand: { required: ["dynamodb:GetItem"] },
  PutCommand: { required: ["dynamodb:PutItem"] },
  PutItemCommand: { required: ["dynamodb:PutItem"] },
  UpdateCommand: { required: ["dynamodb:UpdateItem"] },
  UpdateItemCommand: { required: ["dynamodb:UpdateItem"] },
  DeleteCommand: { required: ["dynamodb:DeleteItem"] },
  DeleteItemCommand: { required: ["dynamodb:DeleteItem"] },
  QueryCommand: { required: ["dynamodb:Query"] },
  BatchGetCommand: { required: ["dynamodb:BatchGetItem"] },
  BatchGetItemCommand: { required: ["dynamodb:BatchGetItem"] },
  BatchWriteCommand: { required: ["dynamodb:BatchWriteItem"] },
  BatchWriteItemCommand: { required: ["dynamodb:BatchWriteItem"] },
  GetObjectCommand: { required: ["s3:GetObject"], optional: ["s3:ListBucket"] },
  PutObjectCommand: { required: ["s3:PutObject"] },
  ListObjectsV2Command: { required: ["s3:ListBucket"] },
  // CopyObject reads the source object and writes the destination.
  CopyObjectCommand: { required: ["s3:GetObject", "s3:PutObject"] },
  SendMessageCommand: { required: ["sqs:SendMessage"] },
  DeleteObjectCommand: { required: ["s3:DeleteObject"] },
  ListObjectVersionsCommand: { required: ["s3:ListBucketVersions"] },
  // DeleteObjects is authorised per key: DeleteObjectVersion for the entries that name a version.
  DeleteObjectsCommand: { required: ["s3:DeleteObject", "s3:DeleteObjectVersion"] },
  PutEventsCommand: { required: ["events:PutEvents"] },
  PublishCommand: { required: ["sns:Publish"] },
  GetSecretValueCommand: { required: ["secretsmanager:GetSecretValue"] },
};

const repositoryRoot = path.resolve(__dirname, "../..");

/** The repository's source files a function's bundle is built from (no dependencies). */
export async function functionSourceFiles(folder: string): Promise<string[]> {
  const result = await build({
    entryPoints: [path.join(repositoryRoot, "functions", folder, "index.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    packages: "external",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  return Object.keys(result.metafile.inputs)
    .filter((input) => input.endsWith(".ts"))
    .map((input) => path.resolve(repositoryRoot, input));
}

/** `new XxxCommand(` in the given files: the SDK commands the code sends. */
export function sentCommands(files: readonly string[]): Map<string, string[]> {
  const commands = new Map<string, string[]>();
  for (const file of files) {
    for (const match of fs.readFileSync(file, "utf8").matchAll(/\bnew\s+([A-Z][A-Za-z0-9]*Command)\s*\(/g)) {
      const where = path.relative(repositoryRoot, file);
      commands.set(match[1], [...(commands.get(match[1]) ?? []), where]);
    }
  }
  return commands;
}

/** What is wrong between a function's code and its declaration, one message per problem. */
export function declarationProblems(
  folder: string,
  commands: ReadonlyMap<string, readonly string[]>,
  calls: FunctionAwsCalls,
): string[] {
  const declared = new Set(calls.filter((call) => call.via === undefined).flatMap((call) => call.actions));
  const problems: string[] = [];
  const used = new Set<string>();
  for (const [command, files] of commands) {
    const actions = sdkCommandActions[command];
    if (actions === undefined) {
      problems.push(`${folder} sends ${command} (${files.join(", ")}), which sdkCommandActions does not map`);
      continue;
    }
    for (const action of actions.required) {
      used.add(action);
      if (!declared.has(action)) {
        problems.push(`${folder} sends ${command} (${files.join(", ")}) but its awsCalls lack ${action}`);
      }
    }
    for (const action of actions.optional ?? []) used.add(action);
  }
  for (const action of declared) {
    if (!used.has(action)) problems.push(`${folder} declares ${action}, which no command of its code needs`);
  }
  return problems;
}
