/** How transactions come in: the REST API built from the route table, and the webhook signing secrets. */
export { IngestApi, type IngestApiArgs } from "./ingestApi";
export { WebhookSigningSecret, type WebhookSigningSecretArgs } from "./webhookSigningSecret";
