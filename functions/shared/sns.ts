/**
 * One SNS client per container (the file summaries of csv-transform, the notifier and the
 * reconciler), its calls traced with X-Ray (a no-op outside Lambda). The SDK takes its endpoint
 * from AWS_ENDPOINT_URL_SNS when set (fauxqs, in the local runtime and tests); otherwise the
 * regional endpoint, through the VPC interface endpoint.
 */
import { SNSClient } from "@aws-sdk/client-sns";
import { tracer } from "./powertools";

export const snsClient: SNSClient = tracer.captureAWSv3Client(new SNSClient({}));
