/**
 * The capacity suite: the model of bench/capacity/model.ts fed with the latest domain and bundles
 * results (bench/results/), the stack files (Pulumi.dev.yaml, Pulumi.prod.yaml, read and
 * validated by stackConfig.ts) and the assumptions of bench/capacity/assumptions.ts, beside the
 * seeds' function settings under the same load, against the seeds' 10,000 transactions a minute.
 *
 * It models the webhook path, one accepted delivery end to end: API Gateway, webhook-intake, the
 * bus, the Express state machine (validation, fraud and compliance in parallel, the decision
 * record, "Transaction Processed", the alert). Deliveries the intake rejects cost an API call and
 * one intake invocation each and are not counted.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { buildTransactionStateMachineDefinition } from "../../components/processing/stateMachineDefinition/index";
import { interfaceEndpointServicesFor } from "../../components/platform/declaredCalls";
import { smsAlertFilterPolicy } from "../../components/platform/dataStores";
import { defaultItemConcurrency, defaultPartConcurrency } from "../../functions/archival/archivalRun";
import { estimateArchivalRun, type ArchivalRunEstimate } from "./archivalModel";
import { parseStackConfig, type StackConfig } from "../../stackConfig";
import { formatTable, resultsDirectory, say } from "../lib/report";
import { runDomainSuite, defaultDomainSeed, quickDomainCount } from "../domain/suite";
import { benchHighValueAlertUsdMinor, domainStages, type WorkloadProfile } from "../domain/measure";
import { LatencyMs, Prices, Quotas, SeedFunctionSettings, Workload } from "./assumptions";
import {
  estimateCapacity,
  monthlyCostUsd,
  type Architecture,
  type CapacityEstimate,
  type CapacityInputs,
  type ConcurrencyPool,
  type CostLine,
  type LambdaFunctionLoad,
} from "./model";
import { functionAwsCalls } from "../../pipeline";

const repositoryRoot = path.resolve(__dirname, "..", "..");
const project = "transaction-pipeline";

/** The parts of a domain results file the model reads. */
const domainResultsSchema = z.object({
  startedAt: z.string(),
  machine: z.object({ cpuModel: z.string(), cores: z.number(), node: z.string() }),
  count: z.number(),
  stages: z.array(
    z.object({
      stage: z.enum(domainStages),
      micros: z.object({ mean: z.number(), p50: z.number(), p99: z.number() }),
    }),
  ),
  profile: z.custom<WorkloadProfile>(
    (value) => typeof value === "object" && value !== null && "dynamoDb" in value,
  ),
});
type DomainResults = z.infer<typeof domainResultsSchema>;

const bundlesResultsSchema = z.object({
  startedAt: z.string(),
  bundles: z.array(z.object({ functionDirectory: z.string(), initMedianMs: z.number() })),
});
type BundlesResults = z.infer<typeof bundlesResultsSchema>;

async function latestResults<T>(
  suite: string,
  schema: z.ZodType<T>,
): Promise<{ file: string; results: T } | undefined> {
  const names = await readdir(resultsDirectory).catch(() => [] as string[]);
  // Timestamps in the names sort chronologically.
  const candidates = names
    .filter((name) => name.startsWith(`${suite}-`) && name.endsWith(".json"))
    .sort()
    .reverse();
  for (const name of candidates) {
    const file = path.join(resultsDirectory, name);
    const parsed = schema.safeParse(JSON.parse(await readFile(file, "utf8")));
    if (parsed.success) return { file, results: parsed.data };
  }
  return undefined;
}

/**
 * A stack file's config, validated by the program's own parser. The files carry no signing
 * secrets (they are stack secrets), so placeholders of the right shape stand in for them; the
 * model reads none of them.
 */
