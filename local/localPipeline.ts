/**
 * The whole pipeline in one process, on the local emulators: dynalite tables and fauxqs topic and
 * queues created from the deployed definitions, the local EventBridge bus with the deployed lane
 * rules, the deployed ASL run by aws-local-stepfunctions, and the real handlers cold-started
 * against all of it. Only the webhook signing secret differs from AWS: it is passed in (locally
 * `WEBHOOK_SECRET`) instead of read from Secrets Manager.
 *
 * CSV uploads: the uploads bucket (fauxqs) and processing-status table, csv-intake behind
 * `upload`/`uploads`, file-status behind `fileStatus`, the bucket's notifications emulated by
 * LocalS3Notifications (fauxqs sends none; see s3Events.ts) with the UploadNotifications targets
 * (`uploads/*.csv` → csv-intake, `validated/*.csv` → csv-transform), the notifier on the bus
 * rule for transactionProcessedPattern() (the stack's "csv-decisions" subscription), and
 * csv-transform on the rule for csvLoadContinuedPattern() (the stack's "csv-load-continued"), which
 * carries a load on past a run that ran short of time.
 *
 * Archival: the audit bucket and archived-transactions table, and the archival job run on demand
 * (`archive()`) rather than on a schedule.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, S3Event } from "aws-lambda";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { PublishCommand } from "@aws-sdk/client-sns";
import { buildTransactionStateMachineDefinition } from "../components/transactionStateMachineDefinition";
import { EnvironmentName } from "../functions/shared/environmentNames";
import type { ArchivalSummary } from "../functions/archival/archivalRun";
import {
  archivedTransactionsTableDefinition,
  fileStatusTableDefinition,
  intakeRecordsTableDefinition,
  transactionsTableDefinition,
} from "../functions/shared/tableDefinitions";
import { localClients, localCredentials, localRegion } from "./awsClients";
import { startEventBridgeEndpoint, type EventBridgeEndpoint } from "./eventBridgeEndpoint";
import { LocalEventBus, type EntryRefusal, type RuleTarget } from "./eventBus";
import { startEmulators, type Emulators } from "./emulators";
import { forgetFunctionModules, loadFunctionModule } from "./functionLoader";
import { localLambdaContext, type LambdaHandler } from "./lambdaInvokeShim";
import { addLaneRules } from "./laneRouting";
import { LocalStateMachine } from "./stateMachineRunner";
import { createTableInput } from "./tableSpecs";
import { createDurableBuckets } from "./durableObjects";
import { LocalS3Notifications, type FailedS3Delivery } from "./s3Events";
import {
  busSubscriptions,
  defaultAmountLaneThresholds,
  functionEnvironment,
  ingestApiRoutes,
  pipelineFunctionNames,
  projectName,
  stackScopedName,
  stateMachineSteps,
  uploadNotificationTargets,
  type AmountLaneThresholds,
  type BusSubscription,
  type BusSubscriptionName,
  type EnvironmentValues,
  type IngestApiRoute,
  type IngestApiRouteName,
  type PipelineFunction,
} from "../pipeline";

type IntakeModule = typeof import("../functions/webhook-intake/webhookIntake");
type SourceModule = typeof import("../functions/webhook-intake/signingSecretSource");
type ConfigModule = typeof import("../functions/webhook-intake/config");
type ClientsModule = { documentClient: typeof import("../functions/shared/dynamoDb").documentClient };
type EventBridgeModule = typeof import("../functions/shared/eventBridge");
type ReconcilerModule = typeof import("../functions/reconciler/index");
export type ReconcilerRunSummary = import("../functions/reconciler/index").ReconcilerRunSummary;
export type HttpHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** Names of the local resources, the same roles the stack outputs name in AWS. */
export const localResourceNames = {
  transactionsTable: "transactions-local",
  intakeTable: "intake-records-local",
  eventBus: stackScopedName(projectName, "local"),
  alertsTopic: "alerts-local",
  alertsInbox: "alerts-inbox-local",
  deadLetterQueue: "dead-letters-local",
  uploadsBucket: "uploads-local",
  fileStatusTable: "file-status-local",
  archiveBucket: "audit-archive-local",
  archivedTransactionsTable: "archived-transactions-local",
} as const;

