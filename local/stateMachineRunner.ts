/**
 * Executes the deployed ASL definition locally with aws-local-stepfunctions. The engine runs no
 * service integration by itself (an unbound Task would call real Lambda), so every Task state is
 * bound here: Lambda tasks to in-process handlers, the rest to the emulators.
 */
import "./promiseWithResolvers";
import { randomUUID } from "node:crypto";
import { StateMachine, type StateMachineDefinition, type RunOptions } from "aws-local-stepfunctions";
import type {
  AslDefinition,
  AslState,
  AslValue,
} from "../components/processing/stateMachineDefinition/index";
import { TaskResource } from "../components/processing/stateMachineDefinition/index";
import { invokeLocally, type LambdaHandler } from "./lambdaInvokeShim";
import { serviceIntegrations, type ExecutionIdentity, type ServiceClients } from "./serviceIntegrations";

export interface LocalFunction {
  readonly name: string;
  readonly handler: LambdaHandler;
}

export interface LocalStateMachineArgs {
  readonly definition: AslDefinition;
  /** Handlers by the function ARN the definition names. */
  readonly functions: Readonly<Record<string, LocalFunction>>;
  readonly clients: ServiceClients;
  readonly stateMachineArn?: string;
}

export interface TaskStateEntry {
  readonly name: string;
  readonly state: AslState;
}

/** Every Task state, including those inside Parallel branches and Map processors. */
export function taskStates(definition: { States: Record<string, AslState> }): TaskStateEntry[] {
  const found: TaskStateEntry[] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === "Task") found.push({ name, state });
    const nested = [...asArray(state.Branches), ...asArray(state.ItemProcessor ? [state.ItemProcessor] : [])];
    for (const machine of nested) found.push(...taskStates(machine as { States: Record<string, AslState> }));
  }
  return found;
}

function asArray(value: AslValue | undefined): AslValue[] {
  return Array.isArray(value) ? value : [];
}

export type TaskHandler = (input: unknown) => Promise<unknown>;

/**
 * Builds the override for every Task state; throws naming the first state it cannot bind.
 * `execution` is the execution the overrides serve, for integrations that name it.
 */
export function bindTaskStates(
  args: LocalStateMachineArgs,
  execution?: ExecutionIdentity,
): Record<string, TaskHandler> {
  const integrations = serviceIntegrations(args.clients, execution);
  const bound: Record<string, TaskHandler> = {};
  for (const { name, state } of taskStates(args.definition)) {
    const resource = String(state.Resource);
    if (resource === TaskResource.lambdaInvoke) {
      bound[name] = async (input) => {
        const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
        const target = args.functions[FunctionName];
        if (!target) throw new Error(`state ${name}: no local handler for function ${FunctionName}`);
        return invokeLocally(target.name, target.handler, Payload);
      };
    } else if (integrations[resource]) {
      bound[name] = integrations[resource];
    } else {
      throw new Error(`state ${name}: resource ${resource} has no local integration`);
    }
  }
  return bound;
}

export interface LocalExecution {
  readonly executionArn: string;
  readonly result: Promise<unknown>;
  /** Stops the execution where it is, as an execution-level timeout does: no Catch runs. */
  abort(): void;
}

export class LocalStateMachine {
  private readonly machine: StateMachine;
  private readonly args: LocalStateMachineArgs;
  private readonly stateMachineArn: string;

  constructor(args: LocalStateMachineArgs) {
    // The ARNs in the definition are local stand-ins, so the engine's ARN check is off.
    this.machine = new StateMachine(args.definition as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: false },
    });
    this.args = args;
    // Binding once here fails construction, not the first execution, on an unbound Task.
    bindTaskStates(args);
    this.stateMachineArn =
      args.stateMachineArn ?? "arn:aws:states:local:000000000000:stateMachine:transactions";
  }

  /** Starts one execution; `retryIntervalOverrides` shortens real backoff in tests. */
  start(
    input: unknown,
    options: { retryIntervalOverrides?: Record<string, number | number[]> } = {},
  ): LocalExecution {
    const executionName = randomUUID();
    const executionArn = `${this.stateMachineArn.replace(":stateMachine:", ":express:")}:${executionName}`;
    const runOptions: RunOptions = {
      overrides: {
        taskResourceLocalHandlers: bindTaskStates(this.args, {
          executionArn,
          stateMachineArn: this.stateMachineArn,
        }) as NonNullable<RunOptions["overrides"]>["taskResourceLocalHandlers"],
        retryIntervalOverrides: options.retryIntervalOverrides,
      },
      context: {
        Execution: { Id: executionArn, Name: executionName },
        StateMachine: { Id: this.stateMachineArn },
      },
    };
    const execution = this.machine.run(input as Parameters<StateMachine["run"]>[0], runOptions);
    return { executionArn, result: execution.result, abort: () => execution.abort() };
  }
}
