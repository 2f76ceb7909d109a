/**
 * The whole pipeline in one process, on the local emulators, wired from the same description the
 * stack is deployed from (pipeline/): dynalite tables and fauxqs topic, queues and buckets created
 * from the deployed definitions, the local EventBridge bus with the lane rules and the function
 * subscriptions, the deployed ASL run by aws-local-stepfunctions with its steps' functions, the
 * uploads bucket's notifications delivered by LocalS3Notifications (fauxqs sends none; see
 * s3Events.ts), and every function cold-started in its own container with its own environment.
 * Only the webhook signing secret differs from AWS: it is passed in (locally `WEBHOOK_SECRET`)
 * instead of read from Secrets Manager; and the scheduled functions run on demand (`archive()`,
 * `reconcile()`) or on a timer rather than on EventBridge schedules.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, S3Event } from "aws-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { PublishCommand } from "@aws-sdk/client-sns";
import { buildTransactionStateMachineDefinition } from "../components/processing/stateMachineDefinition";
import type { ArchivalSummary } from "../functions/archival/archivalRun";
import { EnvironmentName } from "../functions/shared/environmentNames";
import {
  busSubscriptions,
  defaultAmountLaneThresholds,
  ingestApiRoutes,
  pipelineFunctions,
  stateMachineSteps,
  uploadNotificationTargets,
  type AmountLaneThresholds,
  type BusSubscription,
  type BusSubscriptionName,
  type IngestApiRoute,
  type IngestApiRouteName,
} from "../pipeline";
import { AsyncInvocations } from "./asyncInvocations";
import { localClients, localCredentials, localRegion } from "./awsClients";
import { startEmulators, type Emulators } from "./emulators";
import { startEventBridgeEndpoint, type EventBridgeEndpoint } from "./eventBridgeEndpoint";
import { LocalEventBus, type EntryRefusal } from "./eventBus";
import { LocalExecutions } from "./executions";
import {
  coldStartLocalFunctions,
  type HandlerFunctionName,
  type HandlerWrapper,
  type ReconcilerRunSummary,
} from "./functionContainers";
import { forgetFunctionModules } from "./functionLoader";
import { localLambdaContext, type LambdaHandler } from "./lambdaInvokeShim";
import { addLaneRules } from "./laneRouting";
import {
  createLocalResources,
  localEnvironmentValues,
  localResourceNames,
  type LocalResources,
} from "./localResources";
import { ReconcilerRuns } from "./reconcilerRuns";
import { LocalS3Notifications, type FailedS3Delivery } from "./s3Events";
import type { ServiceClients } from "./serviceIntegrations";
import { LocalStateMachine } from "./stateMachineRunner";

export { localResourceNames } from "./localResources";
export type { LocalFunctionName, ReconcilerRunSummary } from "./functionContainers";
export type HttpHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

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
  readonly wrapHandler?: HandlerWrapper;
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

/** The deployed definition, its Lambda tasks bound to the step functions' handlers. */
function localTransactionStateMachine(
  handlers: Readonly<Record<HandlerFunctionName, LambdaHandler>>,
  resources: LocalResources,
  clients: ServiceClients,
  highValueAlertUsd = 10_000,
): LocalStateMachine {
  return new LocalStateMachine({
    definition: buildTransactionStateMachineDefinition({
      validateFunctionArn: functionArn(stateMachineSteps.validate),
      fraudDetectionFunctionArn: functionArn(stateMachineSteps.fraudDetection),
      complianceFunctionArn: functionArn(stateMachineSteps.complianceCheck),
      transactionsTableName: localResourceNames.transactionsTable,
      alertsTopicArn: resources.alertsTopicArn,
      deadLetterQueueUrl: resources.deadLetterQueueUrl,
      eventBusName: localResourceNames.eventBus,
      highValueAlertUsdMinor: highValueAlertUsd * 100,
    }),
    functions: Object.fromEntries(
      Object.values(stateMachineSteps).map((name) => [functionArn(name), { name, handler: handlers[name] }]),
    ),
    clients,
  });
}

/** The uploads bucket's notifications (pipeline/uploadNotifications.ts), delivered by the runtime itself. */
function uploadNotifications(
  emulators: Emulators,
  handlers: Readonly<Record<HandlerFunctionName, LambdaHandler>>,
): { s3: S3Client; s3Notifications: LocalS3Notifications } {
  const s3 = new S3Client({
    region: localRegion,
    credentials: localCredentials,
    endpoint: emulators.s3Endpoint,
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
    targets: uploadNotificationTargets.map((target) => {
      const folder = target.function as HandlerFunctionName;
      return {
        id: target.id,
        filterPrefix: target.filterPrefix,
        filterSuffix: target.filterSuffix,
        deliver: (event: S3Event) => handlers[folder](event, localLambdaContext(folder)),
      };
    }),
  });
  return { s3, s3Notifications };
}

