/**
 * POST /webhook in AWS: the intake built from the function's environment, the Secrets Manager
 * secret of signing providers, and the shared DynamoDB and EventBridge clients.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { documentClient } from "../shared/dynamoDb";
import { eventBridgeClient } from "../shared/eventBridge";
import { EnvironmentName } from "../shared/environmentNames";
import { requireEnvironment } from "../shared/environment";
import { tracer } from "../shared/powertools";
import { loadWebhookIntakeConfig } from "./config";
import { secretsManagerSigningProviders } from "./signingSecretSource";
import { createWebhookIntakeHandler } from "./webhookIntake";

const secretsManager = tracer.captureAWSv3Client(new SecretsManagerClient({}));

export const handler = createWebhookIntakeHandler({
  config: loadWebhookIntakeConfig(),
  signingProviders: secretsManagerSigningProviders(
    secretsManager,
    requireEnvironment(EnvironmentName.webhookSecretsArn),
  ),
  documentClient,
  eventBridge: eventBridgeClient,
});
