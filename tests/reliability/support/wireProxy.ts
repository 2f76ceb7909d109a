/**
 * A small HTTP proxy between the functions' AWS SDK clients and an emulator, where faults are
 * injected at the wire: a request can be answered by the proxy itself (a throttling error the SDK
 * then retries as it would AWS's), or held unanswered forever, and an upstream answer can be
 * withheld (the work is done upstream, the caller never learns it). Requests and answers pass
 * whole: an upstream never sees half a request.
 */
import { createHash } from "node:crypto";
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The AWS JSON protocol operation (`X-Amz-Target` after the dot), e.g. "PutItem"; "" for REST calls. */
  readonly operation: string;
  /** SHA-256 of method, path and body: the same for every sending of one request, SDK retries included. */
  readonly fingerprint: string;
}

export interface CannedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface WireProxyOptions {
  /** Where requests go (`http://host:port`); settable later, before the first request. */
  readonly upstream?: string;
  /** The proxy's own answer instead of forwarding, or "hold" to never answer; undefined forwards. */
  readonly intercept?: (request: ProxiedRequest) => CannedAnswer | "hold" | undefined;
  /** Called once upstream has answered: "hold" keeps the answer from the caller forever. */
  readonly deliver?: (request: ProxiedRequest) => "hold" | undefined;
}

export interface WireProxy {
  /** `http://127.0.0.1:<port>`, for a client's endpoint. */
  readonly endpoint: string;
  setUpstream(upstream: string): void;
  /** Drops held requests and stops. */
  close(): Promise<void>;
}

/** The DynamoDB error a throttled table answers, as AWS sends it (HTTP 400, AWS JSON 1.0). */
export function provisionedThroughputExceeded(): CannedAnswer {
  return {
    status: 400,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": "THROTTLEDBYWIREPROXY",
    },
    body: JSON.stringify({
      __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
      message:
        "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
    }),
  };
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Hop-by-hop headers are the proxy's own business on each side. */
function endToEndHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const {
    connection: _connection,
    "keep-alive": _keepAlive,
    "transfer-encoding": _encoding,
    ...rest
  } = headers;
  return rest;
}

export async function startWireProxy(options: WireProxyOptions = {}): Promise<WireProxy> {
  let upstream = options.upstream;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<Socket>();

  async function forward(
    request: ProxiedRequest,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    if (!upstream) throw new Error("the proxy has no upstream yet");
    const url = new URL(request.path, upstream);
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        url,
        {
          method: request.method,
          headers: { ...endToEndHeaders(request.headers), "content-length": String(request.body.length) },
          agent,
        },
        (answer) => {
          readAll(answer).then(
            (body) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body }),
            reject,
          );
        },
      );
      outgoing.on("error", reject);
      outgoing.end(request.body);
    });
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readAll(incoming);
    const target = incoming.headers["x-amz-target"];
    const request: ProxiedRequest = {
      method: incoming.method ?? "GET",
      path: incoming.url ?? "/",
      headers: incoming.headers,
      body,
      operation: typeof target === "string" ? (target.split(".")[1] ?? target) : "",
      fingerprint: createHash("sha256")
        .update(`${incoming.method} ${incoming.url}\n`)
        .update(body)
        .digest("hex"),
    };
    const own = options.intercept?.(request);
    if (own === "hold") return;
    if (own) {
      response.writeHead(own.status, { ...own.headers, "content-length": Buffer.byteLength(own.body) });
      response.end(own.body);
      return;
    }
    const answer = await forward(request);
    if (options.deliver?.(request) === "hold") return;
    response.writeHead(answer.status, {
      ...endToEndHeaders(answer.headers),
      "content-length": String(answer.body.length),
    });
    response.end(answer.body);
  }

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      response.writeHead(502, { "content-type": "text/plain" });
      response.end(String(error));
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setUpstream(value) {
      upstream = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}
