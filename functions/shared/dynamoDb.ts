/**
 * One DynamoDB document client per container. DYNAMODB_ENDPOINT points it at a local emulator
 * (local runtime, tests); otherwise the SDK's regional endpoint (through the VPC gateway endpoint)
 * is used and calls are traced with X-Ray.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { EnvironmentName } from "./environmentNames";
import { optionalEnvironment } from "./environment";
import { tracer } from "./powertools";

const endpoint = optionalEnvironment(EnvironmentName.dynamoDbEndpoint);

const baseClient = endpoint
  ? new DynamoDBClient({ endpoint })
  : tracer.captureAWSv3Client(new DynamoDBClient({}));

/** Optional fields are simply absent; class instances are never expected, so never silently mapped. */
export const documentMarshallOptions = {
  removeUndefinedValues: true,
  convertClassInstanceToMap: false,
} as const;

export const documentClient: DynamoDBDocumentClient = DynamoDBDocumentClient.from(baseClient, {
  marshallOptions: documentMarshallOptions,
});
