/**
 * Lambda's asynchronous invocation, as a bus rule target or an S3 notification gets it: the whole
 * event, the first attempt and up to two retries, each attempt with the same request id (as
 * Lambda's retries keep it: the notifier's count claim relies on that to take its own claim again
 * after a failure). Invocations are tracked until their last attempt ends, and those that failed
 * every attempt are counted.
 */
import { randomUUID } from "node:crypto";
import { deliverWithRetries, type DeliveryRetries } from "./deliveryRetries";
import type { RuleTarget } from "./eventBus";
import { localLambdaContext, type LambdaHandler } from "./lambdaInvokeShim";
import { TrackedWork } from "./trackedWork";

/** The first attempt and Lambda's two retries; locally the retries follow at once. */
const lambdaAsynchronousRetries: DeliveryRetries = { attempts: 3, delayMs: 0, factor: 1 };

export class AsyncInvocations {
  private readonly inFlight = new TrackedWork();
  private failed = 0;

  constructor(
    private readonly functionName: string,
    private readonly handler: LambdaHandler,
  ) {}

  /** Starts one invocation and answers at once, as Lambda accepts an asynchronous one. */
  invoke(event: unknown): void {
    const requestId = randomUUID();
    const invocation = (async () => {
      const outcome = await deliverWithRetries(async () => {
        await this.handler(event, { ...localLambdaContext(this.functionName), awsRequestId: requestId });
      }, lambdaAsynchronousRetries);
      if (!outcome.delivered) this.failed += 1;
    })();
    this.inFlight.track(invocation);
  }

  /** The function as a bus rule's target. */
  asRuleTarget(): RuleTarget {
    return {
      id: this.functionName,
      deliver: async (input: string) => this.invoke(JSON.parse(input) as unknown),
    };
  }

  /** Invocations whose last attempt has not ended. */
  running(): Promise<void>[] {
    return this.inFlight.running();
  }

  /** Invocations that failed every attempt. */
  failures(): number {
    return this.failed;
  }
}
