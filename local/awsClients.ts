/**
 * AWS SDK v3 clients pointed at the local emulators. The credentials are placeholders the
 * emulators accept; nothing here can reach AWS.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { ServiceClients } from "./serviceIntegrations";

export const localRegion = "us-east-1";
export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" };

export interface LocalEndpoints {
  readonly dynamoDbEndpoint: string;
  readonly messagingEndpoint: string;
  /**
   * An EventBridge-compatible endpoint. Optional because neither emulator speaks EventBridge:
   * without it the client refuses every call (LocalEndpointNotConfigured) rather than
   * reaching AWS, and tests mock it instead.
   */
  readonly eventBridgeEndpoint?: string;
}

/** Raised by the EventBridge client of `localClients` when no endpoint was given. */
export class LocalEndpointNotConfiguredError extends Error {
  constructor() {
    super(
      "no local EventBridge endpoint: pass eventBridgeEndpoint to localClients, or mock EventBridgeClient",
    );
    this.name = "LocalEndpointNotConfigured";
  }
}

function eventBridgeClient(common: object, endpoint: string | undefined): EventBridgeClient {
  if (endpoint !== undefined) return new EventBridgeClient({ ...common, endpoint });
  const client = new EventBridgeClient(common);
  // First step of the stack: the request is refused before an endpoint is ever resolved.
  client.middlewareStack.add(
    () => async () => {
      throw new LocalEndpointNotConfiguredError();
    },
    { step: "initialize", name: "refuseWithoutLocalEndpoint", priority: "high" },
  );
  return client;
}

export function localClients(endpoints: LocalEndpoints): ServiceClients {
  const common = { region: localRegion, credentials: localCredentials };
  return {
    dynamoDb: new DynamoDBClient({ ...common, endpoint: endpoints.dynamoDbEndpoint }),
    sns: new SNSClient({ ...common, endpoint: endpoints.messagingEndpoint }),
    sqs: new SQSClient({ ...common, endpoint: endpoints.messagingEndpoint }),
    eventBridge: eventBridgeClient(common, endpoints.eventBridgeEndpoint),
  };
}
