/**
 * The webhook intake handler cold-started in a quiet environment, with its DynamoDB and
 * EventBridge clients answered by aws-sdk-client-mock: every write succeeds, every read finds
 * nothing, every event is accepted. Fast enough for hundreds of property runs; what it cannot show
 * is the intake's behaviour against a real table (tests/functions/webhookIntake*.test.ts do).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { forgetFunctionModules, loadFunctionModule } from "../../../local/functionLoader";
import { localCredentials, localRegion } from "../../../local/awsClients";
import { localLambdaContext } from "../../../local/lambdaInvokeShim";
import type { SigningProvider } from "../../../functions/webhook-intake/signingProviders";

type IntakeModule = typeof import("../../../functions/webhook-intake/webhookIntake");
type SourceModule = typeof import("../../../functions/webhook-intake/signingSecretSource");

export interface MockedIntake {
  handle(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult>;
  stop(): void;
}

export function startMockedIntake(providers: readonly SigningProvider[]): MockedIntake {
  const snapshot = { ...process.env };
  // Powertools reads these at import: no log lines, metrics or traces from hundreds of runs.
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
    POWERTOOLS_TRACE_ENABLED: "false",
    POWERTOOLS_SERVICE_NAME: "webhook-intake-properties",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  });
  forgetFunctionModules();
  const { createWebhookIntakeHandler } = loadFunctionModule<IntakeModule>("webhook-intake/webhookIntake");
  const { staticSigningProviders } = loadFunctionModule<SourceModule>("webhook-intake/signingSecretSource");
  const clientConfig = { region: localRegion, credentials: localCredentials };
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig));
  const eventBridge = new EventBridgeClient(clientConfig);
  const dynamoDbMock = mockClient(documentClient);
  const eventBridgeMock = mockClient(eventBridge);
  dynamoDbMock.on(PutCommand).resolves({});
  dynamoDbMock.on(UpdateCommand).resolves({});
  dynamoDbMock.on(DeleteCommand).resolves({});
  dynamoDbMock.on(GetCommand).resolves({});
  eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "event-1" }] });
  const handler = createWebhookIntakeHandler({
    config: {
      intakeTableName: "intake-records-properties",
      eventBusName: "bus-properties",
      maxBodyBytes: 8192,
      retentionHours: 96,
      maxAmountUsdMinor: 100_000_000n,
    },
    signingProviders: staticSigningProviders(providers),
    documentClient,
    eventBridge,
  });
  return {
    handle: (event) => handler(event, localLambdaContext("webhook-intake")),
    stop() {
      dynamoDbMock.restore();
      eventBridgeMock.restore();
      forgetFunctionModules();
      for (const key of Object.keys(process.env)) if (!(key in snapshot)) delete process.env[key];
      Object.assign(process.env, snapshot);
    },
  };
}

/** An API Gateway error answer's body. */
export interface ErrorAnswer {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string };
}
