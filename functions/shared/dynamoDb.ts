/**
 * One DynamoDB document client per container, its calls traced with X-Ray (a no-op outside
 * Lambda). The SDK takes its endpoint from AWS_ENDPOINT_URL_DYNAMODB when set (the local runtime
 * and tests point it at an emulator); otherwise the regional endpoint, through the VPC gateway
 * endpoint.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { tracer } from "./powertools";

const baseClient = tracer.captureAWSv3Client(new DynamoDBClient({}));

/** Optional fields are simply absent; class instances are never expected, so never silently mapped. */
export const documentMarshallOptions = {
  removeUndefinedValues: true,
  convertClassInstanceToMap: false,
} as const;

export const documentClient: DynamoDBDocumentClient = DynamoDBDocumentClient.from(baseClient, {
  marshallOptions: documentMarshallOptions,
});
