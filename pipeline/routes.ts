/**
 * The ingest API's routes: method, path, API key, which function answers and what the gateway
 * checks first. The IngestApi component deploys exactly these (its resource tree, methods,
 * integrations, invoke grants, validators and per-method throttles are built from this table), and
 * the local HTTP server (`npm start`) serves the same table, so the two cannot disagree on a path,
 * on which routes need a key, and which key, or on which function answers.
 */
import type { ApiKeyScope } from "../functions/shared/apiKeyScopes";
import type { PipelineFunction } from "./functions";

export interface IngestApiRoute {
  /** Names the route's children in the stack (`${name}-${key}`); a shipped key never changes. */
  readonly key: string;
  /** The route template, e.g. "/transactions/{transactionId}". */
  readonly resourcePath: string;
  readonly httpMethod: "GET" | "POST";
  readonly apiKeyRequired: boolean;
  /** Which key opens the route when one is required (checked by its handler, see apiKeyScopes.ts). */
  readonly apiKeyScope?: ApiKeyScope;
  /** The function behind the route (Lambda proxy). */
  readonly function: PipelineFunction;
  /**
   * Headers the gateway requires before it invokes the function: a request without one is refused
   * with 400 by a request validator of this name. Default none, and no validator.
   */
  readonly requiredHeaders?: { readonly names: readonly string[]; readonly validatorName: string };
  /** The method's own throttle instead of the stage's (IngestApi's `<throttling>ThrottlingRateLimit`). Default the stage's. */
  readonly throttling?: "webhook" | "upload";
}

export const ingestApiRoutes = {
  webhook: {
    key: "webhook-post",
    resourcePath: "/webhook",
    httpMethod: "POST",
    // Providers authenticate by signing the body; the function verifies the signature.
    apiKeyRequired: false,
    function: "webhook-intake",
    throttling: "webhook",
  },
  transactionStatus: {
    key: "transaction-get",
    resourcePath: "/transactions/{transactionId}",
    httpMethod: "GET",
    // It answers stored transaction data.
    apiKeyRequired: true,
    apiKeyScope: "status",
    function: "transaction-status",
  },
  upload: {
    key: "upload-post",
    resourcePath: "/upload",
    httpMethod: "POST",
    apiKeyRequired: true,
    apiKeyScope: "upload",
    function: "csv-intake",
    // What the gateway can and cannot check of a CSV body: components/ingest/uploadRequests.ts.
    requiredHeaders: { names: ["Content-Type"], validatorName: "csv-upload" },
    // Files are few and heavy: a tighter limit than the stage's.
    throttling: "upload",
  },
  uploads: {
    key: "uploads-post",
    resourcePath: "/uploads",
    httpMethod: "POST",
    // A presigned URL lets its holder write into the uploads bucket.
    apiKeyRequired: true,
    apiKeyScope: "upload",
    function: "csv-intake",
    throttling: "upload",
  },
  fileStatus: {
    key: "file-get",
    resourcePath: "/files/{file_id}",
    httpMethod: "GET",
    // A file's status and row errors are back-office data.
    apiKeyRequired: true,
    apiKeyScope: "upload",
    function: "file-status",
  },
} as const satisfies Record<string, IngestApiRoute>;

export type IngestApiRouteName = keyof typeof ingestApiRoutes;

/** The functions behind the routes. */
export type IngestApiFunction = (typeof ingestApiRoutes)[IngestApiRouteName]["function"];

/**
 * Every path of the API with the key naming its resource in the stack (`${name}-${key}`), parents
 * before children. A path parameter's resource is named for one item of its collection. Shipped
 * keys never change.
 */
export const ingestApiPaths: Readonly<Record<string, string>> = {
  "/webhook": "webhook",
  "/transactions": "transactions",
  "/transactions/{transactionId}": "transaction",
  "/upload": "upload",
  "/uploads": "uploads",
  "/files": "files",
  "/files/{file_id}": "file",
};

/** "/files/{file_id}" → ["/files", "/files/{file_id}"]: the path and every parent, outermost first. */
export function pathsOf(resourcePath: string): string[] {
  const segments = resourcePath.split("/").slice(1);
  return segments.map((_, index) => `/${segments.slice(0, index + 1).join("/")}`);
}

/** The names of a route template's path parameters, in order. */
export function pathParameters(resourcePath: string): string[] {
  return resourcePath.split("/").flatMap((segment) => {
    const parameter = /^\{(\w+)\}$/.exec(segment);
    return parameter === null ? [] : [parameter[1]];
  });
}

/**
 * The method request parameters API Gateway requires of a route: its path parameters and
 * required headers. Undefined when there are none.
 */
export function requiredRequestParameters(route: IngestApiRoute): Record<string, boolean> | undefined {
  const names = [
    ...pathParameters(route.resourcePath).map((name) => `method.request.path.${name}`),
    ...(route.requiredHeaders?.names ?? []).map((name) => `method.request.header.${name}`),
  ];
  return names.length === 0 ? undefined : Object.fromEntries(names.map((name) => [name, true]));
}

/** What follows `<executionArn>/<stage>/` in a route's invoke grant: "GET/transactions/*". */
export function invokeGrantPath(route: IngestApiRoute): string {
  const path = route.resourcePath
    .split("/")
    .slice(1)
    .map((segment) => (/^\{\w+\}$/.test(segment) ? "*" : segment))
    .join("/");
  return `${route.httpMethod}/${path}`;
}

/** A method's path in a stage's method settings: "webhook/POST" (slashes inside the path as "~1"). */
export function methodSettingsPath(route: IngestApiRoute): string {
  return `${route.resourcePath.slice(1).replaceAll("/", "~1")}/${route.httpMethod}`;
}

/** The URLs a deployed API and the local one export. */
export interface IngestApiUrls {
  /** The base URL: a deployed API's stage invoke URL, `https://<api>.execute-api.<region>.amazonaws.com/<stage>`. */
  readonly apiUrl: string;
  /** `<apiUrl>/webhook`: providers POST their deliveries. */
  readonly webhookUrl: string;
  /** `<apiUrl>/upload`: POST a CSV body (up to about 5 MB). */
  readonly uploadUrl: string;
  /** `<apiUrl>/uploads`: POST for a presigned S3 PUT URL (larger files). */
  readonly uploadsUrl: string;
  /** `<apiUrl>/files`: GET `<filesUrl>/<file_id>` for a file's status. */
  readonly filesUrl: string;
}

/** The API's URLs from its base URL (the stage's). */
export function ingestApiUrls(apiUrl: string): IngestApiUrls {
  return {
    apiUrl,
    webhookUrl: `${apiUrl}${ingestApiRoutes.webhook.resourcePath}`,
    uploadUrl: `${apiUrl}${ingestApiRoutes.upload.resourcePath}`,
    uploadsUrl: `${apiUrl}${ingestApiRoutes.uploads.resourcePath}`,
    // GET `<filesUrl>/<file_id>`: the collection above the file-status route.
    filesUrl: `${apiUrl}${pathsOf(ingestApiRoutes.fileStatus.resourcePath)[0]}`,
  };
}

/**
 * Content types API Gateway hands to the functions base64-encoded, byte for byte (parameters such
 * as charset are ignored when matching): webhook signatures are verified over the exact bytes the
 * provider signed, which a text body re-encoded by API Gateway would not be.
 */
export const ingestApiBinaryMediaTypes: readonly string[] = ["application/json"];
