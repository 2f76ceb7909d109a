/**
 * The main flow of the transaction state machine: check the envelope, validate, screen (fraud and
 * compliance in parallel), decide, record the decision once, publish it, mark it published and
 * alert when the decision or the amount calls for it.
 */
import { amountLanes } from "../../../pipeline";
import { StateName, TaskResource, type AslState } from "./asl";
import type { TransactionStateMachineDefinitionArgs } from "./index";
import {
  lambdaTask,
  markPublishedTask,
  messagingRetry,
  publishTask,
  recordTask,
  screeningOutcome,
  toDeadLetterQueue,
} from "./tasks";

/** A Choice rule going to `next` when any of the paths holds its string. */
function whenAnyEquals(next: string, ...conditions: readonly (readonly [string, string])[]): AslState {
  return {
    Or: conditions.map(([variable, value]) => ({ Variable: variable, StringEquals: value })),
    Next: next,
  };
}

/** A branch of Screen: one function judges the validated transaction; its answer is the branch's result. */
function screeningBranch(stateName: string, functionArn: string, functionTimeout: number): AslState {
  return {
    StartAt: stateName,
    States: {
      [stateName]: lambdaTask(
        functionArn,
        functionTimeout,
        { "transaction.$": "$.validation.transaction" },
        { OutputPath: "$.Payload", End: true },
      ),
    },
  };
}

