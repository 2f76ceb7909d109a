/**
 * One EventBridge client per container. EVENTBRIDGE_ENDPOINT points it at the local bus (local
 * runtime, tests); otherwise the regional endpoint (through the VPC interface endpoint) is used
 * and calls are traced with X-Ray.
 */
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { EnvironmentName } from "./environmentNames";
import { optionalEnvironment } from "./environment";
import { tracer } from "./powertools";

const endpoint = optionalEnvironment(EnvironmentName.eventBridgeEndpoint);

export const eventBridgeClient: EventBridgeClient = endpoint
  ? new EventBridgeClient({ endpoint })
  : tracer.captureAWSv3Client(new EventBridgeClient({}));
