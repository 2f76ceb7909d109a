/**
 * The pipeline the end-to-end API suite drives, described by stack outputs. By default the local
 * stack of `npm start`, started in process on a free port; with PIPELINE_TEST_STACK set (what
 * `npm run test:integration -- --stack <name>` does) a deployed stack read through
 * `pulumi stack output --json`, whose API keys and webhook signing secret come from
 * PIPELINE_TEST_API_KEY, PIPELINE_TEST_UPLOAD_API_KEY and PIPELINE_TEST_WEBHOOK_SECRET (they are
 * not stack outputs).
 */
import { randomBytes } from "node:crypto";
import { SQSClient } from "@aws-sdk/client-sqs";
import { StateName } from "../../../components/processing/stateMachineDefinition/index";
import { startLocalStack } from "../../../local/localStack";
import { PipelineClient, type PipelineEndpoint } from "../../../tools/pipelineClient";
import { awsClientConfig, readStackOutputs, type StackOutputs } from "../../../tools/stackOutputs";

export interface PipelineTarget extends PipelineEndpoint {
  /** "local" or the stack name. */
  readonly name: string;
  readonly outputs: StackOutputs;
  readonly sqs: SQSClient;
  close(): Promise<void>;
}

function requiredVariable(name: string, stack: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set to test the deployed stack "${stack}"`);
  return value;
}

export async function openPipelineTarget(): Promise<PipelineTarget> {
  const runId = `e2e-${randomBytes(4).toString("hex")}`;
  const stack = process.env.PIPELINE_TEST_STACK;
  if (stack) {
    const outputs = await readStackOutputs(stack);
    const sqs = new SQSClient(awsClientConfig(outputs, "sqs"));
    return {
      name: stack,
      outputs,
      apiKey: requiredVariable("PIPELINE_TEST_API_KEY", stack),
      uploadApiKey: requiredVariable("PIPELINE_TEST_UPLOAD_API_KEY", stack),
      webhookSecret: requiredVariable("PIPELINE_TEST_WEBHOOK_SECRET", stack),
      providerName: process.env.PIPELINE_TEST_PROVIDER ?? "acme",
      runId,
      decisionTimeoutMs: 60_000,
      sqs,
      async close() {
        sqs.destroy();
      },
    };
  }
  const webhookSecret = `whsec_${randomBytes(32).toString("base64")}`;
  const apiKey = `test-key-${runId}`;
  const uploadApiKey = `test-upload-key-${runId}`;
  const stack_ = await startLocalStack({
    apiKey,
    uploadApiKey,
    webhookSecret,
    port: 0,
    apiLogLevel: "SILENT",
    functionEnvironment: { POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true" },
    // Step retries at once: the suite is about outcomes, not backoff timing.
    retryIntervalOverrides: Object.fromEntries(Object.values(StateName).map((name) => [name, 0])),
  });
  const outputs: StackOutputs = stack_.outputs;
  const sqs = new SQSClient(awsClientConfig(outputs, "sqs"));
  return {
    name: "local",
    outputs,
    apiKey,
    uploadApiKey,
    webhookSecret,
    providerName: "local",
    runId,
    settled: () => stack_.pipeline.idle(),
    decisionTimeoutMs: 10_000,
    sqs,
    async close() {
      sqs.destroy();
      await stack_.stop();
    },
  };
}

/** The open target of a suite and its client; read them inside tests and hooks. */
export interface PipelineUnderTest {
  readonly target: PipelineTarget;
  readonly client: PipelineClient;
}

/** Opens the target before the suite's tests and closes it after them. */
export function usePipelineTarget(): PipelineUnderTest {
  let opened: PipelineUnderTest | undefined;
  before(async () => {
    const target = await openPipelineTarget();
    opened = { target, client: new PipelineClient(target) };
  });
  after(async () => {
    await opened?.target.close();
  });
  const current = (): PipelineUnderTest => {
    if (!opened) throw new Error("the pipeline under test is read before the suite's before hook ran");
    return opened;
  };
  return {
    get target() {
      return current().target;
    },
    get client() {
      return current().client;
    },
  };
}