export function mainFlowStates(
  args: TransactionStateMachineDefinitionArgs,
  functionTimeout: number,
): Record<string, AslState> {
  return {
    // A missing path is a States.Runtime error that no Catch sees, so an event without the
    // fields every later state reads goes straight to the dead-letter queue instead.
    [StateName.checkEnvelope]: {
      Type: "Choice",
      Choices: [
        { Not: { Variable: "$.detail.transactionId", IsPresent: true }, Next: StateName.malformedEvent },
        { Not: { Variable: "$.detail.transactionId", IsString: true }, Next: StateName.malformedEvent },
        { Not: { Variable: "$.detail.transaction", IsPresent: true }, Next: StateName.malformedEvent },
        { Not: { Variable: "$.lane", IsPresent: true }, Next: StateName.malformedEvent },
        { Not: { Variable: "$.lane", IsString: true }, Next: StateName.malformedEvent },
        {
          Not: { Or: amountLanes.map((lane) => ({ Variable: "$.lane", StringEquals: lane })) },
          Next: StateName.malformedEvent,
        },
      ],
      Default: StateName.validate,
    },
    [StateName.malformedEvent]: {
      Type: "Pass",
      Result: {
        Error: "MalformedEvent",
        Cause: `detail.transactionId (string), detail.transaction and lane (${amountLanes.join(" | ")}) are required`,
      },
      ResultPath: "$.error",
      Next: StateName.sendToDeadLetterQueue,
    },
    [StateName.validate]: lambdaTask(args.validateFunctionArn, functionTimeout, "$.detail", {
      ResultSelector: {
        "valid.$": "$.Payload.valid",
        "recordKey.$": "$.Payload.recordKey",
        "transaction.$": "$.Payload.transaction",
        "reasons.$": "$.Payload.reasons",
        "record.$": "$.Payload.record",
        "alreadyArchived.$": "$.Payload.alreadyArchived",
      },
      ResultPath: "$.validation",
      Catch: toDeadLetterQueue,
      Next: StateName.isArchived,
    }),
    // Decided and archived long ago (a replay, a redrive, a very late retry): nothing to do.
    [StateName.isArchived]: {
      Type: "Choice",
      Choices: [{ Variable: "$.validation.alreadyArchived", BooleanEquals: true, Next: StateName.done }],
      Default: StateName.isValid,
    },
    // An invalid transaction is a business outcome (REJECTED with reasons), not an error.
    [StateName.isValid]: {
      Type: "Choice",
      Choices: [{ Variable: "$.validation.valid", BooleanEquals: false, Next: StateName.rejectInvalid }],
      Default: StateName.screen,
    },
    [StateName.rejectInvalid]: {
      Type: "Pass",
      Parameters: {
        status: "REJECTED",
        stage: "VALIDATION",
        "transactionId.$": "$.validation.recordKey",
        "validationReasons.$": "$.validation.reasons",
        "lane.$": "$.lane",
      },
      ResultPath: "$.outcome",
      Next: StateName.recordRejection,
    },
    [StateName.recordRejection]: recordTask(
      args.transactionsTableName,
      {
        validation: { "M.$": "$.validation.record" },
      },
      false,
    ),
    [StateName.screen]: {
      Type: "Parallel",
      Branches: [
        screeningBranch(StateName.fraudDetection, args.fraudDetectionFunctionArn, functionTimeout),
        screeningBranch(StateName.complianceCheck, args.complianceFunctionArn, functionTimeout),
      ],
      ResultSelector: { "fraud.$": "$[0]", "compliance.$": "$[1]" },
      ResultPath: "$.screening",
      // States.TaskFailed does not match a branch failure on a Parallel state; States.ALL does.
      Catch: toDeadLetterQueue,
      Next: StateName.decide,
    },
    [StateName.decide]: {
      Type: "Choice",
      Choices: [
        whenAnyEquals(
          StateName.reject,
          ["$.screening.compliance.decision", "BLOCK"],
          ["$.screening.fraud.level", "HIGH"],
        ),
        whenAnyEquals(
          StateName.review,
          ["$.screening.compliance.decision", "REVIEW"],
          ["$.screening.fraud.level", "MEDIUM"],
        ),
      ],
      Default: StateName.approve,
    },
    [StateName.reject]: screeningOutcome("REJECTED"),
    [StateName.review]: screeningOutcome("REVIEW"),
    [StateName.approve]: screeningOutcome("APPROVED"),
    [StateName.recordDecision]: recordTask(
      args.transactionsTableName,
      {
        validation: { "M.$": "$.validation.record" },
        fraud: { "M.$": "$.screening.fraud.record" },
        compliance: { "M.$": "$.screening.compliance.record" },
      },
      true,
    ),
    // The outcome this run has just recorded. A re-run whose decision was already recorded
    // never publishes its own outcome (RepublishProcessed publishes the recorded one if needed).
    [StateName.publishProcessed]: publishTask(args.eventBusName, "$.outcome", StateName.markPublished),
    [StateName.markPublished]: markPublishedTask(args.transactionsTableName, StateName.needsAlert),
    [StateName.needsAlert]: {
      Type: "Choice",
      Choices: [
        whenAnyEquals(StateName.alert, ["$.outcome.status", "REVIEW"], ["$.outcome.status", "REJECTED"]),
      ],
      Default: StateName.isHighValue,
    },
    // Only APPROVED transactions get here, so the validated transaction is always present.
    [StateName.isHighValue]: {
      Type: "Choice",
      Choices: [
        {
          Variable: "$.validation.transaction.amountUsdMinor",
          NumericGreaterThan: args.highValueAlertUsdMinor,
          Next: StateName.alert,
        },
      ],
      Default: StateName.done,
    },
    [StateName.alert]: {
      Type: "Task",
      Resource: TaskResource.snsPublish,
      Parameters: {
        TopicArn: args.alertsTopicArn,
        "Subject.$": "States.Format('Transaction {}', $.outcome.status)",
        // An object Message is published as its JSON text. Not States.JsonToString: the local
        // engine strips every backslash from intrinsic results, corrupting nested JSON.
        "Message.$": "$.outcome",
        MessageAttributes: { status: { DataType: "String", "StringValue.$": "$.outcome.status" } },
      },
      ResultPath: null,
      Retry: messagingRetry,
      Catch: toDeadLetterQueue,
      Next: StateName.done,
    },
    [StateName.done]: { Type: "Succeed" },
  };
}
