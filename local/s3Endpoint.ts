/**
 * The local runtime's S3 endpoint: fauxqs behind a pass-through that takes a single PUT of any
 * size up to S3's 5 GB, as AWS does. fauxqs 1.9 (the last version that runs on Node 20; 2.x needs
 * Node 22.5) builds its HTTP server with a fixed 11 MiB body limit for every request, so a
 * presigned upload of a larger CSV file was refused with 413 locally while AWS takes it in one PUT.
 *
 * Every request is passed through unchanged, answer included, except a PutObject whose body is
 * larger than one part (`partBytes`, under fauxqs's limit): that body is streamed into the
 * emulator as a multipart upload of the same key (content type and `x-amz-meta-*` kept, one part
 * in memory at a time, aborted if the body ends early or the client goes away), and the caller gets
 * S3's answer to a PUT: 200 with the object's ETag. The object is then written once, by the
 * completed upload, which the emulator records as an upload like any PUT (so S3 notifications and
 * the data directory's write-through see it as one).
 *
 * Differences from S3: the ETag of such an object is a multipart ETag (`"<md5 of md5s>-<parts>"`)
 * rather than the body's MD5, and, as fauxqs itself, the endpoint checks no signature or expiry.
 */
import { once } from "node:events";
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from "@aws-sdk/client-s3";
import { localCredentials, localRegion } from "./awsClients";

/** The largest object S3 takes in one PUT. */
export const s3MaxPutBytes = 5 * 1024 ** 3;
/** Parts of a large PUT: under fauxqs's 11 MiB body limit, over S3's 5 MiB minimum part size. */
export const defaultPartBytes = 8 * 1024 ** 2;

export interface LocalS3EndpointOptions {
  /** fauxqs's endpoint (`http://127.0.0.1:<port>`). */
  readonly upstream: string;
  /** Body size above which a PUT becomes a multipart upload. Default 8 MiB. */
  readonly partBytes?: number;
  /** 0 picks a free port. */
  readonly port?: number;
}

export interface LocalS3Endpoint {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** An S3 error answer (XML, as S3 sends it). */
class S3ErrorAnswer extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "S3ErrorAnswer";
  }
}

function sendError(response: ServerResponse, error: S3ErrorAnswer): void {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code>` +
    `<Message>${error.message.replace(/[<&>]/g, " ")}</Message></Error>`;
  response.writeHead(error.status, {
    "content-type": "application/xml",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

/** The error the emulator answered a call with, kept as S3 sent it. */
function answerOf(error: unknown): S3ErrorAnswer {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = error instanceof Error ? error.name : "InternalError";
  const message = error instanceof Error ? error.message : String(error);
  return new S3ErrorAnswer(status ?? 500, name, message);
}

/** Bucket and key of a path-style object URL, or undefined for bucket-level and service calls. */
function objectOf(path: string): { readonly bucket: string; readonly key: string } | undefined {
  const match = /^\/([^/?]+)\/([^?]+)/.exec(path);
  return match ? { bucket: decodeURIComponent(match[1]), key: decodeURIComponent(match[2]) } : undefined;
}

/** A plain PutObject (not a part, not a copy, not an aws-chunked SDK body) larger than one part. */
function isLargePut(request: IncomingMessage, partBytes: number): boolean {
  if (request.method !== "PUT") return false;
  const url = new URL(request.url ?? "/", "http://local");
  if (url.searchParams.has("uploadId") || url.searchParams.has("partNumber")) return false;
  if (request.headers["x-amz-copy-source"] !== undefined) return false;
  if (String(request.headers["content-encoding"] ?? "").includes("aws-chunked")) return false;
  if (objectOf(url.pathname) === undefined) return false;
  return Number(request.headers["content-length"] ?? 0) > partBytes;
}

function metadataOf(headers: IncomingHttpHeaders): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith("x-amz-meta-") && typeof value === "string") {
      metadata[name.slice("x-amz-meta-".length)] = value;
    }
  }
  return metadata;
}

/** Hop-by-hop headers are each connection's own (this server has already answered `Expect`). */
function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const { connection: _connection, "keep-alive": _keepAlive, expect: _expect, ...rest } = headers;
  return rest;
}

export async function startLocalS3Endpoint(options: LocalS3EndpointOptions): Promise<LocalS3Endpoint> {
  const upstream = new URL(options.upstream);
  const partBytes = options.partBytes ?? defaultPartBytes;
  const s3 = new S3Client({
    region: localRegion,
    credentials: localCredentials,
    endpoint: options.upstream,
    forcePathStyle: true,
  });

  function passThrough(request: IncomingMessage, response: ServerResponse): void {
    const outgoing = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: { ...endToEnd(request.headers), host: upstream.host },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(response);
      },
    );
    outgoing.on("error", () => {
      if (!response.headersSent)
        sendError(response, new S3ErrorAnswer(502, "InternalError", "S3 emulator unreachable"));
      else response.destroy();
    });
    // A client gone before the answer ends leaves nothing half-sent upstream.
    response.on("close", () => {
      if (!response.writableFinished) outgoing.destroy();
    });
    request.pipe(outgoing);
  }

  /** Streams the body into a multipart upload, `partBytes` at a time; answers the object's ETag. */
  async function putInParts(request: IncomingMessage): Promise<string> {
    const url = new URL(request.url ?? "/", "http://local");
    const { bucket, key } = objectOf(url.pathname)!;
    const expected = Number(request.headers["content-length"]);
    if (expected > s3MaxPutBytes) {
      throw new S3ErrorAnswer(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
    }
    const contentType = request.headers["content-type"];
    const created = await s3
      .send(
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          ...(contentType ? { ContentType: contentType } : {}),
          Metadata: metadataOf(request.headers),
        }),
      )
      .catch((error: unknown) => {
        throw answerOf(error);
      });
    const uploadId = created.UploadId!;
    try {
      const parts: CompletedPart[] = [];
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let received = 0;
      const sendPart = async (body: Buffer) => {
        const PartNumber = parts.length + 1;
        const answer = await s3.send(
          new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: body }),
        );
        parts.push({ PartNumber, ETag: answer.ETag });
      };
      // for await pauses the request while a part is being sent: one part in memory at a time.
      for await (const chunk of request as AsyncIterable<Buffer>) {
        received += chunk.length;
        pending.push(chunk);
        pendingBytes += chunk.length;
        while (pendingBytes >= partBytes) {
          const whole = Buffer.concat(pending);
          await sendPart(whole.subarray(0, partBytes));
          pending = [whole.subarray(partBytes)];
          pendingBytes = whole.length - partBytes;
        }
      }
      if (received !== expected || !request.complete) {
        throw new S3ErrorAnswer(
          400,
          "IncompleteBody",
          "You did not provide the number of bytes specified by the Content-Length HTTP header",
        );
      }
      if (pendingBytes > 0) await sendPart(Buffer.concat(pending));
      const completed = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
      return completed.ETag ?? "";
    } catch (error) {
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
        .catch(() => undefined);
      throw error instanceof S3ErrorAnswer ? error : answerOf(error);
    }
  }

  const server = createServer((request, response) => {
    if (!isLargePut(request, partBytes)) {
      passThrough(request, response);
      return;
    }
    putInParts(request).then(
      (etag) => {
        response.writeHead(200, { etag, "content-length": 0 });
        response.end();
      },
      (error: unknown) => {
        if (response.destroyed) return;
        sendError(response, error instanceof S3ErrorAnswer ? error : answerOf(error));
      },
    );
  });
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(options.port ?? 0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      s3.destroy();
    },
  };
}
