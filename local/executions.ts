/**
 * Executions of the local state machine started by the lane rules, tracked until they end, with
 * the fault hooks the reliability tests use to lose or abort them.
 */
import type { LocalStateMachine } from "./stateMachineRunner";

export interface ExecutionOptions {
  /** Shortens Step Functions retry waits (tests); real backoff when absent. */
  readonly retryIntervalOverrides?: Record<string, number | number[]>;
  /** See LocalFaultInjection.onExecutionStart. */
  readonly onExecutionStart?: (input: unknown, abort: () => void) => "lose" | undefined;
}

export class LocalExecutions {
  private readonly inFlight = new Set<Promise<void>>();
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
    // A failed execution has already sent its input to the dead-letter queue (SendToDLQ → Fail).
    const settled = execution.result.then(
      () => undefined,
      () => {
        this.failed += 1;
      },
    );
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  /** Executions still running. */
  running(): Promise<void>[] {
    return [...this.inFlight];
  }

  /** Executions that ended in the Fail state. */
  failures(): number {
    return this.failed;
  }
}
