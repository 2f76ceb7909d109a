/**
 * `npm run demo [-- --url http://127.0.0.1:3000]`
 *
 * Sends a realistic mix through the pipeline (approved, high-value review, sanctioned-country
 * block, invalid amount, duplicate delivery, bad signature, a CSV file with good and bad rows) and
 * prints what happened to each. Uses the `npm start` already running at the URL (with WEBHOOK_SECRET
 * and API_KEY as it has them), or starts a local pipeline of its own for the run. Exits 1 when
 * any outcome differs from the expected one.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { localProviderName, readLocalCredentials } from "../local/localCredentials";
import { startLocalStack, type LocalStack } from "../local/localStack";
import { PipelineClient, type PipelineEndpoint } from "./pipelineClient";
import { demoScenarios } from "./demo/demoScenarios";
import { resultsTable, type ResultRow } from "./demo/resultsTable";
import { ingestApiUrls } from "../pipeline";

async function isRunning(url: string): Promise<boolean> {
  try {
    const answer = await fetch(`${url}/admin/health`, { signal: AbortSignal.timeout(2_000) });
    return answer.ok;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { url: { type: "string" } } });
  const url = (values.url ?? `http://127.0.0.1:${process.env.PORT ?? "3000"}`).replace(/\/$/, "");
  const credentials = readLocalCredentials();
  const runId = randomBytes(3).toString("hex");

  let ownStack: LocalStack | undefined;
  let apiUrl = url;
  if (await isRunning(url)) {
    process.stdout.write(`Using the pipeline running at ${url}\n`);
  } else {
    process.stdout.write(`Nothing answers at ${url}; starting a local pipeline for this run…\n`);
    ownStack = await startLocalStack({
      apiKey: credentials.apiKey,
      uploadApiKey: credentials.uploadApiKey,
      webhookSecret: credentials.webhookSecret,
      providerName: localProviderName,
      port: 0,
      apiLogLevel: "WARN",
      functionEnvironment: { POWERTOOLS_LOG_LEVEL: "WARN", POWERTOOLS_METRICS_DISABLED: "true" },
    });
    apiUrl = ownStack.url;
  }
  const endpoint: PipelineEndpoint = {
    outputs: ingestApiUrls(apiUrl),
    apiKey: credentials.apiKey,
    uploadApiKey: credentials.uploadApiKey,
    webhookSecret: credentials.webhookSecret,
    providerName: localProviderName,
    runId: `demo-${runId}`,
    settled: ownStack ? () => ownStack.pipeline.idle() : undefined,
    decisionTimeoutMs: 15_000,
  };
  const client = new PipelineClient(endpoint);

  const rows: ResultRow[] = [];
  try {
    for (const [index, scenario] of demoScenarios.entries()) {
      process.stdout.write(`[${index + 1}/${demoScenarios.length}] ${scenario.name}\n`);
      const result = await scenario.run(client);
      rows.push({
        scenario: scenario.name,
        http: result.http,
        outcome: result.outcome,
        expected: `${scenario.expected.http} ${scenario.expected.outcome}`,
        ok: result.http === scenario.expected.http && result.outcome === scenario.expected.outcome,
        reasons: result.reasons,
      });
    }
  } finally {
    await ownStack?.stop();
  }
  process.stdout.write(`\n${resultsTable(rows)}\n\n`);
  const failed = rows.filter((row) => !row.ok).length;
  process.stdout.write(
    failed === 0
      ? `All ${rows.length} outcomes as expected. Transaction ids carry the run id demo-${runId}.\n`
      : `${failed} of ${rows.length} outcomes differ from the expected ones (marked XX).\n`,
  );
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `npm run demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(2);
  },
);
