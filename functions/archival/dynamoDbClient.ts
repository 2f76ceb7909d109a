/**
 * The archival job's DynamoDB client. Unlike the other functions it works on raw attribute values
 * (not the document client): the archive line and the delete condition must reproduce every stored
 * value exactly, numbers beyond 2^53 and sets included, which a round trip through JavaScript
 * values would not. DYNAMODB_ENDPOINT points it at a local emulator, as in shared/dynamoDb.ts.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EnvironmentName } from "../shared/environmentNames";
import { optionalEnvironment } from "../shared/environment";
import { tracer } from "../shared/powertools";

const endpoint = optionalEnvironment(EnvironmentName.dynamoDbEndpoint);

export const dynamoDbClient: DynamoDBClient = endpoint
  ? new DynamoDBClient({ endpoint })
  : tracer.captureAWSv3Client(new DynamoDBClient({}));
