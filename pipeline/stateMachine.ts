/**
 * The functions the transaction state machine invokes, by the Task state's role. The
 * TransactionStateMachine component and the local runtime bind the same functions to the same
 * steps of the shared ASL definition.
 */
import type { PipelineFunction } from "./functions";

export const stateMachineSteps = {
  validate: "validation",
  fraudDetection: "fraud-detection",
  complianceCheck: "compliance",
} as const satisfies Record<string, PipelineFunction>;
