/**
 * The network of one simulated Lambda container: its DynamoDB, S3/SNS and EventBridge endpoints
 * are wire proxies to the emulators, so that killing the container is cutting its network at once.
 * After kill() no request of the container reaches an emulator and no answer reaches the
 * container: its code stays suspended in whatever call it was making, as a process that died
 * there, with no chance for its error handling to change anything. Only an invocation abandoned
 * this way is simulated; the emulators and everything else keep running.
 */
import { EnvironmentName } from "../../../functions/shared/environmentNames";
import { startWireProxy, type ProxiedRequest, type WireProxy } from "./wireProxy";

export interface Upstreams {
  readonly dynamoDb: string;
  /** fauxqs: S3 and SNS. */
  readonly messaging: string;
  readonly eventBridge: string;
}

/**
 * Where to kill the container, asked for each request with how many requests of its operation the
 * container has made, this one included: "before" kills it before the request leaves, "after"
 * once the request has reached the emulator and before its answer comes back.
 */
export type KillPoint = (request: ProxiedRequest, sent: number) => "before" | "after" | undefined;

export interface ContainerNetwork {
  /** The endpoint variables a cold start of the container is given. */
  readonly environment: Readonly<Record<string, string>>;
  /** Resolves when the container is killed. */
  readonly killed: Promise<void>;
  /** Requests made (counted whether or not they left), by operation ("" for S3 and SNS). */
  sent(operation: string): number;
  close(): Promise<void>;
}

export async function openContainerNetwork(
  upstreams: Upstreams,
  killPoint?: KillPoint,
): Promise<ContainerNetwork> {
  let dead = false;
  let markKilled!: () => void;
  const killed = new Promise<void>((resolve) => (markKilled = resolve));
  const counts = new Map<string, number>();
  const kill = () => {
    dead = true;
    markKilled();
  };
  const options = {
    intercept(request: ProxiedRequest): "hold" | undefined {
      if (dead) return "hold";
      const sent = (counts.get(request.operation) ?? 0) + 1;
      counts.set(request.operation, sent);
      const point = killPoint?.(request, sent);
      if (point) kill();
      return point === "before" ? "hold" : undefined;
    },
    deliver: (): "hold" | undefined => (dead ? "hold" : undefined),
  };
  const proxies: WireProxy[] = [];
  try {
    for (const upstream of [upstreams.dynamoDb, upstreams.messaging, upstreams.eventBridge]) {
      proxies.push(await startWireProxy({ upstream, ...options }));
    }
  } catch (error) {
    await Promise.all(proxies.map((proxy) => proxy.close()));
    throw error;
  }
  const [dynamoDb, messaging, eventBridge] = proxies;
  return {
    environment: {
      [EnvironmentName.dynamoDbEndpoint]: dynamoDb.endpoint,
      [EnvironmentName.s3Endpoint]: messaging.endpoint,
      [EnvironmentName.snsEndpoint]: messaging.endpoint,
      [EnvironmentName.eventBridgeEndpoint]: eventBridge.endpoint,
    },
    killed,
    sent: (operation) => counts.get(operation) ?? 0,
    close: async () => {
      await Promise.all(proxies.map((proxy) => proxy.close()));
    },
  };
}
