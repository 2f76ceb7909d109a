/**
 * One EventBridge client per container, its calls traced with X-Ray (a no-op outside Lambda). The
 * SDK takes its endpoint from AWS_ENDPOINT_URL_EVENTBRIDGE when set (the local bus, in the local
 * runtime and tests); otherwise the regional endpoint, through the VPC interface endpoint.
 */
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { tracer } from "./powertools";

export const eventBridgeClient: EventBridgeClient = tracer.captureAWSv3Client(new EventBridgeClient({}));
