/**
 * The whole pipeline in one process, on the local emulators: dynalite tables and fauxqs topic and
 * queues created from the deployed definitions, the local EventBridge bus with the deployed lane
 * rules, the deployed ASL run by aws-local-stepfunctions, and the real handlers cold-started
 * against all of it. Only the webhook signing secret differs from AWS: it is passed in (locally
 * `WEBHOOK_SECRET`) instead of read from Secrets Manager.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { PublishCommand } from "@aws-sdk/client-sns";
import { buildTransactionStateMachineDefinition } from "../components/transactionStateMachineDefinition";
import { EnvironmentName } from "../functions/shared/environmentNames";
import { defaultAmountLaneThresholds, type AmountLaneThresholds } from "../functions/shared/eventRouting";
import {
  intakeRecordsTableDefinition,
  transactionsTableDefinition,
} from "../functions/shared/tableDefinitions";
import { localClients, localCredentials, localRegion } from "./awsClients";
import { startEventBridgeEndpoint, type EventBridgeEndpoint } from "./eventBridgeEndpoint";
import { LocalEventBus } from "./eventBus";
import { startEmulators, type Emulators } from "./emulators";
import { forgetFunctionModules, loadFunctionModule } from "./functionLoader";
import { localLambdaContext, type LambdaHandler } from "./lambdaInvokeShim";
import { addLaneRules } from "./laneRouting";
import { LocalStateMachine } from "./stateMachineRunner";
import { createTableInput } from "./tableSpecs";

type IntakeModule = typeof import("../functions/webhook-intake/webhookIntake");
type SourceModule = typeof import("../functions/webhook-intake/signingSecretSource");
type ClientsModule = { documentClient: typeof import("../functions/shared/dynamoDb").documentClient };
type EventBridgeModule = typeof import("../functions/shared/eventBridge");
type HttpHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** Names of the local resources, the same roles the stack outputs name in AWS. */
export const localResourceNames = {
  transactionsTable: "transactions-local",
  intakeTable: "intake-records-local",
  eventBus: "transaction-pipeline-local",
  alertsTopic: "alerts-local",
  alertsInbox: "alerts-inbox-local",
  deadLetterQueue: "dead-letters-local",
} as const;

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
  /** Shortens Step Functions retry waits (tests); real backoff when absent. */
  readonly retryIntervalOverrides?: Record<string, number | number[]>;
}

export interface LocalPipeline {
  readonly webhook: HttpHandler;
  readonly transactionStatus: HttpHandler;
  readonly bus: LocalEventBus;
  readonly emulators: Emulators;
  readonly eventBridgeEndpoint: string;
  readonly alertsInboxUrl: string;
  readonly deadLetterQueueUrl: string;
  /** Executions that ended in the Fail state (their input is in the dead-letter queue). */
  readonly failedExecutions: () => number;
  /** Resolves once no event is being delivered and no execution is running. */
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
    const bus = new LocalEventBus({ name: localResourceNames.eventBus, region: localRegion });
    endpoint = await startEventBridgeEndpoint(bus);
    const clients = localClients({ ...emulators, eventBridgeEndpoint: endpoint.endpoint });

    for (const [table, definition] of [
      [localResourceNames.transactionsTable, transactionsTableDefinition],
      [localResourceNames.intakeTable, intakeRecordsTableDefinition],
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

    // What the deployed functions find in their configuration, pointed at the emulators.
    Object.assign(process.env, {
      [EnvironmentName.transactionsTable]: localResourceNames.transactionsTable,
      [EnvironmentName.intakeTable]: localResourceNames.intakeTable,
      [EnvironmentName.eventBusName]: localResourceNames.eventBus,
      [EnvironmentName.dynamoDbEndpoint]: emulators.dynamoDbEndpoint,
      [EnvironmentName.eventBridgeEndpoint]: endpoint.endpoint,
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...options.functionEnvironment,
    });
    forgetFunctionModules();
    const load = <Module>(path: string) => loadFunctionModule<Module>(path);
    const stepHandlers = {
      validation: load<{ handler: LambdaHandler }>("validation/index").handler,
      "fraud-detection": load<{ handler: LambdaHandler }>("fraud-detection/index").handler,
      compliance: load<{ handler: LambdaHandler }>("compliance/index").handler,
    };
    const statusHandler = load<{ handler: LambdaHandler }>("transaction-status/index").handler;
    const { createWebhookIntakeHandler } = load<IntakeModule>("webhook-intake/webhookIntake");
    const { loadWebhookIntakeConfig } =
      load<typeof import("../functions/webhook-intake/config")>("webhook-intake/config");
    const { staticSigningProviders } = load<SourceModule>("webhook-intake/signingSecretSource");
    const { documentClient } = load<ClientsModule>("shared/dynamoDb");
    const { eventBridgeClient } = load<EventBridgeModule>("shared/eventBridge");
    const webhookHandler = createWebhookIntakeHandler({
      config: loadWebhookIntakeConfig(),
      signingProviders: staticSigningProviders([
        {
          name: options.providerName ?? "local",
          scheme: "standard-webhooks",
          secrets: [options.webhookSecret],
        },
      ]),
      documentClient,
      eventBridge: eventBridgeClient,
    });

    const definition = buildTransactionStateMachineDefinition({
      validateFunctionArn: functionArn("validation"),
      fraudDetectionFunctionArn: functionArn("fraud-detection"),
      complianceFunctionArn: functionArn("compliance"),
      transactionsTableName: localResourceNames.transactionsTable,
      alertsTopicArn,
      deadLetterQueueUrl,
      eventBusName: localResourceNames.eventBus,
      highValueAlertUsdMinor: (options.highValueAlertUsd ?? 10_000) * 100,
    });
    const stateMachine = new LocalStateMachine({
      definition,
      functions: Object.fromEntries(
        Object.entries(stepHandlers).map(([name, handler]) => [functionArn(name), { name, handler }]),
      ),
      clients,
    });

    const running = new Set<Promise<unknown>>();
    let failed = 0;
    addLaneRules(bus, options.laneThresholds ?? defaultAmountLaneThresholds, {
      async startExecution(input) {
        const execution = stateMachine.start(input, {
          retryIntervalOverrides: options.retryIntervalOverrides,
        });
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

    const http =
      (name: string, handler: LambdaHandler): HttpHandler =>
      async (event) =>
        (await handler(event, localLambdaContext(name))) as APIGatewayProxyResult;
    const eventBridgeStop = endpoint.stop;
    return {
      webhook: http("webhook-intake", webhookHandler as LambdaHandler),
      transactionStatus: http("transaction-status", statusHandler),
      bus,
      emulators,
      eventBridgeEndpoint: endpoint.endpoint,
      alertsInboxUrl,
      deadLetterQueueUrl,
      failedExecutions: () => failed,
      async idle() {
        // Executions publish to the bus and deliveries start executions: settle until both are quiet.
        for (;;) {
          await bus.idle();
          if (running.size === 0) return;
          await Promise.allSettled([...running]);
        }
      },
      async stop() {
        await bus.idle();
        await Promise.allSettled([...running]);
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
