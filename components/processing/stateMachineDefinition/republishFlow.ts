/**
 * The republish flow: a re-run whose decision is already recorded reads it back and, when no run
 * has published it (the first run failed after recording), publishes the recorded decision,
 * rebuilt from its DynamoDB attribute values, and marks it published.
 */
import {
  StateName,
  recordedDecisionUnreadableError,
  processedPublishedAttribute,
  type AslState,
} from "./asl";
import type { TransactionStateMachineDefinitionArgs } from "./index";
import { markPublishedTask, publishTask, readRecordedTask, recordedDecision, recordedListMap } from "./tasks";

export function republishFlowStates(args: TransactionStateMachineDefinitionArgs): Record<string, AslState> {
  return {
    // A re-run found the decision recorded. A run that recorded it and then failed to publish
    // it (dead-lettered, then replayed) left it unmarked: publish it now, from what is stored.
    [StateName.readRecordedDecision]: readRecordedTask(args.transactionsTableName),
    [StateName.checkRecordedDecision]: {
      Type: "Choice",
      Choices: [
        // No decision to publish: the item is gone (which also fails RecordDecision's condition).
        { Not: { Variable: "$.recorded.Item.decision", IsPresent: true }, Next: StateName.done },
        {
          Variable: `$.recorded.Item.${processedPublishedAttribute}`,
          IsPresent: true,
          Next: StateName.done,
        },
        // Every path read below is checked first: a missing one would be an uncaught States.Runtime.
        ...["status", "stage", "lane"].map((field) => ({
          Not: { Variable: `${recordedDecision}.${field}.S`, IsPresent: true },
          Next: StateName.unreadableRecordedDecision,
        })),
        {
          And: [
            { Variable: `${recordedDecision}.stage.S`, StringEquals: "VALIDATION" },
            { Variable: `${recordedDecision}.validation.M.reasons.L`, IsPresent: true },
          ],
          Next: StateName.recordedValidationReasons,
        },
        {
          And: [
            { Variable: `${recordedDecision}.stage.S`, StringEquals: "SCREENING" },
            ...[
              "fraud.M.score.N",
              "fraud.M.level.S",
              "fraud.M.signals.L",
              "compliance.M.decision.S",
              "compliance.M.rules.L",
            ].map((path) => ({ Variable: `${recordedDecision}.${path}`, IsPresent: true })),
          ],
          Next: StateName.recordedFraudSignals,
        },
      ],
      Default: StateName.unreadableRecordedDecision,
    },
    [StateName.unreadableRecordedDecision]: {
      Type: "Pass",
      Result: {
        Error: recordedDecisionUnreadableError,
        Cause: "The recorded decision lacks status, stage, lane or the findings its stage records",
      },
      ResultPath: "$.error",
      Next: StateName.sendToDeadLetterQueue,
    },
    [StateName.recordedValidationReasons]: recordedListMap({
      itemsPath: `${recordedDecision}.validation.M.reasons.L`,
      resultPath: "$.recorded.validationReasons",
      next: StateName.recordedRejectionOutcome,
      entryKind: "validation reason",
      fields: [
        { name: "code", type: "S" },
        { name: "message", type: "S" },
      ],
      optional: { field: { name: "field", type: "S" }, state: StateName.recordedReasonWithField },
      states: {
        check: StateName.checkRecordedReason,
        entry: StateName.recordedReason,
        unreadable: StateName.unreadableRecordedReason,
      },
    }),
    // The same fields as RejectInvalid's outcome, so the detail has PublishProcessed's shape.
    [StateName.recordedRejectionOutcome]: {
      Type: "Pass",
      Parameters: {
        "status.$": `${recordedDecision}.status.S`,
        "stage.$": `${recordedDecision}.stage.S`,
        "transactionId.$": "$.validation.recordKey",
        "validationReasons.$": "$.recorded.validationReasons",
        "lane.$": `${recordedDecision}.lane.S`,
      },
      ResultPath: "$.recorded.outcome",
      Next: StateName.republishProcessed,
    },
    [StateName.recordedFraudSignals]: recordedListMap({
      itemsPath: `${recordedDecision}.fraud.M.signals.L`,
      resultPath: "$.recorded.fraudSignals",
      next: StateName.recordedComplianceRules,
      entryKind: "fraud signal",
      fields: [
        { name: "code", type: "S" },
        { name: "points", type: "N" },
        { name: "message", type: "S" },
      ],
      states: {
        check: StateName.checkRecordedSignal,
        entry: StateName.recordedSignal,
        unreadable: StateName.unreadableRecordedSignal,
      },
    }),
    [StateName.recordedComplianceRules]: recordedListMap({
      itemsPath: `${recordedDecision}.compliance.M.rules.L`,
      resultPath: "$.recorded.complianceRules",
      next: StateName.recordedScreeningOutcome,
      entryKind: "compliance rule",
      fields: [
        { name: "ruleId", type: "S" },
        { name: "outcome", type: "S" },
        { name: "message", type: "S" },
      ],
      states: {
        check: StateName.checkRecordedRule,
        entry: StateName.recordedRule,
        unreadable: StateName.unreadableRecordedRule,
      },
    }),
    // The same fields as a screening outcome (Reject, Review, Approve).
    [StateName.recordedScreeningOutcome]: {
      Type: "Pass",
      Parameters: {
        "status.$": `${recordedDecision}.status.S`,
        "stage.$": `${recordedDecision}.stage.S`,
        "transactionId.$": "$.validation.recordKey",
        "fraudScore.$": `States.StringToJson(${recordedDecision}.fraud.M.score.N)`,
        "fraudLevel.$": `${recordedDecision}.fraud.M.level.S`,
        "fraudSignals.$": "$.recorded.fraudSignals",
        "complianceDecision.$": `${recordedDecision}.compliance.M.decision.S`,
        "complianceRules.$": "$.recorded.complianceRules",
        "lane.$": `${recordedDecision}.lane.S`,
      },
      ResultPath: "$.recorded.outcome",
      Next: StateName.republishProcessed,
    },
    [StateName.republishProcessed]: publishTask(
      args.eventBusName,
      "$.recorded.outcome",
      StateName.markRepublished,
    ),
    // No alert on this path: nothing records whether one was sent. A duplicate execution running
    // beside the first (EXPRESS is at-least-once) finds the decision unmarked too, and so does a
    // re-run after a failed mark (the first run went on to alert), so alerting here would page
    // people twice for one decision. A first run that never reached Alert was dead-lettered,
    // which the dead-letter queue's alarm raised, and its decision is now published and readable
    // through GET /transactions/{id}.
    [StateName.markRepublished]: markPublishedTask(args.transactionsTableName, StateName.done),
  };
}
