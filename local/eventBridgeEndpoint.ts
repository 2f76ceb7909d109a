/**
 * An HTTP endpoint speaking the EventBridge API's AWS JSON 1.1 protocol for PutEvents, in front of a
 * LocalEventBus, so code using the real `@aws-sdk/client-eventbridge` client (the intake functions,
 * the state machine's events:putEvents task) publishes locally by changing only its endpoint.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { PutEventsValidationError, type LocalEventBus } from "./eventBus";

export interface EventBridgeEndpoint {
  /** `http://127.0.0.1:<port>`, for the client's `endpoint` option. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

const contentType = "application/x-amz-json-1.1";
const putEventsTarget = "AWSEvents.PutEvents";

/** A request AWS would refuse as a whole, answered as HTTP 400 with the AWS error type. */
class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function serializationError(message: string): ApiError {
  return new ApiError("SerializationException", message);
}

function optionalString(entry: Record<string, unknown>, field: string): string | undefined {
  const value = entry[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw serializationError(`Entries.${field} must be a string`);
  return value;
}

/** The SDK sends `Time` as epoch seconds; the bus takes the SDK's own entry type. */
function toEntry(raw: unknown): PutEventsRequestEntry {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw serializationError("each of Entries must be an object");
  }
  const entry = raw as Record<string, unknown>;
  const resources = entry.Resources;
  if (
    resources !== undefined &&
    (!Array.isArray(resources) || !resources.every((r) => typeof r === "string"))
  ) {
    throw serializationError("Entries.Resources must be a list of strings");
  }
  const time = entry.Time;
  if (time !== undefined && time !== null && typeof time !== "number") {
    throw serializationError("Entries.Time must be epoch seconds");
  }
  return {
    Source: optionalString(entry, "Source"),
    DetailType: optionalString(entry, "DetailType"),
    Detail: optionalString(entry, "Detail"),
    EventBusName: optionalString(entry, "EventBusName"),
    TraceHeader: optionalString(entry, "TraceHeader"),
    Resources: resources as string[] | undefined,
    Time: typeof time === "number" ? new Date(time * 1000) : undefined,
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function answer(bus: LocalEventBus, request: IncomingMessage): Promise<unknown> {
  const target = request.headers["x-amz-target"];
  if (request.method !== "POST" || target !== putEventsTarget) {
    throw new ApiError(
      "UnknownOperationException",
      `the local EventBridge endpoint answers only POST ${putEventsTarget}, got ${request.method} ${String(target)}`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(request));
  } catch {
    throw serializationError("the request body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || !Array.isArray((body as { Entries?: unknown }).Entries)) {
    throw serializationError("the request must be an object with an Entries list");
  }
  const entries = (body as { Entries: unknown[] }).Entries.map(toEntry);
  try {
    return await bus.putEvents(entries);
  } catch (error) {
    if (error instanceof PutEventsValidationError) throw new ApiError("ValidationException", error.message);
    throw error;
  }
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
    ...(errorType ? { "x-amzn-errortype": errorType } : {}),
  });
  response.end(text);
}

/** Starts the endpoint on 127.0.0.1; port 0 lets the OS choose. */
export async function startEventBridgeEndpoint(bus: LocalEventBus, port = 0): Promise<EventBridgeEndpoint> {
  const server = createServer((request, response) => {
    answer(bus, request).then(
      (result) => send(response, 200, result),
      (error: unknown) => {
        if (error instanceof ApiError) {
          send(response, 400, { __type: error.type, message: error.message }, error.type);
        } else {
          send(response, 500, { __type: "InternalException", message: String(error) }, "InternalException");
        }
      },
    );
  });
  const boundPort = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
  return {
    endpoint: `http://127.0.0.1:${boundPort}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
