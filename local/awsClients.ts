/**
 * AWS SDK v3 clients pointed at the local emulators. The credentials are placeholders the
 * emulators accept; nothing here can reach AWS.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { ServiceClients } from "./serviceIntegrations";

export const localRegion = "us-east-1";
export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" };

export interface LocalEndpoints {
  readonly dynamoDbEndpoint: string;
  readonly messagingEndpoint: string;
}

export function localClients(endpoints: LocalEndpoints): ServiceClients {
  const common = { region: localRegion, credentials: localCredentials };
  return {
    dynamoDb: new DynamoDBClient({ ...common, endpoint: endpoints.dynamoDbEndpoint }),
    sns: new SNSClient({ ...common, endpoint: endpoints.messagingEndpoint }),
    sqs: new SQSClient({ ...common, endpoint: endpoints.messagingEndpoint }),
  };
}
