/**
 * The ingest API's routes: method, path template, whether an API key is required and which
 * function answers. The IngestApi component deploys exactly these, and the local HTTP server
 * (`npm start`) serves the same table, so the two cannot disagree on a path or on which routes
 * need a key, and which key.
 */
import type { ApiKeyScope } from "../functions/shared/apiKeyScopes";

export interface IngestApiRoute {
  /** Names the route's children in the stack (`${name}-${key}`); a shipped key never changes. */
  readonly key: string;
  /** The route template, e.g. "/transactions/{transactionId}". */
  readonly resourcePath: string;
  readonly httpMethod: "GET" | "POST";
  readonly apiKeyRequired: boolean;
  /** Which key opens the route when one is required (checked by its handler, see apiKeyScopes.ts). */
  readonly apiKeyScope?: ApiKeyScope;
  /** The folder under functions/ of the Lambda behind the route. */
  readonly functionFolder: string;
}

export const ingestApiRoutes = {
  webhook: {
    key: "webhook-post",
    resourcePath: "/webhook",
    httpMethod: "POST",
    // Providers authenticate by signing the body; the function verifies the signature.
    apiKeyRequired: false,
    functionFolder: "webhook-intake",
  },
  transactionStatus: {
    key: "transaction-get",
    resourcePath: "/transactions/{transactionId}",
    httpMethod: "GET",
    // It answers stored transaction data.
    apiKeyRequired: true,
    apiKeyScope: "status",
    functionFolder: "transaction-status",
  },
  upload: {
    key: "upload-post",
    resourcePath: "/upload",
    httpMethod: "POST",
    apiKeyRequired: true,
    apiKeyScope: "upload",
    functionFolder: "csv-intake",
  },
  uploads: {
    key: "uploads-post",
    resourcePath: "/uploads",
    httpMethod: "POST",
    // A presigned URL lets its holder write into the uploads bucket.
    apiKeyRequired: true,
    apiKeyScope: "upload",
    functionFolder: "csv-intake",
  },
  fileStatus: {
    key: "file-get",
    resourcePath: "/files/{file_id}",
    httpMethod: "GET",
    // A file's status and row errors are back-office data.
    apiKeyRequired: true,
    apiKeyScope: "upload",
    functionFolder: "file-status",
  },
} as const satisfies Record<string, IngestApiRoute>;

export type IngestApiRouteName = keyof typeof ingestApiRoutes;

/**
 * Content types API Gateway hands to the functions base64-encoded, byte for byte (parameters such
 * as charset are ignored when matching): webhook signatures are verified over the exact bytes the
 * provider signed, which a text body re-encoded by API Gateway would not be.
 */
export const ingestApiBinaryMediaTypes: readonly string[] = ["application/json"];
