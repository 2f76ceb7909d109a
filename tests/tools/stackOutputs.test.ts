/**
 * Reading a stack's outputs: the local pipeline's `.local/outputs.json` (a temporary file here)
 * and a deployed stack through `pulumi` (a recorded stand-in for the CLI, which this workspace
 * does not have). What this cannot prove: the exact wording of the real CLI's errors, which the
 * stand-in copies from Pulumi's own messages.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { localCredentials } from "../../local/awsClients";
import {
  awsClientConfig,
  readStackOutputs,
  StackOutputsError,
  type CommandRunner,
  type StackOutputs,
} from "../../tools/stackOutputs";

const deployed = {
  apiUrl: "https://abc123.execute-api.eu-west-1.amazonaws.com/v1",
  webhookUrl: "https://abc123.execute-api.eu-west-1.amazonaws.com/v1/webhook",
  deadLetterQueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/dlq-1",
  routingDeadLetterQueueUrls: {
    high: "https://sqs.eu-west-1.amazonaws.com/123456789012/high-dlq",
    medium: "https://sqs.eu-west-1.amazonaws.com/123456789012/medium-dlq",
    low: "https://sqs.eu-west-1.amazonaws.com/123456789012/low-dlq",
    "high-alert": "https://sqs.eu-west-1.amazonaws.com/123456789012/high-alert-dlq",
  },
  eventBusName: "transaction-pipeline-dev",
  eventBusArn: "arn:aws:events:eu-west-1:123456789012:event-bus/transaction-pipeline-dev",
  eventArchiveName: "routing-archive-1234567",
  transactionsTableName: "transactions-1",
  vpcId: "vpc-1",
  imageDigests: { validation: "sha256:abc" },
};

const local = {
  ...deployed,
  apiUrl: "http://127.0.0.1:3000",
  webhookUrl: "http://127.0.0.1:3000/webhook",
  deadLetterQueueUrl: "http://sqs.us-east-1.127.0.0.1:4566/000000000000/dead-letters-local",
  routingDeadLetterQueueUrls: {},
  region: "us-east-1",
  endpoints: {
    dynamoDb: "http://127.0.0.1:8000",
    sqs: "http://127.0.0.1:4566",
    sns: "http://127.0.0.1:4566",
    s3: "http://127.0.0.1:4566",
    eventBridge: "http://127.0.0.1:4010",
  },
};

interface Call {
  readonly file: string;
  readonly args: readonly string[];
}

/** A `pulumi` stand-in answering by subcommand; a thrown answer is rejected like execFile's. */
function fakePulumi(answers: {
  output?: string | Error;
  region?: string | Error;
}): CommandRunner & { calls: Call[] } {
  const calls: Call[] = [];
  const run = async (file: string, args: readonly string[]) => {
    calls.push({ file, args });
    const answer = args[0] === "stack" ? answers.output : answers.region;
    if (answer instanceof Error) throw answer;
    return answer ?? "";
  };
  return Object.assign(run, { calls });
}

function commandFailure(stderr: string, code: string | number = 255): Error {
  return Object.assign(new Error(`Command failed: pulumi\n${stderr}`), { code, stderr });
}