/**
 * The functions the local runtime runs: every one of the pipeline's but the screening-lists
 * refresh, which downloads from the list publishers (locally compliance screens against the list
 * bundled with its code).
 */
export type LocalFunctionName = Exclude<PipelineFunction, "screening-lists-refresh">;
export const localFunctions = pipelineFunctionNames.filter(
  (folder): folder is LocalFunctionName => folder !== "screening-lists-refresh",
);

/**
 * Fault-injection hooks for reliability tests (tests/reliability); `npm start` sets none. Without
 * them every function runs as loaded and the bus accepts every valid entry.
 */
export interface LocalFaultInjection {
  /**
   * Called once for each function as the runtime cold-starts it; what it answers is invoked instead
   * of the handler, e.g. one that throws for chosen inputs as a failing function or the Lambda
   * service would. `coldStart` loads another container of the same function (its own modules and
   * clients), with `environment` over the runtime's, as Lambda starts a new one after a crash.
   */
  readonly wrapHandler?: (
    name: LocalFunctionName,
    handler: LambdaHandler,
    coldStart: (environment?: Readonly<Record<string, string>>) => LambdaHandler,
  ) => LambdaHandler;
  /** Entries the bus refuses on their own in a PutEvents call it otherwise accepts (see LocalEventBusOptions). */
  readonly refuseEventEntry?: EntryRefusal;
  /**
   * Called as each execution starts, with the input a lane rule delivered. Answering "lose" drops
   * it unstarted (an event the target never received); `abort` stops it wherever it is later, as
   * an execution-level timeout or a killed process does, with no Catch and no dead letter.
   */
  readonly onExecutionStart?: (input: unknown, abort: () => void) => "lose" | undefined;
}

export interface LocalPipelineOptions {
  /** The Standard Webhooks secret (`whsec_...`) the local provider signs with. */
  readonly webhookSecret: string;
  /** Provider name the local secret authenticates (namespaces transaction ids). Default "local". */
  readonly providerName?: string;
  /** Folder for DynamoDB data that survives restarts; in memory when absent. */
  readonly dataDirectory?: string;
  readonly laneThresholds?: AmountLaneThresholds;
  /** APPROVED transactions above this many US dollars still alert. Default 10,000. */
  readonly highValueAlertUsd?: number;
  /** Extra variables for the functions (e.g. log level); set before they cold-start. */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  /** Hours a decided transaction stays in the table before `archive()` moves it. Default 24. */
  readonly archiveAfterHours?: number;
  /** Shortens Step Functions retry waits (tests); real backoff when absent. */
  readonly retryIntervalOverrides?: Record<string, number | number[]>;
  /** Failures to inject (reliability tests only); none when absent. */
  readonly faults?: LocalFaultInjection;
  /** Seconds after acceptance an undecided transaction is re-driven (the stack setting). Default 900. */
  readonly reconcileAfterSeconds?: number;
  /** Re-drives before an undecided transaction is dead-lettered. Default 3. */
  readonly reconcileMaxAttempts?: number;
  /**
   * Milliseconds between reconciler runs, as the stack's schedule runs it; no timer when absent
   * (tests call `reconcile` with a pinned clock instead).
   */
  readonly reconcileIntervalMs?: number;
}