/** One HTTP handler per route of the ingest API, its function's. */
function routeHandlers(
  handlers: Readonly<Record<HandlerFunctionName, LambdaHandler>>,
): Record<IngestApiRouteName, HttpHandler> {
  const http =
    (name: HandlerFunctionName): HttpHandler =>
    async (event) =>
      (await handlers[name](event, localLambdaContext(name))) as APIGatewayProxyResult;
  return Object.fromEntries(
    (Object.entries(ingestApiRoutes) as [IngestApiRouteName, IngestApiRoute][]).map(
      ([route, { function: folder }]) => [route, http(folder as HandlerFunctionName)],
    ),
  ) as Record<IngestApiRouteName, HttpHandler>;
}

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
    const resources = await createLocalResources(emulators, clients.dynamoDb, options.dataDirectory);

    // What every function finds besides its own environment: the emulators' endpoints and local
    // credentials.
    Object.assign(process.env, {
      [EnvironmentName.dynamoDbEndpoint]: emulators.dynamoDbEndpoint,
      [EnvironmentName.eventBridgeEndpoint]: endpoint.endpoint,
      [EnvironmentName.s3Endpoint]: emulators.s3Endpoint,
      [EnvironmentName.snsEndpoint]: emulators.messagingEndpoint,
      [EnvironmentName.sqsEndpoint]: emulators.messagingEndpoint,
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      // Tracing is off outside Lambda (the Tracer is a no-op), but the X-Ray SDK it loads starts in
      // automatic mode unless told otherwise, installing cls-hooked async hooks that track every
      // promise in the process: about a tenth of the local pipeline's CPU under load. Manual mode
      // loads it without them; in AWS the variable is unset and tracing works as deployed.
      AWS_XRAY_MANUAL_MODE: "true",
    });
    const { handlers, reconcileAt } = coldStartLocalFunctions({
      values: localEnvironmentValues(resources, {
        archiveAfterHours: options.archiveAfterHours ?? 24,
        reconcileAfterSeconds: options.reconcileAfterSeconds ?? 900,
        reconcileMaxAttempts: options.reconcileMaxAttempts ?? 3,
      }),
      functionEnvironment: options.functionEnvironment,
      webhookSecret: options.webhookSecret,
      providerName: options.providerName ?? "local",
      wrapHandler: options.faults?.wrapHandler,
    });

    const stateMachine = localTransactionStateMachine(
      handlers,
      resources,
      clients,
      options.highValueAlertUsd,
    );
    const executions = new LocalExecutions(stateMachine, {
      retryIntervalOverrides: options.retryIntervalOverrides,
      onExecutionStart: options.faults?.onExecutionStart,
    });
    addLaneRules(bus, options.laneThresholds ?? defaultAmountLaneThresholds, {
      startExecution: async (input) => executions.start(input),
      async publishAlert(message) {
        await clients.sns.send(new PublishCommand({ TopicArn: resources.alertsTopicArn, Message: message }));
      },
    });

    // The bus subscriptions: each function invoked asynchronously by its rule.
    const subscriptions = Object.fromEntries(
      (Object.entries(busSubscriptions) as [BusSubscriptionName, BusSubscription][]).map(
        ([name, subscription]) => {
          const folder = subscription.function as HandlerFunctionName;
          const invocations = new AsyncInvocations(folder, handlers[folder]);
          bus.addRule({ name, pattern: subscription.pattern, targets: [invocations.asRuleTarget()] });
          return [name, invocations];
        },
      ),
    ) as Record<BusSubscriptionName, AsyncInvocations>;
    const subscriptionsRunning = () =>
      Object.values(subscriptions).flatMap((invocations) => invocations.running());

    const { s3, s3Notifications } = uploadNotifications(emulators, handlers);

    const reconciler = new ReconcilerRuns(reconcileAt);
    if (options.reconcileIntervalMs !== undefined) reconciler.every(options.reconcileIntervalMs);
    if (options.dataDirectory !== undefined) {
      // Nothing that was in flight before a restart survived it (executions, bus deliveries, loads):
      // everything accepted before this start is re-driven now, files stalled before it resumed.
      const startedAt = new Date();
      void reconciler.run(startedAt, startedAt).catch(() => undefined);
    }
    const quiet = async (): Promise<void> => {
      // Each kind of work starts the others (an S3 write starts a load, which publishes events,
      // which start executions, notifier runs and the load's continuations): settle until all are
      // quiet at once. Only tracked work puts events on the bus, so once the bus is idle after the
      // others, nothing pending anywhere means nothing can start.
      for (;;) {
        await s3Notifications.idle();
        await Promise.allSettled([
          ...executions.running(),
          ...subscriptionsRunning(),
          ...reconciler.running(),
        ]);
        await bus.idle();
        if (
          executions.running().length === 0 &&
          subscriptionsRunning().length === 0 &&
          !s3Notifications.busy()
        ) {
          return;
        }
      }
    };

    const eventBridgeStop = endpoint.stop;
    return {
      ...routeHandlers(handlers),
      archive: async () =>
        (await handlers.archival(
          { id: "local-on-demand", time: new Date().toISOString() },
          localLambdaContext("archival", pipelineFunctions.archival.timeout * 1000),
        )) as ArchivalSummary,
      reconcile: (now, acceptedBefore) => reconciler.run(now, acceptedBefore),
      bus,
      emulators,
      eventBridgeEndpoint: endpoint.endpoint,
      alertsInboxUrl: resources.alertsInboxUrl,
      deadLetterQueueUrl: resources.deadLetterQueueUrl,
      failedExecutions: () => executions.failures(),
      failedS3Deliveries: () => s3Notifications.failedDeliveries(),
      failedNotifierInvocations: () => subscriptions["csv-decisions"].failures(),
      failedLoadContinuations: () => subscriptions["csv-load-continued"].failures(),
      idle: quiet,
      async stop() {
        reconciler.stopTimer();
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