export async function loadStackFile(stack: string): Promise<StackConfig> {
  const text = await readFile(path.join(repositoryRoot, `Pulumi.${stack}.yaml`), "utf8");
  const file = z.object({ config: z.record(z.string(), z.unknown()) }).parse(parseYaml(text));
  const prefix = `${project}:`;
  const raw: Record<string, unknown> = Object.fromEntries(
    Object.entries(file.config)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
  const providers = z
    .array(z.object({ name: z.string(), scheme: z.string() }))
    .parse(raw.webhookProviders ?? []);
  raw.webhookSigningSecrets = Object.fromEntries(
    providers.map((provider) => [
      provider.name,
      [
        provider.scheme === "stripe"
          ? `whsec_${"0".repeat(32)}`
          : `whsec_${Buffer.alloc(32).toString("base64")}`,
      ],
    ]),
  );
  return parseStackConfig(raw);
}

/** How the functions of one deployment are set. */
interface Deployment {
  readonly label: string;
  readonly memoryMb: number;
  readonly architecture: Architecture;
  readonly timeoutSeconds: number;
  /** Per state-machine function; undefined: they share the account's pool with everything else. */
  readonly reservedConcurrency?: number;
  readonly webhookThrottleRps: number;
  readonly smsAlerts: boolean;
  /** Decision statuses the SMS subscription's filter policy lets through. */
  readonly smsStatuses: readonly string[];
  readonly highValueAlertUsd: number;
  readonly stateMachineLogLevel: StackConfig["stateMachineLogLevel"];
  /** Transactions per archive part. */
  readonly archiveChunkSize: number;
}

function deploymentOf(label: string, config: StackConfig): Deployment {
  return {
    label,
    memoryMb: config.functions.memoryMb,
    architecture: "arm64",
    timeoutSeconds: config.functions.timeoutSeconds,
    reservedConcurrency: config.functions.reservedConcurrency,
    webhookThrottleRps: config.api.webhookThrottlingRateLimit,
    smsAlerts: config.alertSms !== undefined,
    smsStatuses: smsAlertFilterPolicy.status,
    highValueAlertUsd: config.highValueAlertUsd,
    stateMachineLogLevel: config.stateMachineLogLevel,
    archiveChunkSize: config.archive.chunkSize,
  };
}

/** The seeds' Lambda settings on prod's pipeline (same API limits and alert subscriptions). */
function seedDeployment(prod: Deployment): Deployment {
  return {
    ...prod,
    label: "seed settings (3 GB x86_64, 100 reserved)",
    memoryMb: SeedFunctionSettings.memoryMb,
    architecture: SeedFunctionSettings.architecture,
    timeoutSeconds: SeedFunctionSettings.timeoutSeconds,
    reservedConcurrency: SeedFunctionSettings.reservedConcurrency,
  };
}

/** Compute measured on one local core, scaled to the CPU share Lambda gives `memoryMb`. */
function computeMs(micros: number, memoryMb: number): number {
  return (micros / 1000) * Math.max(1, Workload.lambdaMemoryPerVcpuMb / memoryMb);
}

/**
 * Log events an Express execution writes at level ALL: started and succeeded, Entered and Exited
 * per state, Scheduled/Started/Succeeded per task, Started/Succeeded per Parallel state.
 */
function executionLogEvents(states: number, tasks: number, parallels: number): number {
  return 2 + 2 * states + 3 * tasks + 2 * parallels;
}

export function capacityInputs(
  deployment: Deployment,
  domain: DomainResults,
  initMs: (functionDirectory: string) => number,
  targetTransactionsPerSecond: number,
): CapacityInputs {
  const micros = (stage: (typeof domainStages)[number]): number =>
    domain.stages.find((result) => result.stage === stage)?.micros.mean ?? 0;
  const profile = domain.profile;
  const db = profile.dynamoDb;
  const io = LatencyMs;
  const perInvocation = (functionDirectory: string, compute: number, ioMs: number): number =>
    compute + ioMs + io.lambdaInvocationOverhead + Workload.coldStartShare * initMs(functionDirectory);
  const durations = {
    "webhook-intake": perInvocation(
      "webhook-intake",
      computeMs(micros("intake"), deployment.memoryMb),
      // Claim (conditional put), PutEvents, accept (conditional update).
      io.dynamoDbItem + io.eventBridgePutEvents + io.dynamoDbItem,
    ),
    // Conditional put, then the archived-transactions check.
    validation: perInvocation(
      "validation",
      computeMs(micros("validation"), deployment.memoryMb),
      2 * io.dynamoDbItem,
    ),
    "fraud-detection": perInvocation(
      "fraud-detection",
      computeMs(micros("fraud"), deployment.memoryMb),
      io.dynamoDbQuery,
    ),
    compliance: perInvocation(
      "compliance",
      computeMs(micros("compliance"), deployment.memoryMb),
      profile.complianceQueryShare * io.dynamoDbQuery,
    ),
    // Every "Transaction Processed": a webhook decision is only counted (a metric), no I/O.
    notifier: perInvocation("notifier", 0, 0),
  };
  const archivalRunForLoad = archivalEstimate(
    deployment,
    profile.dynamoDb.decidedItemBytes,
    archivalTransactionsPerRun,
  );
  const reserved = deployment.reservedConcurrency;
  const accountPool =
    reserved === undefined ? "account pool (unreserved)" : "account pool (unreserved remainder)";
  const steps = ["validation", "fraud-detection", "compliance"] as const;
  const lambdaFunctions: LambdaFunctionLoad[] = (Object.keys(durations) as (keyof typeof durations)[]).map(
    (name) => ({
      name,
      invocationsPerTransaction: 1,
      durationMs: durations[name],
      memoryMb: deployment.memoryMb,
      architecture: deployment.architecture,
      pool:
        reserved !== undefined && (steps as readonly string[]).includes(name)
          ? `${name} (reserved)`
          : accountPool,
    }),
  );
  const pools: ConcurrencyPool[] =
    reserved === undefined
      ? [{ name: accountPool, concurrency: Quotas.lambdaAccountConcurrency }]
      : [
          ...steps.map((name) => ({ name: `${name} (reserved)`, concurrency: reserved })),
          {
            name: accountPool,
            concurrency: Math.max(
              Quotas.lambdaUnreservedMinimum,
              Quotas.lambdaAccountConcurrency - steps.length * reserved,
            ),
          },
        ];

  lambdaFunctions.push({
    name: "archival",
    invocationsPerTransaction: 1 / archivalTransactionsPerRun,
    durationMs: archivalRunForLoad.runSeconds * 1000,
    memoryMb: deployment.memoryMb,
    architecture: deployment.architecture,
    pool: accountPool,
  });
  const invoke = (name: keyof typeof durations): number => io.stepFunctionsLambdaInvoke + durations[name];
  // MarkPublished included: the decision record, "Transaction Processed", then its published mark.
  const statesVisited = 15;
  const screened =
    statesVisited * io.stepFunctionsTransition +
    invoke("validation") +
    Math.max(invoke("fraud-detection"), invoke("compliance")) +
    io.dynamoDbItem +
    io.eventBridgePutEvents +
    io.dynamoDbItem;
  const alertShare = profile.alertShare;
  const alertsPerTransaction = alertShare + profile.highLaneShare;
  const definition = buildTransactionStateMachineDefinition({
    validateFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:validation",
    fraudDetectionFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:fraud-detection",
    complianceFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:compliance",
    transactionsTableName: "transactions",
    alertsTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
    deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/dead-letters",
    eventBusName: "transactions",
    highValueAlertUsdMinor: deployment.highValueAlertUsd * 100,
  });
  // Step Functions' own formula: 50 MB + definition + execution data × parallel branches.
  const executionBytes = profile.receivedEventBytes + profile.processedEventBytes + db.decidedItemBytes;
  const expressMemoryMb = 50 + (Buffer.byteLength(JSON.stringify(definition)) + 2 * executionBytes) / 2 ** 20;

  // MarkPublished updates the decided item (no index key or projected attribute changes).
  const markPublishedWru = Math.ceil(db.decidedItemBytes / 1024);
  const transactionsTableWru =
    db.transactionPutWru +
    db.customerIndexWru +
    db.recordDecisionWru +
    db.customerIndexWru +
    db.decidedDayIndexWru +
    markPublishedWru;
  // Archival, per transaction: the consistent read of the item, its archived record, and the
  // conditional delete (the item and its two index entries).
  const archivedRecordWru = 1;
  const archivalWru =
    archivedRecordWru + Math.ceil(db.decidedItemBytes / 1024) + db.customerIndexWru + db.decidedDayIndexWru;
  const archivalRru = Math.ceil(db.decidedItemBytes / 4096);
  const archivalRun = archivalEstimate(deployment, db.decidedItemBytes, archivalTransactionsPerRun);
  const transactionsIndexRru = db.fraudQueryRru + profile.complianceQueryShare * db.complianceQueryRru;
  const lambdaLogBytes = Object.keys(durations).length * Workload.lambdaLogBytesPerInvocation;
  // Validate, fraud, compliance, record, publish; and the alert when there is one.
  const tasks = 5 + alertShare;
  // At ERROR (prod) a successful execution logs nothing; at ALL (dev) every state and task.
  const stepFunctionsLogBytes =
    deployment.stateMachineLogLevel === "ALL"
      ? executionLogEvents(statesVisited, tasks, 1) * Workload.stepFunctionsLogEventBytes
      : 0;
  const decided = profile.decisions.APPROVED + profile.decisions.REVIEW + profile.decisions.REJECTED;
  const smsShare =
    decided === 0
      ? 0
      : deployment.smsStatuses.reduce(
          (sum, status) => sum + (profile.decisions[status as keyof typeof profile.decisions] ?? 0),
          0,
        ) / decided;
  const archivedBytes =
    profile.receivedEventBytes + profile.processedEventBytes + 2 * Workload.eventEnvelopeBytes;
  const tracedShare = Math.min(
    1,
    (Workload.xrayReservoirPerSecond +
      Workload.xraySampledShare * Math.max(0, targetTransactionsPerSecond - 1)) /
      targetTransactionsPerSecond,
  );

  return {
    lambdaFunctions,
    pools,
    limits: [
      {
        name: "API Gateway POST /webhook throttle",
        perSecond: deployment.webhookThrottleRps,
        usesPerTransaction: 1,
      },
      { name: "API Gateway account requests", perSecond: Quotas.apiGatewayAccountRps, usesPerTransaction: 1 },
      // "Transaction Received" from the intake, "Transaction Processed" from the state machine.
      {
        name: "EventBridge PutEvents",
        perSecond: Quotas.eventBridgePutEventsPerSecond,
        usesPerTransaction: 2,
      },
      {
        name: "EventBridge target invocations",
        perSecond: Quotas.eventBridgeInvocationsPerSecond,
        // The state machine, the high lane's SNS alert, and the notifier on "Transaction Processed".
        usesPerTransaction: 2 + profile.highLaneShare,
      },
      {
        name: "Step Functions Express starts",
        perSecond: Quotas.expressStartExecutionPerSecond,
        usesPerTransaction: 1,
      },
      {
        name: "DynamoDB transactions table writes",
        perSecond: Quotas.dynamoDbTableWriteUnitsPerSecond,
        usesPerTransaction: db.transactionPutWru + db.recordDecisionWru,
      },
      {
        name: "DynamoDB intake-records table writes",
        perSecond: Quotas.dynamoDbTableWriteUnitsPerSecond,
        usesPerTransaction: db.intakeClaimWru + db.intakeAcceptWru,
      },
      {
        name: "SNS Publish",
        perSecond: Quotas.snsPublishPerSecond,
        usesPerTransaction: alertsPerTransaction,
      },
    ],
    express: {
      executionsPerTransaction: 1,
      memoryMb: expressMemoryMb,
      paths: [
        { name: "screened, alert", share: alertShare, durationMs: screened + io.snsPublish },
        { name: "screened, no alert", share: 1 - alertShare, durationMs: screened },
      ],
    },
    usage: [
      {
        service: "API Gateway",
        item: "REST requests",
        unit: "requests",
        quantityPerTransaction: 1,
        usdPerUnit: Prices.apiGatewayRestRequest,
      },
      {
        service: "DynamoDB",
        item: "writes (claim, accept, put, decision, MarkPublished, index entries, archival)",
        unit: "WRU",
        quantityPerTransaction: db.intakeClaimWru + db.intakeAcceptWru + transactionsTableWru + archivalWru,
        usdPerUnit: Prices.dynamoDbWriteRequestUnit,
      },
      {
        service: "DynamoDB",
        item: "reads (history queries, archived check, archival read)",
        unit: "RRU",
        quantityPerTransaction: transactionsIndexRru + db.archivedCheckRru + archivalRru,
        usdPerUnit: Prices.dynamoDbReadRequestUnit,
      },
      {
        service: "EventBridge",
        item: "custom events (received, processed)",
        unit: "events",
        quantityPerTransaction: 2,
        usdPerUnit: Prices.eventBridgeCustomEvent,
      },
      {
        service: "EventBridge",
        item: "archive",
        unit: "GB",
        quantityPerTransaction: archivedBytes / 1e9,
        usdPerUnit: Prices.eventBridgeArchivedGb,
      },
      {
        service: "SNS",
        item: "alert publishes",
        unit: "publishes",
        quantityPerTransaction: alertsPerTransaction,
        usdPerUnit: Prices.snsPublish,
      },
      {
        service: "SNS",
        item: "email deliveries",
        unit: "emails",
        quantityPerTransaction: alertsPerTransaction,
        usdPerUnit: Prices.snsEmailDelivery,
      },
      {
        service: "SNS",
        item: "SMS deliveries",
        unit: "messages",
        // The SMS subscription's filter policy lets only these statuses through.
        quantityPerTransaction: deployment.smsAlerts ? smsShare : 0,
        usdPerUnit: Prices.snsSmsDelivery,
      },
      {
        service: "CloudWatch Logs",
        item: "Lambda and Express execution logs",
        unit: "GB",
        quantityPerTransaction: (lambdaLogBytes + stepFunctionsLogBytes) / 1e9,
        usdPerUnit: Prices.cloudWatchLogsIngestedGb,
      },
      {
        service: "S3",
        item: "archive part and manifest PUTs (the verifying GETs cost a tenth)",
        unit: "requests",
        quantityPerTransaction: archivalRun.requests.s3Put / archivalTransactionsPerRun,
        usdPerUnit: Prices.s3PutRequest,
      },
      {
        service: "X-Ray",
        item: "traces recorded (default sampling)",
        unit: "traces",
        quantityPerTransaction: tracedShare,
        usdPerUnit: Prices.xrayTraceRecorded,
      },
    ],
    prices: {
      lambdaGbSecond: Prices.lambdaGbSecond,
      lambdaRequest: Prices.lambdaRequest,
      expressRequest: Prices.expressRequest,
      expressGbSecond: Prices.expressGbSecond,
    },
    lambdaBillingStepMs: Workload.lambdaBillingStepMs,
  };
}

/** An hourly archival run at the target rate: 10,000 a minute is 600,000 an hour. */
export const archivalTransactionsPerRun = Workload.targetTransactionsPerMinute * 60;

/** One archival run over `transactions` decided transactions with the deployment's settings. */
export function archivalEstimate(
  deployment: Deployment,
  itemBytes: number,
  transactions: number,
): ArchivalRunEstimate {
  return estimateArchivalRun({
    transactions,
    chunkSize: deployment.archiveChunkSize,
    partConcurrency: defaultPartConcurrency,
    itemConcurrency: defaultItemConcurrency,
    timeoutSeconds: 900,
    itemBytes,
    latencyMs: {
      dynamoDbItem: LatencyMs.dynamoDbItem,
      dynamoDbQuery: LatencyMs.dynamoDbQuery,
      dynamoDbBatchGet: LatencyMs.dynamoDbBatchGet,
      s3Put: LatencyMs.s3Put,
      s3Get: LatencyMs.s3Get,
    },
  });
}

export interface CapacityRow {
  readonly deployment: Deployment;
  readonly inputs: CapacityInputs;
  readonly estimate: CapacityEstimate;
  readonly monthlyCostAtTargetUsd: number;
  /** Sustainable rate over the target rate. */
  readonly headroom: number;
  /** One hourly archival run at the target rate. */
  readonly archival: ArchivalRunEstimate;
}

export interface CapacitySuiteResult {
  readonly domainResults: string;
  readonly bundlesResults?: string;
  readonly targetTransactionsPerMinute: number;
  readonly fixedMonthlyUsd: { readonly interfaceEndpoints: number; readonly endpointServices: number };
  readonly rows: readonly CapacityRow[];
}

export async function runCapacitySuite(): Promise<CapacitySuiteResult> {
  let domain = await latestResults("domain", domainResultsSchema);
  if (domain === undefined) {
    say("capacity: no domain results in bench/results; measuring a quick domain run first");
    const measured = await runDomainSuite({ seed: defaultDomainSeed, count: quickDomainCount });
    domain = {
      file: "(quick domain run, not saved)",
      results: domainResultsSchema.parse({
        ...measured,
        startedAt: new Date().toISOString(),
        machine: { cpuModel: "", cores: 0, node: process.version },
      }),
    };
  }
  const bundles: { file: string; results: BundlesResults } | undefined = await latestResults(
    "bundles",
    bundlesResultsSchema,
  );
  const initMs = (functionDirectory: string): number =>
    bundles?.results.bundles.find((bundle) => bundle.functionDirectory === functionDirectory)?.initMedianMs ??
    Workload.defaultInitMs;
  say(`capacity: domain timings from ${path.relative(repositoryRoot, domain.file)}`);
  say(
    `capacity: init times from ${bundles ? path.relative(repositoryRoot, bundles.file) : `the assumed ${Workload.defaultInitMs} ms`}`,
  );

  const dev = deploymentOf("dev (Pulumi.dev.yaml)", await loadStackFile("dev"));
  const prod = deploymentOf("prod (Pulumi.prod.yaml)", await loadStackFile("prod"));
  const seed = seedDeployment(prod);
  for (const deployment of [dev, prod]) {
    if (deployment.highValueAlertUsd * 100 !== benchHighValueAlertUsdMinor) {
      say(
        `capacity: WARNING ${deployment.label} alerts above ${deployment.highValueAlertUsd} USD; ` +
          `the domain profile counted alerts above ${benchHighValueAlertUsdMinor / 100} USD`,
      );
    }
  }
  const target = Workload.targetTransactionsPerMinute;
  const rows = [dev, prod, seed].map((deployment): CapacityRow => {
    const inputs = capacityInputs(deployment, domain.results, initMs, target / 60);
    const estimate = estimateCapacity(inputs);
    return {
      deployment,
      inputs,
      estimate,
      monthlyCostAtTargetUsd: monthlyCostUsd(estimate.costPerMillionUsd, target, Workload.hoursPerMonth),
      headroom: estimate.sustainableTransactionsPerSecond / (target / 60),
      archival: archivalEstimate(
        deployment,
        domain.results.profile.dynamoDb.decidedItemBytes,
        archivalTransactionsPerRun,
      ),
    };
  });
  const endpointServices = interfaceEndpointServicesFor(Object.values(functionAwsCalls)).length;
  return {
    domainResults: path.relative(repositoryRoot, domain.file),
    bundlesResults: bundles ? path.relative(repositoryRoot, bundles.file) : undefined,
    targetTransactionsPerMinute: target,
    fixedMonthlyUsd: {
      endpointServices,
      interfaceEndpoints:
        endpointServices *
        Workload.availabilityZones *
        Workload.hoursPerMonth *
        Prices.interfaceEndpointAzHour,
    },
    rows,
  };
}

const usd = (value: number): string =>
  value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const rate = (value: number): string =>
  Number.isFinite(value) ? Math.floor(value).toLocaleString("en-US") : "unbounded";

function serviceCost(row: CapacityRow, include: (line: CostLine) => boolean): number {
  return row.estimate.costLines.filter(include).reduce((sum, line) => sum + line.usdPerMillion, 0);
}

/** Throughput and cost, one column per deployment. */
export function capacitySummaryTable(result: CapacitySuiteResult): string {
  const rows: string[][] = [
    ["sustainable tx/s", ...result.rows.map((row) => rate(row.estimate.sustainableTransactionsPerSecond))],
    [
      "sustainable tx/min",
      ...result.rows.map((row) => rate(row.estimate.sustainableTransactionsPerSecond * 60)),
    ],
    ["bottleneck", ...result.rows.map((row) => row.estimate.bottleneck)],
    [
      `× the ${result.targetTransactionsPerMinute.toLocaleString("en-US")}/min target`,
      ...result.rows.map((row) => `${row.headroom.toFixed(2)}x`),
    ],
    ["USD per million tx", ...result.rows.map((row) => usd(row.estimate.costPerMillionUsd))],
    [
      "  of which Lambda",
      ...result.rows.map((row) => usd(serviceCost(row, (line) => line.service === "Lambda"))),
    ],
    [
      "  of which SMS alerts",
      ...result.rows.map((row) => usd(serviceCost(row, (line) => line.item === "SMS deliveries"))),
    ],
    ["USD per month at target", ...result.rows.map((row) => usd(row.monthlyCostAtTargetUsd))],
  ];
  return formatTable(["", ...result.rows.map((row) => row.deployment.label)], rows);
}

/** Cost lines side by side, per million transactions. */
export function capacityCostTable(result: CapacitySuiteResult): string {
  const first = result.rows[0];
  if (!first) return "";
  const keys = first.estimate.costLines.map((line, index) => ({
    index,
    label: `${line.service}: ${line.item.replace(/ \(.*\)$/, "")}`,
  }));
  const rows = keys.map(({ index, label }) => [
    label,
    ...result.rows.map((row) => usd(row.estimate.costLines[index]?.usdPerMillion ?? 0)),
  ]);
  return formatTable(
    ["USD per million transactions", ...result.rows.map((row) => row.deployment.label)],
    rows,
  );
}

/** Every throughput bound of one deployment, tightest first. */
export function capacityBoundsTable(row: CapacityRow): string {
  return formatTable(
    ["bound", "tx/s", "how"],
    row.estimate.bounds.map((bound) => [bound.name, rate(bound.transactionsPerSecond), bound.detail]),
  );
}

/** One hourly archival run at the target rate, per deployment. */
export function archivalRunTable(result: CapacitySuiteResult): string {
  const rows = result.rows.map((row) => {
    const estimate = row.archival;
    return [
      row.deployment.label,
      archivalTransactionsPerRun.toLocaleString("en-US"),
      `${estimate.parts} x ${row.deployment.archiveChunkSize}`,
      `${defaultPartConcurrency} x ${defaultItemConcurrency}`,
      estimate.partSeconds.toFixed(2),
      Math.round(estimate.itemsPerSecondPerWorker).toLocaleString("en-US"),
      Math.round(estimate.itemsPerSecond).toLocaleString("en-US"),
      estimate.runSeconds.toFixed(0),
      `${estimate.headroom.toFixed(1)}x`,
      `${(estimate.largestPartBytes / 2 ** 20).toFixed(1)} MiB`,
    ];
  });
  return formatTable(
    [
      "deployment",
      "tx per run",
      "parts",
      "parts x items at once",
      "s per part",
      "items/s per worker",
      "items/s",
      "run s",
      "900 s timeout / run",
      "part before gzip",
    ],
    rows,
  );
}

/** Modelled duration of each function per invocation. */
export function capacityDurationTable(result: CapacitySuiteResult): string {
  const first = result.rows[0];
  if (!first) return "";
  return formatTable(
    ["modelled ms per invocation", ...result.rows.map((row) => row.deployment.label)],
    [
      ...first.inputs.lambdaFunctions.map((load, index) => [
        load.name,
        ...result.rows.map((row) => (row.inputs.lambdaFunctions[index]?.durationMs ?? 0).toFixed(2)),
      ]),
      ...first.inputs.express.paths.map((pathItem, index) => [
        `Express execution, ${pathItem.name}`,
        ...result.rows.map((row) => (row.inputs.express.paths[index]?.durationMs ?? 0).toFixed(1)),
      ]),
    ],
  );
}