/** One handler per ingest API route (pipeline/routes.ts), the route's function. */
export interface LocalPipeline extends Readonly<Record<IngestApiRouteName, HttpHandler>> {
  /** One run of the archival job (in AWS, the schedule's), answering its summary. */
  archive(): Promise<ArchivalSummary>;
  /**
   * One reconciler run at `now` (in AWS, the schedule's). `acceptedBefore` makes everything
   * accepted before it due at once, as after a restart.
   */
  reconcile(now?: Date, acceptedBefore?: Date): Promise<ReconcilerRunSummary>;
  readonly bus: LocalEventBus;
  readonly emulators: Emulators;
  readonly eventBridgeEndpoint: string;
  readonly alertsInboxUrl: string;
  readonly deadLetterQueueUrl: string;
  /** Executions that ended in the Fail state (their input is in the dead-letter queue). */
  readonly failedExecutions: () => number;
  /** S3 notifications that failed every attempt (the first and two retries, as Lambda's async invoke). */
  readonly failedS3Deliveries: () => readonly FailedS3Delivery[];
  /** Notifier invocations that failed every attempt. */
  readonly failedNotifierInvocations: () => number;
  /** csv-transform invocations by a "CSV Load Continued" event that failed every attempt. */
  readonly failedLoadContinuations: () => number;
  /**
   * Resolves once no event is being delivered, no execution is running, no S3 notification is in
   * flight and no notifier or continued csv-transform invocation is running.
   */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const functionArn = (name: string) => `arn:aws:lambda:${localRegion}:000000000000:function:${name}`;

function restoreEnvironment(snapshot: Readonly<Record<string, string | undefined>>): void {
  for (const key of Object.keys(process.env)) if (!(key in snapshot)) delete process.env[key];
  Object.assign(process.env, snapshot);
}

export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const environmentBefore = { ...process.env };
  // Node 20 runs here; the SDK's notice about its Node 22 requirement from 2027 is not news.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const emulators = await startEmulators({ dataDirectory: options.dataDirectory });
  let endpoint: EventBridgeEndpoint | undefined;
  try {
    const bus = new LocalEventBus({
      name: localResourceNames.eventBus,
      region: localRegion,
      refuseEntry: options.faults?.refuseEventEntry,
    });
    endpoint = await startEventBridgeEndpoint(bus);
    const clients = localClients({ ...emulators, eventBridgeEndpoint: endpoint.endpoint });

    for (const [table, definition] of [
      [localResourceNames.transactionsTable, transactionsTableDefinition],
      [localResourceNames.intakeTable, intakeRecordsTableDefinition],
      [localResourceNames.fileStatusTable, fileStatusTableDefinition],
      [localResourceNames.archivedTransactionsTable, archivedTransactionsTableDefinition],
    ] as const) {
      await clients.dynamoDb
        .send(new CreateTableCommand(createTableInput(table, definition)))
        .catch((error: unknown) => {
          // A persisted data directory already has its tables.
          if (!(error instanceof Error && error.name === "ResourceInUseException")) throw error;
        });
    }
    const alertsTopicArn = emulators.fauxqs.createTopic(localResourceNames.alertsTopic).topicArn;
    const alertsInboxUrl = emulators.fauxqs.createQueue(localResourceNames.alertsInbox).queueUrl;
    emulators.fauxqs.subscribe({
      topic: localResourceNames.alertsTopic,
      queue: localResourceNames.alertsInbox,
      attributes: { RawMessageDelivery: "true" },
    });
    const deadLetterQueueUrl = emulators.fauxqs.createQueue(localResourceNames.deadLetterQueue).queueUrl;
    const buckets = [localResourceNames.uploadsBucket, localResourceNames.archiveBucket];
    if (options.dataDirectory === undefined) {
      for (const bucket of buckets) emulators.fauxqs.createBucket(bucket);
    } else {
      // Objects on disk beside the tables, written before the emulator answers each PUT.
      await createDurableBuckets(join(options.dataDirectory, "s3"), buckets, (bucket) =>
        emulators.fauxqs.createBucket(bucket),
      );
    }

    // What every function finds besides its own environment: the emulators' endpoints and local
    // credentials, and the caller's extra variables.
    Object.assign(process.env, {
      [EnvironmentName.dynamoDbEndpoint]: emulators.dynamoDbEndpoint,
      [EnvironmentName.eventBridgeEndpoint]: endpoint.endpoint,
      [EnvironmentName.s3Endpoint]: emulators.messagingEndpoint,
      [EnvironmentName.snsEndpoint]: emulators.messagingEndpoint,
      [EnvironmentName.sqsEndpoint]: emulators.messagingEndpoint,
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    });
    // Each function's own environment, from its description, with the local resources' names and
    // the options' settings; variables of resources not emulated here are left out, as are
    // settings the functions' defaults cover.
    const localValues: EnvironmentValues<string> = {
      resources: {
        transactionsTable: { name: localResourceNames.transactionsTable },
        intakeTable: { name: localResourceNames.intakeTable },
        fileStatusTable: { name: localResourceNames.fileStatusTable },
        archivedTransactionsTable: { name: localResourceNames.archivedTransactionsTable },
        uploadsBucket: { name: localResourceNames.uploadsBucket },
        archiveBucket: { name: localResourceNames.archiveBucket },
        eventBus: { name: localResourceNames.eventBus },
        alertsTopic: { arn: alertsTopicArn },
        deadLetterQueue: { url: deadLetterQueueUrl },
      },
      settings: {
        archiveAfterHours: String(options.archiveAfterHours ?? 24),
        reconcileAfterSeconds: String(options.reconcileAfterSeconds ?? 900),
        reconcileMaxAttempts: String(options.reconcileMaxAttempts ?? 3),
      },
    };
    const ownEnvironment = (folder: LocalFunctionName) =>
      functionEnvironment(folder, localValues, "available") as Record<string, string>;
    const environmentOf = (folder: LocalFunctionName) => ({
      ...ownEnvironment(folder),
      ...options.functionEnvironment,
    });
    // Between cold starts the process holds every function's variables (its service name aside),
    // for code that reads one after its cold start.
    const localVariables = new Set(localFunctions.flatMap((folder) => Object.keys(ownEnvironment(folder))));
    for (const folder of localFunctions) {
      const { [EnvironmentName.serviceName]: _service, ...variables } = environmentOf(folder);
      Object.assign(process.env, variables);
    }
    // A cold start sees its own function's variables only, none of the others' (as in its deployed
    // configuration), with `extra` over them (a fault-injection cold start's); then the process's
    // come back. Each function gets its own module instances, as its own container would: its own
    // clients and its own Powertools singletons, named after it (the `service` of its logs and
    // metrics).
    const container = <Modules>(
      folder: LocalFunctionName,
      load: () => Modules,
      extra: Readonly<Record<string, string>> = {},
    ): Modules => {
      const touched = [...new Set([...localVariables, ...Object.keys(extra)])];
      const before = Object.fromEntries(touched.map((variable) => [variable, process.env[variable]]));
      forgetFunctionModules();
      for (const variable of localVariables) delete process.env[variable];
      Object.assign(process.env, environmentOf(folder), extra);
      try {
        return load();
      } finally {
        for (const [variable, value] of Object.entries(before)) {
          if (value === undefined) delete process.env[variable];
          else process.env[variable] = value;
        }
      }
    };
    const bound = (
      name: LocalFunctionName,
      load: (extra?: Readonly<Record<string, string>>) => LambdaHandler,
    ): LambdaHandler => {
      const handler = load();
      const wrap = options.faults?.wrapHandler;
      return wrap ? wrap(name, handler, (environment = {}) => load(environment)) : handler;
    };
    const handlerOf = (folder: Exclude<LocalFunctionName, "webhook-intake">) =>
      bound(folder, (extra) =>
        container(
          folder,
          () => loadFunctionModule<{ handler: LambdaHandler }>(`${folder}/index`).handler,
          extra,
        ),
      );
    const handlers = Object.fromEntries(
      localFunctions
        .filter((folder) => folder !== "webhook-intake" && folder !== "reconciler")
        .map((folder) => [folder, handlerOf(folder as Exclude<LocalFunctionName, "webhook-intake">)]),
    ) as Record<Exclude<LocalFunctionName, "webhook-intake" | "reconciler">, LambdaHandler>;
    const { reconcileAt } = container("reconciler", () =>
      loadFunctionModule<ReconcilerModule>("reconciler/index"),
    );
    const webhookHandler = bound("webhook-intake", (extra) => {
      const {
        createWebhookIntakeHandler,
        staticSigningProviders,
        documentClient,
        eventBridgeClient,
        config,
      } = container(
        "webhook-intake",
        () => ({
          ...loadFunctionModule<IntakeModule>("webhook-intake/webhookIntake"),
          ...loadFunctionModule<SourceModule>("webhook-intake/signingSecretSource"),
          ...loadFunctionModule<ClientsModule>("shared/dynamoDb"),
          ...loadFunctionModule<EventBridgeModule>("shared/eventBridge"),
          // Read with the function's own environment, as its cold start does.
          config: loadFunctionModule<ConfigModule>("webhook-intake/config").loadWebhookIntakeConfig(),
        }),
        extra,
      );
      return createWebhookIntakeHandler({
        config,
        signingProviders: staticSigningProviders([
          {
            name: options.providerName ?? "local",
            scheme: "standard-webhooks",
            secrets: [options.webhookSecret],
          },
        ]),
        documentClient,
        eventBridge: eventBridgeClient,
      }) as LambdaHandler;
    });

    const definition = buildTransactionStateMachineDefinition({
      validateFunctionArn: functionArn(stateMachineSteps.validate),
      fraudDetectionFunctionArn: functionArn(stateMachineSteps.fraudDetection),
      complianceFunctionArn: functionArn(stateMachineSteps.complianceCheck),
      transactionsTableName: localResourceNames.transactionsTable,
      alertsTopicArn,
      deadLetterQueueUrl,
      eventBusName: localResourceNames.eventBus,
      highValueAlertUsdMinor: (options.highValueAlertUsd ?? 10_000) * 100,
    });
    const stateMachine = new LocalStateMachine({
      definition,
      functions: Object.fromEntries(
        Object.values(stateMachineSteps).map((name) => [
          functionArn(name),
          { name, handler: handlers[name] },
        ]),
      ),
      clients,
    });

    const running = new Set<Promise<unknown>>();
    let failed = 0;
    addLaneRules(bus, options.laneThresholds ?? defaultAmountLaneThresholds, {
      async startExecution(input) {
        let aborted = false;
        let abortExecution = (): void => {
          aborted = true;
        };
        if (options.faults?.onExecutionStart?.(input, () => abortExecution()) === "lose") return;
        const execution = stateMachine.start(input, {
          retryIntervalOverrides: options.retryIntervalOverrides,
        });
        abortExecution = () => execution.abort();
        if (aborted) execution.abort();
        // A failed execution has already sent its input to the dead-letter queue (SendToDLQ → Fail).
        const settled = execution.result.catch(() => {
          failed += 1;
        });
        running.add(settled);
        void settled.finally(() => running.delete(settled));
      },
      async publishAlert(message) {
        await clients.sns.send(new PublishCommand({ TopicArn: alertsTopicArn, Message: message }));
      },
    });

    /**
     * A rule's Lambda target: invoked asynchronously with the whole event, with Lambda's
     * asynchronous retries (the first attempt and up to two more). The retries keep the request id,
     * as Lambda's do: the notifier's count claim relies on that to take its own claim again after a
     * failure. Each invocation is tracked in `inFlight` until its last attempt ends.
     */
    const asyncLambdaTarget = (
      name: LocalFunctionName,
      handler: LambdaHandler,
      inFlight: Set<Promise<unknown>>,
      onFailure: () => void,
    ): RuleTarget => ({
      id: name,
      async deliver(input: string) {
        const event: unknown = JSON.parse(input);
        const requestId = randomUUID();
        const invocation = (async () => {
          for (let attempt = 1; attempt <= 3; attempt += 1) {
            try {
              await handler(event, { ...localLambdaContext(name), awsRequestId: requestId });
              return;
            } catch {
              // Retried below; the last failure is counted.
            }
          }
          onFailure();
        })();
        inFlight.add(invocation);
        void invocation.finally(() => inFlight.delete(invocation));
      },
    });

    // The bus subscriptions, each with its invocations in flight and its invocations that failed
    // every attempt.
    const subscriptions = Object.fromEntries(
      (Object.entries(busSubscriptions) as [BusSubscriptionName, BusSubscription][]).map(
        ([name, subscription]) => {
          const folder = subscription.function as keyof typeof handlers;
          const state = { inFlight: new Set<Promise<unknown>>(), failures: 0 };
          bus.addRule({
            name,
            pattern: subscription.pattern,
            targets: [
              asyncLambdaTarget(folder, handlers[folder], state.inFlight, () => (state.failures += 1)),
            ],
          });
          return [name, state];
        },
      ),
    ) as Record<BusSubscriptionName, { readonly inFlight: Set<Promise<unknown>>; failures: number }>;
    const subscriptionsInFlight = () =>
      Object.values(subscriptions).flatMap((subscription) => [...subscription.inFlight]);

    const s3 = new S3Client({
      region: localRegion,
      credentials: localCredentials,
      endpoint: emulators.messagingEndpoint,
      forcePathStyle: true,
    });
    const s3Notifications = new LocalS3Notifications({
      fauxqs: emulators.fauxqs,
      s3,
      bucket: localResourceNames.uploadsBucket,
      // Lambda's minute before a retry is what lets csv-transform find a file csv-intake has
      // written but not yet marked VALIDATED; retried at once, a slow mark (a throttled write)
      // failed every attempt and the file was never loaded. A second, then two, keeps that order.
      retryDelayMs: 1_000,
      targets: uploadNotificationTargets.map((target) => ({
        id: target.id,
        filterPrefix: target.filterPrefix,
        filterSuffix: target.filterSuffix,
        deliver: (event: S3Event) => {
          const folder = target.function as keyof typeof handlers;
          return handlers[folder](event, localLambdaContext(folder));
        },
      })),
    });

    const http =
      (name: string, handler: LambdaHandler): HttpHandler =>
      async (event) =>
        (await handler(event, localLambdaContext(name))) as APIGatewayProxyResult;
    const eventBridgeStop = endpoint.stop;
    const reconciling = new Set<Promise<unknown>>();
    const reconcile = (now = new Date(), acceptedBefore?: Date): Promise<ReconcilerRunSummary> => {
      const run = reconcileAt(now, acceptedBefore);
      reconciling.add(run);
      void run.catch(() => undefined).finally(() => reconciling.delete(run));
      return run;
    };
    const timer =
      options.reconcileIntervalMs === undefined
        ? undefined
        : setInterval(() => {
            // One run at a time; a failed run is retried by the next tick.
            if (reconciling.size === 0) void reconcile().catch(() => undefined);
          }, options.reconcileIntervalMs);
    timer?.unref();
    if (options.dataDirectory !== undefined) {
      // Nothing that was in flight before a restart survived it (executions, bus deliveries, loads):
      // everything accepted before this start is re-driven now, files stalled before it resumed.
      const startedAt = new Date();
      void reconcile(startedAt, startedAt).catch(() => undefined);
    }
    const quiet = async (): Promise<void> => {
      // Each kind of work starts the others (an S3 write starts a load, which publishes events,
      // which start executions, notifier runs and the load's continuations): settle until all are
      // quiet at once. Only tracked work puts events on the bus, so once the bus is idle after the
      // others, nothing pending anywhere means nothing can start.
      for (;;) {
        await s3Notifications.idle();
        await Promise.allSettled([...running, ...subscriptionsInFlight(), ...reconciling]);
        await bus.idle();
        if (running.size === 0 && subscriptionsInFlight().length === 0 && !s3Notifications.busy()) {
          return;
        }
      }
    };
    return {
      ...(Object.fromEntries(
        (Object.entries(ingestApiRoutes) as [IngestApiRouteName, IngestApiRoute][]).map(
          ([route, { function: folder }]) => [
            route,
            http(
              folder,
              folder === "webhook-intake" ? webhookHandler : handlers[folder as keyof typeof handlers],
            ),
          ],
        ),
      ) as Record<IngestApiRouteName, HttpHandler>),
      archive: async () =>
        (await handlers.archival(
          { id: "local-on-demand", time: new Date().toISOString() },
          localLambdaContext("archival", 900_000),
        )) as ArchivalSummary,
      reconcile,
      bus,
      emulators,
      eventBridgeEndpoint: endpoint.endpoint,
      alertsInboxUrl,
      deadLetterQueueUrl,
      failedExecutions: () => failed,
      failedS3Deliveries: () => s3Notifications.failedDeliveries(),
      failedNotifierInvocations: () => subscriptions["csv-decisions"].failures,
      failedLoadContinuations: () => subscriptions["csv-load-continued"].failures,
      idle: quiet,
      async stop() {
        if (timer) clearInterval(timer);
        await quiet();
        s3Notifications.stop();
        s3.destroy();
        await eventBridgeStop();
        await emulators.stop();
        forgetFunctionModules();
        restoreEnvironment(environmentBefore);
      },
    };
  } catch (error) {
    await endpoint?.stop();
    await emulators.stop();
    restoreEnvironment(environmentBefore);
    throw error;
  }
}
