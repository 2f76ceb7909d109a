/**
 * The pure builder of the transaction state machine's Amazon States Language definition.
 *
 * The TransactionStateMachine component deploys what this returns, and the local runtime and the
 * tests execute the very same object with aws-local-stepfunctions. Keep it JSONPath only (the
 * local engine ignores JSONata) and free of `.sync` / `.waitForTaskToken` (illegal in EXPRESS).
 *
 * Its input is what a lane rule delivers (pipeline/lanes.ts `stateMachineTargetInput`):
 * `{id, source, "detail-type", time, detail, lane}`. The states are built in asl.ts (vocabulary),
 * tasks.ts, mainFlow.ts and republishFlow.ts.
 */
import { StateName, type AslDefinition } from "./asl";
import { mainFlowStates } from "./mainFlow";
import { republishFlowStates } from "./republishFlow";
import { deadLetterStates, taskTimeoutMarginSeconds } from "./tasks";

export * from "./asl";

export interface TransactionStateMachineDefinitionArgs {
  readonly validateFunctionArn: string;
  readonly fraudDetectionFunctionArn: string;
  readonly complianceFunctionArn: string;
  readonly transactionsTableName: string;
  readonly alertsTopicArn: string;
  readonly deadLetterQueueUrl: string;
  /** Name of the event bus PublishProcessed puts the "Transaction Processed" event on. */
  readonly eventBusName: string;
  /** APPROVED transactions above this US-dollar-cent equivalent still raise an alert. */
  readonly highValueAlertUsdMinor: number;
  /** Timeout of each pipeline function; a Task waits this plus a margin. Default 30. */
  readonly functionTimeoutSeconds?: number;
  /** Whole-execution limit; EXPRESS executions may run at most 300 s. Default 300. */
  readonly timeoutSeconds?: number;
}

function validateArgs(args: TransactionStateMachineDefinitionArgs): void {
  const required: (keyof TransactionStateMachineDefinitionArgs)[] = [
    "validateFunctionArn",
    "fraudDetectionFunctionArn",
    "complianceFunctionArn",
    "transactionsTableName",
    "alertsTopicArn",
    "deadLetterQueueUrl",
    "eventBusName",
  ];
  for (const key of required) {
    if (typeof args[key] !== "string" || (args[key] as string).length === 0) {
      throw new Error(`buildTransactionStateMachineDefinition: ${key} must be a non-empty string`);
    }
  }
  if (!Number.isSafeInteger(args.highValueAlertUsdMinor) || args.highValueAlertUsdMinor <= 0) {
    throw new Error(
      "buildTransactionStateMachineDefinition: highValueAlertUsdMinor must be a positive integer",
    );
  }
  const timeout = args.timeoutSeconds ?? 300;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 300) {
    throw new Error("buildTransactionStateMachineDefinition: timeoutSeconds must be 1..300 (EXPRESS limit)");
  }
  const functionTimeout = args.functionTimeoutSeconds ?? 30;
  // Two Lambda stages run in sequence; both must be able to time out (a catchable error) before
  // the execution does (an uncatchable one that would lose the transaction).
  if (
    !Number.isInteger(functionTimeout) ||
    functionTimeout < 1 ||
    2 * (functionTimeout + taskTimeoutMarginSeconds) + 30 > timeout
  ) {
    throw new Error(
      `buildTransactionStateMachineDefinition: functionTimeoutSeconds (${functionTimeout}) must be a positive integer ` +
        `with 2 × (functionTimeoutSeconds + ${taskTimeoutMarginSeconds}) + 30 ≤ timeoutSeconds (${timeout})`,
    );
  }
}

export function buildTransactionStateMachineDefinition(
  args: TransactionStateMachineDefinitionArgs,
): AslDefinition {
  validateArgs(args);
  const functionTimeout = args.functionTimeoutSeconds ?? 30;
  return {
    Comment: "Validate, screen (fraud + compliance), decide, record, publish and alert one transaction.",
    StartAt: StateName.checkEnvelope,
    TimeoutSeconds: args.timeoutSeconds ?? 300,
    States: {
      ...mainFlowStates(args, functionTimeout),
      ...republishFlowStates(args),
      ...deadLetterStates(args.deadLetterQueueUrl),
    },
  };
}
