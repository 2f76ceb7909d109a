/**
 * Executions of the local state machine started by the lane rules, tracked until they end, with
 * the fault hooks the reliability tests use to lose or abort them.
 */
import { createMaskingLogger } from "../functions/shared/cardMaskingLogFormatter";
import { redactPanText } from "../functions/shared/pan";
import type { LocalStateMachine } from "./stateMachineRunner";
import { TrackedWork } from "./trackedWork";

export interface ExecutionOptions {
  /** Shortens Step Functions retry waits (tests); real backoff when absent. */
  readonly retryIntervalOverrides?: Record<string, number | number[]>;
  /** See LocalFaultInjection.onExecutionStart. */
  readonly onExecutionStart?: (input: unknown, abort: () => void) => "lose" | undefined;
}

/** What failed an execution, down its causes (the failing state's error name and message). */
function executionFailure(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error && parts.length < 4; current = current.cause) {
    parts.push(`${current.name}: ${current.message}`);
  }
  return redactPanText(parts.length > 0 ? parts.join(" <- ") : String(error));
}

export class LocalExecutions {
  private readonly inFlight = new TrackedWork();
  private readonly log = createMaskingLogger({ serviceName: "local-state-machine" });
  private failed = 0;

  constructor(
    private readonly stateMachine: LocalStateMachine,
    private readonly options: ExecutionOptions,
  ) {}

  /** Starts one execution with a lane rule's input, unless a fault hook loses it. */
  start(input: unknown): void {
    let aborted = false;
    let abortExecution = (): void => {
      aborted = true;
    };
    if (this.options.onExecutionStart?.(input, () => abortExecution()) === "lose") return;
    const execution = this.stateMachine.start(input, {
      retryIntervalOverrides: this.options.retryIntervalOverrides,
    });
    abortExecution = () => execution.abort();
    if (aborted) execution.abort();
    // A failed execution has already sent its input to the dead-letter queue (SendToDLQ → Fail),
    // or failed on the way there; either way the reconciler re-drives it later. Said here, as
    // Step Functions' execution history says it in AWS.
    const settled = execution.result.then(
      () => undefined,
      (error: unknown) => {
        this.failed += 1;
        this.log.warn("Execution failed", { error: executionFailure(error) });
      },
    );
    this.inFlight.track(settled);
  }

  /** Executions still running. */
  running(): Promise<void>[] {
    return this.inFlight.running();
  }

  /** Executions that ended in the Fail state. */
  failures(): number {
    return this.failed;
  }
}