describe("stack outputs", () => {
  describe("the local stack", () => {
    let directory: string;

    before(async () => {
      directory = await mkdtemp(join(tmpdir(), "stack-outputs-"));
    });

    after(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    async function readLocal(document: unknown): Promise<StackOutputs> {
      const path = join(directory, `outputs-${Math.random().toString(36).slice(2)}.json`);
      await writeFile(path, typeof document === "string" ? document : JSON.stringify(document));
      return readStackOutputs("local", { localOutputsPath: path, run: fakePulumi({}) });
    }

    it("reads the file the local pipeline writes, keeping outputs the schema does not name", async () => {
      const outputs = await readLocal(local);
      expect(outputs.deadLetterQueueUrl).to.equal(local.deadLetterQueueUrl);
      expect(outputs.region).to.equal("us-east-1");
      expect(outputs.endpoints).to.deep.equal(local.endpoints);
      expect(outputs.vpcId).to.equal("vpc-1");
    });

    it("makes clients for the local endpoints with placeholder credentials and path-style S3", async () => {
      const outputs = await readLocal(local);
      expect(awsClientConfig(outputs, "sqs")).to.deep.equal({
        region: "us-east-1",
        endpoint: "http://127.0.0.1:4566",
        credentials: localCredentials,
      });
      expect(awsClientConfig(outputs, "eventBridge").endpoint).to.equal("http://127.0.0.1:4010");
      expect(awsClientConfig(outputs, "s3")).to.include({ forcePathStyle: true });
    });

    it("fails naming a missing output", async () => {
      const { deadLetterQueueUrl: _omitted, ...withoutQueue } = local;
      const error = await readLocal(withoutQueue).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(StackOutputsError);
      expect((error as Error).message).to.match(/: missing output "deadLetterQueueUrl"$/);
    });

    it("fails naming every missing or malformed output at once, the region and endpoints included", async () => {
      const { region: _region, eventBusName: _bus, ...rest } = local;
      const error = await readLocal({ ...rest, endpoints: { ...local.endpoints, sqs: "not a url" } }).catch(
        (caught: unknown) => caught as Error,
      );
      expect(error.message).to.contain('missing output "eventBusName"');
      expect(error.message).to.contain('missing output "region"');
      expect(error.message).to.contain('output "endpoints.sqs": must be an http(s) URL');
    });

    it("says the local pipeline may not be running when the file is absent", async () => {
      const error = await readStackOutputs("local", {
        localOutputsPath: join(directory, "absent.json"),
      }).catch((caught: unknown) => caught as Error);
      expect(error).to.be.instanceOf(StackOutputsError);
      expect(error.message).to.contain("is the local pipeline running (npm start)?");
    });

    it("refuses a file that is not JSON", async () => {
      const error = await readLocal("{ half").catch((caught: unknown) => caught as Error);
      expect(error.message).to.match(/are not valid JSON$/);
    });
  });

  describe("a deployed stack", () => {
    it("reads `pulumi stack output --json` and the stack's aws:region", async () => {
      const pulumi = fakePulumi({ output: JSON.stringify(deployed), region: "eu-west-1\n" });

      const outputs = await readStackOutputs("dev", { run: pulumi, env: {} });

      expect(outputs.region).to.equal("eu-west-1");
      expect(outputs.routingDeadLetterQueueUrls).to.deep.equal(deployed.routingDeadLetterQueueUrls);
      expect(outputs.endpoints).to.equal(undefined);
      expect(pulumi.calls).to.deep.equal([
        { file: "pulumi", args: ["stack", "output", "--json", "--stack", "dev"] },
        { file: "pulumi", args: ["config", "get", "aws:region", "--stack", "dev"] },
      ]);
      expect(awsClientConfig(outputs, "sqs")).to.deep.equal({ region: "eu-west-1" });
    });

    it("falls back to AWS_REGION when the stack sets no aws:region", async () => {
      const pulumi = fakePulumi({
        output: JSON.stringify(deployed),
        region: commandFailure("error: configuration key 'aws:region' not found for stack 'dev'"),
      });
      const outputs = await readStackOutputs("dev", { run: pulumi, env: { AWS_REGION: "eu-central-1" } });
      expect(outputs.region).to.equal("eu-central-1");
    });

    it("fails when neither the stack nor AWS_REGION gives a region", async () => {
      const pulumi = fakePulumi({
        output: JSON.stringify(deployed),
        region: commandFailure("error: configuration key 'aws:region' not found for stack 'dev'"),
      });
      const error = await readStackOutputs("dev", { run: pulumi, env: {} }).catch(
        (caught: unknown) => caught as Error,
      );
      expect(error.message).to.equal(
        'no region for stack "dev": set aws:region in Pulumi.dev.yaml or AWS_REGION',
      );
    });

    it("fails naming a missing output", async () => {
      const { routingDeadLetterQueueUrls: _omitted, ...rest } = deployed;
      const pulumi = fakePulumi({ output: JSON.stringify(rest), region: "eu-west-1" });
      const error = await readStackOutputs("dev", { run: pulumi }).catch(
        (caught: unknown) => caught as Error,
      );
      expect(error).to.be.instanceOf(StackOutputsError);
      expect(error.message).to.equal('stack "dev": missing output "routingDeadLetterQueueUrls"');
    });

    it("says the pulumi CLI is missing", async () => {
      const missing = Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
      const error = await readStackOutputs("dev", { run: fakePulumi({ output: missing }) }).catch(
        (caught: unknown) => caught as Error,
      );
      expect(error).to.be.instanceOf(StackOutputsError);
      expect(error.message).to.match(/^the pulumi CLI was not found on PATH \(needed to read stack "dev"\)/);
      expect(error.message).to.contain("--stack local");
    });

    it("says the stack does not exist", async () => {
      const pulumi = fakePulumi({ output: commandFailure("error: no stack named 'qa' found") });
      const error = await readStackOutputs("qa", { run: pulumi }).catch((caught: unknown) => caught as Error);
      expect(error.message).to.equal(`stack "qa" does not exist (pulumi: error: no stack named 'qa' found)`);
    });

    it("passes on any other pulumi failure with its first line", async () => {
      const pulumi = fakePulumi({ output: commandFailure("error: PULUMI_ACCESS_TOKEN must be set\nmore") });
      const error = await readStackOutputs("dev", { run: pulumi }).catch(
        (caught: unknown) => caught as Error,
      );
      expect(error.message).to.equal(
        'pulumi stack output failed for stack "dev": error: PULUMI_ACCESS_TOKEN must be set',
      );
    });
  });
});
