/**
 * The local stack of `npm start`, in process on a free port, with failures injected through the
 * runtime's fault hooks, and a PipelineClient to drive it over real HTTP.
 */
import { randomBytes } from "node:crypto";
import { StateName } from "../../../components/processing/stateMachineDefinition/index";
import { startLocalStack, type LocalStack } from "../../../local/localStack";
import type { LocalFaultInjection, LocalPipeline } from "../../../local/localPipeline";
import { PipelineClient } from "../../../tools/pipelineClient";

export interface FaultyStackOptions {
  readonly faults?: LocalFaultInjection;
  /** Extra variables for the functions, applied last (e.g. AWS_ENDPOINT_URL_DYNAMODB of a proxy). */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
}

export interface FaultyStack {
  readonly stack: LocalStack;
  readonly pipeline: LocalPipeline;
  readonly client: PipelineClient;
  close(): Promise<void>;
}

export async function startFaultyStack(options: FaultyStackOptions = {}): Promise<FaultyStack> {
  const runId = `rel-${randomBytes(4).toString("hex")}`;
  const webhookSecret = `whsec_${randomBytes(32).toString("base64")}`;
  const apiKey = `test-key-${runId}`;
  const uploadApiKey = `test-upload-key-${runId}`;
  const stack = await startLocalStack({
    apiKey,
    uploadApiKey,
    webhookSecret,
    port: 0,
    apiLogLevel: "SILENT",
    functionEnvironment: {
      POWERTOOLS_LOG_LEVEL: "SILENT",
      POWERTOOLS_METRICS_DISABLED: "true",
      ...options.functionEnvironment,
    },
    // Step retries at once: these tests are about outcomes, not backoff timing.
    retryIntervalOverrides: Object.fromEntries(Object.values(StateName).map((name) => [name, 0])),
    faults: options.faults,
  });
  const client = new PipelineClient({
    outputs: stack.outputs,
    apiKey,
    uploadApiKey,
    webhookSecret,
    providerName: "local",
    runId,
    settled: () => stack.pipeline.idle(),
    // idle() has already waited for every execution; a read after it answers at once.
    decisionTimeoutMs: 1_000,
  });
  return { stack, pipeline: stack.pipeline, client, close: () => stack.stop() };
}
