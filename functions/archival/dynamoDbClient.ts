/**
 * The archival job's DynamoDB client. Unlike the other functions it works on raw attribute values
 * (not the document client): the archive line and the delete condition must reproduce every stored
 * value exactly, numbers beyond 2^53 and sets included, which a round trip through JavaScript
 * values would not. Its endpoint, as in shared/dynamoDb.ts, is the SDK's own choice
 * (AWS_ENDPOINT_URL_DYNAMODB when set).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { tracer } from "../shared/powertools";

export const dynamoDbClient: DynamoDBClient = tracer.captureAWSv3Client(new DynamoDBClient({}));
