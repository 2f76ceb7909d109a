/**
 * The local ingest API: an HTTP server on loopback that serves the deployed route table
 * (pipeline/routes.ts) by turning each request into an API Gateway REST proxy event and
 * calling the real handler. It answers the way API Gateway does where the handler is not reached:
 * 403 "Missing Authentication Token" for an unknown route or method, 403 "Forbidden" for a missing
 * or unknown API key (either of the two keys passes, as any key of a usage plan does in AWS; the
 * handler then admits only its route's key), 413 above the 10 MB payload quota and 502 when the handler throws.
 *
 * Two local-only routes, behind the same API key: POST /admin/archive runs the archival job once
 * (in AWS, its schedule does), and GET /admin/health answers 200 once the pipeline is ready.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyResult } from "aws-lambda";
import { apiKeyStageVariables, type ApiKeyScope } from "../functions/shared/apiKeyScopes";
import { createMaskingLogger } from "../functions/shared/cardMaskingLogFormatter";
import { splitRequestUrl, toApiGatewayEvent, type RouteMatch } from "./apiGatewayEvent";
import type { HttpHandler, LocalPipeline } from "./localPipeline";
import { ingestApiRoutes, type IngestApiRoute, type IngestApiRouteName } from "../pipeline";

/** API Gateway's payload quota for REST APIs. */
export const apiGatewayMaxPayloadBytes = 10 * 1024 * 1024;

export type ApiPipeline = Pick<LocalPipeline, IngestApiRouteName | "archive">;

export interface LocalApiServerOptions {
  /** The pipeline whose handlers answer; a promise while it is still starting. */
  readonly pipeline: ApiPipeline | Promise<ApiPipeline>;
  /** The status key: `x-api-key` for GET /transactions/{id} (and the local admin routes). */
  readonly apiKey: string;
  /** The upload (back-office) key: `x-api-key` for POST /upload, POST /uploads, GET /files/{id}. */
  readonly uploadApiKey: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Default 127.0.0.1: the local stack is for this machine only. */
  readonly host?: string;
  /** The stage name in request contexts. Default "local". */
  readonly stage?: string;
  readonly logger?: Logger;
}

export interface LocalApiServer {
  /** "http://127.0.0.1:<port>" */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Raised when the port is taken, with the message a person can act on. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly host: string,
  ) {
    super(
      `port ${port} on ${host} is already in use: stop whatever is listening there ` +
        `(lsof -i :${port}) or choose another port with PORT=<port> npm start`,
    );
    this.name = "PortInUseError";
  }
}

interface CompiledRoute {
  readonly name: IngestApiRouteName;
  readonly route: IngestApiRoute;
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
}

/** "/files/{file_id}" → /^\/files\/([^/]+)$/ with parameter names ["file_id"]. */
function compileRoute(name: IngestApiRouteName, route: IngestApiRoute): CompiledRoute {
  const parameterNames: string[] = [];
  const source = route.resourcePath
    .split("/")
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment);
      if (!parameter) return segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
      parameterNames.push(parameter[1]);
      return "([^/]+)";
    })
    .join("/");
  return { name, route, pattern: new RegExp(`^${source}$`), parameterNames };
}

const compiledRoutes = (Object.entries(ingestApiRoutes) as [IngestApiRouteName, IngestApiRoute][]).map(
  ([name, route]) => compileRoute(name, route),
);

function matchRoute(method: string, path: string): { route: CompiledRoute; match: RouteMatch } | undefined {
  for (const route of compiledRoutes) {
    if (route.route.httpMethod !== method) continue;
    const found = route.pattern.exec(path);
    if (!found) continue;
    const pathParameters =
      route.parameterNames.length === 0
        ? null
        : Object.fromEntries(route.parameterNames.map((parameter, index) => [parameter, found[index + 1]]));
    return { route, match: { resourcePath: route.route.resourcePath, pathParameters } };
  }
  return undefined;
}

class PayloadTooLargeError extends Error {
  constructor() {
    super("request body above the API Gateway payload quota");
    this.name = "PayloadTooLargeError";
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > apiGatewayMaxPayloadBytes) throw new PayloadTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function send(
  response: ServerResponse,
  statusCode: number,
  body: string | Buffer,
  headers: Record<string, string> = { "Content-Type": "application/json" },
): void {
  response.writeHead(statusCode, { ...headers, "Content-Length": Buffer.byteLength(body) });
  response.end(body);
}

const gatewayMessage = (message: string) => JSON.stringify({ message });

function sendProxyResult(response: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers[name] = values.map(String);
  }
  const body = result.isBase64Encoded ? Buffer.from(result.body, "base64") : Buffer.from(result.body ?? "");
  response.writeHead(result.statusCode, { ...headers, "Content-Length": body.length });
  response.end(body);
}

function presentedApiKey(request: IncomingMessage): string | undefined {
  const value = request.headers["x-api-key"];
  return Array.isArray(value) ? value[0] : value;
}

/** The ids API Gateway would give the two keys, and the stage variables naming them. */
const localApiKeyIds: Readonly<Record<ApiKeyScope, string>> = {
  status: "local-status-key",
  upload: "local-upload-key",
};
const localStageVariables: Readonly<Record<string, string>> = Object.fromEntries(
  (Object.keys(localApiKeyIds) as ApiKeyScope[]).map((scope) => [
    apiKeyStageVariables[scope],
    localApiKeyIds[scope],
  ]),
);

export async function startLocalApiServer(options: LocalApiServerOptions): Promise<LocalApiServer> {
  const host = options.host ?? "127.0.0.1";
  const stage = options.stage ?? "local";
  const logger = options.logger ?? createMaskingLogger({ serviceName: "local-api" });
  let pipeline: ApiPipeline | undefined;
  const ready = Promise.resolve(options.pipeline).then((resolved) => (pipeline = resolved));
  // Until the pipeline is up, requests wait for it; a failed start is reported by the caller.
  ready.catch(() => undefined);

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<number> {
    const method = request.method ?? "GET";
    const { path } = splitRequestUrl(request.url ?? "/");
    // As API Gateway does: any key of the stage passes; the handler checks it is the route's key.
    const presented = presentedApiKey(request);
    const presentedScope: ApiKeyScope | undefined =
      presented === options.apiKey ? "status" : presented === options.uploadApiKey ? "upload" : undefined;
    const keyOk = presentedScope !== undefined;

    if (path === "/admin/health" && method === "GET") {
      send(response, 200, JSON.stringify({ status: pipeline ? "ready" : "starting" }));
      return 200;
    }
    if (path === "/admin/archive" && method === "POST") {
      if (!keyOk) {
        send(response, 403, gatewayMessage("Forbidden"));
        return 403;
      }
      const summary = await (pipeline ?? (await ready)).archive();
      send(response, 200, JSON.stringify(summary));
      return 200;
    }

    const found = matchRoute(method, path);
    if (!found) {
      send(response, 403, gatewayMessage("Missing Authentication Token"));
      return 403;
    }
    if (found.route.route.apiKeyRequired && !keyOk) {
      send(response, 403, gatewayMessage("Forbidden"));
      return 403;
    }
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      if (!(error instanceof PayloadTooLargeError)) throw error;
      send(response, 413, gatewayMessage("Request Too Long"));
      return 413;
    }
    const handler: HttpHandler = (pipeline ?? (await ready))[found.route.name];
    const event = toApiGatewayEvent(
      {
        method,
        url: request.url ?? "/",
        rawHeaders: request.rawHeaders,
        body,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
      },
      found.match,
      {
        stage,
        stageVariables: localStageVariables,
        ...(found.route.route.apiKeyRequired && presentedScope !== undefined
          ? { apiKey: presented, apiKeyId: localApiKeyIds[presentedScope] }
          : {}),
      },
    );
    try {
      const result = await handler(event);
      sendProxyResult(response, result);
      return result.statusCode;
    } catch (error) {
      logger.error("Handler failed; answered 502 as API Gateway does", {
        route: found.route.route.key,
        error: error instanceof Error ? error : String(error),
      });
      send(response, 502, gatewayMessage("Internal server error"));
      return 502;
    }
  }

  const server: Server = createServer((request, response) => {
    const started = performance.now();
    answer(request, response)
      .then((statusCode) => {
        logger.info("Request answered", {
          method: request.method,
          // The path only (query strings are not used by any route); the formatter masks card numbers.
          path: splitRequestUrl(request.url ?? "/").path,
          statusCode,
          durationMs: Math.round(performance.now() - started),
        });
      })
      .catch((error: unknown) => {
        logger.error("Request failed", { error: error instanceof Error ? error : String(error) });
        if (!response.headersSent) send(response, 500, gatewayMessage("Internal server error"));
        else response.destroy();
      });
  });
  // Keep-alive sockets would hold close() open until they time out.
  server.keepAliveTimeout = 1_000;

  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new PortInUseError(options.port, host) : error);
    });
    server.listen(options.port, host, () => resolve((server.address() as AddressInfo).port));
  });
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
