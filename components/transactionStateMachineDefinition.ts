/**
 * The pure builder of the transaction state machine's Amazon States Language definition.
 *
 * The TransactionStateMachine component deploys what this returns, and the local runtime and the
 * tests execute the very same object with aws-local-stepfunctions. Keep it JSONPath only (the
 * local engine ignores JSONata) and free of `.sync` / `.waitForTaskToken` (illegal in EXPRESS).
 *
 * Its input is what a lane rule delivers (functions/shared/eventRouting.ts
 * `stateMachineTargetInput`): `{id, source, "detail-type", time, detail, lane}`.
 */
import { decisionEventSource, DetailType } from "../functions/shared/eventRouting";

import { decidedDayIndex } from "../functions/shared/tableDefinitions";
import { amountLanes } from "../pipeline";

/** A JSON value as it may appear in an ASL document. */
export type AslValue = string | number | boolean | null | AslValue[] | { [key: string]: AslValue };
export type AslState = { [key: string]: AslValue };

export interface AslDefinition {
  readonly Comment: string;
  readonly StartAt: string;
  readonly TimeoutSeconds: number;
  readonly States: Record<string, AslState>;
}

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

/** State names the local runtime and tests bind overrides to. Shipped names never change. */
export const StateName = {
  checkEnvelope: "CheckEnvelope",
  malformedEvent: "MalformedEvent",
  validate: "ValidateTransaction",
  isArchived: "IsArchived",
  isValid: "IsValid",
  rejectInvalid: "RejectInvalid",
  recordRejection: "RecordRejection",
  screen: "Screen",
  fraudDetection: "FraudDetection",
  complianceCheck: "ComplianceCheck",
  decide: "Decide",
  reject: "Reject",
  review: "Review",
  approve: "Approve",
  recordDecision: "RecordDecision",
  publishProcessed: "PublishProcessed",
  markPublished: "MarkPublished",
  needsAlert: "NeedsAlert",
  isHighValue: "IsHighValue",
  alert: "Alert",
  done: "Done",
  sendToDeadLetterQueue: "SendToDLQ",
  failed: "Failed",
  // A re-run whose decision is already recorded publishes it if no run has (see readRecordedTask).
  readRecordedDecision: "ReadRecordedDecision",
  checkRecordedDecision: "CheckRecordedDecision",
  unreadableRecordedDecision: "UnreadableRecordedDecision",
  recordedValidationReasons: "RecordedValidationReasons",
  checkRecordedReason: "CheckRecordedReason",
  recordedReason: "RecordedReason",
  recordedReasonWithField: "RecordedReasonWithField",
  unreadableRecordedReason: "UnreadableRecordedReason",
  recordedRejectionOutcome: "RecordedRejectionOutcome",
  recordedFraudSignals: "RecordedFraudSignals",
  checkRecordedSignal: "CheckRecordedSignal",
  recordedSignal: "RecordedSignal",
  unreadableRecordedSignal: "UnreadableRecordedSignal",
  recordedComplianceRules: "RecordedComplianceRules",
  checkRecordedRule: "CheckRecordedRule",
  recordedRule: "RecordedRule",
  unreadableRecordedRule: "UnreadableRecordedRule",
  recordedScreeningOutcome: "RecordedScreeningOutcome",
  republishProcessed: "RepublishProcessed",
  markRepublished: "MarkRepublished",
} as const;

/**
 * Set on the transaction item once "Transaction Processed" is out for its recorded decision: a
 * re-run that finds the decision recorded publishes it only when this is missing.
 */
export const processedPublishedAttribute = "processedPublishedAt";

/** The error a recorded decision that cannot be turned back into its event is dead-lettered with. */
export const recordedDecisionUnreadableError = "RecordedDecisionUnreadable";

export const TaskResource = {
  lambdaInvoke: "arn:aws:states:::lambda:invoke",
  dynamoDbUpdateItem: "arn:aws:states:::dynamodb:updateItem",
  dynamoDbGetItem: "arn:aws:states:::dynamodb:getItem",
  snsPublish: "arn:aws:states:::sns:publish",
  sqsSendMessage: "arn:aws:states:::sqs:sendMessage",
  eventBridgePutEvents: "arn:aws:states:::events:putEvents",
} as const;

/** Lambda service-side errors worth retrying (the function itself did not fail). */
export const retriedLambdaErrors = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
];

/** DynamoDB errors that are transient; a failed condition is an answer, not a fault. */
export const retriedDynamoDbErrors = [
  "DynamoDB.ProvisionedThroughputExceededException",
  "DynamoDB.ThrottlingException",
  "DynamoDB.RequestLimitExceeded",
  "DynamoDB.InternalServerErrorException",
];

/**
 * EventBridge errors that are transient. Step Functions fails the task with EventBridge.FailedEntry
 * when PutEvents answers FailedEntryCount > 0 (the retryable entry codes InternalFailure and
 * ThrottlingException arrive this way); the others are request-level service errors.
 */
export const retriedEventBridgeErrors = [
  "EventBridge.FailedEntry",
  "EventBridge.InternalException",
  "EventBridge.ThrottlingException",
  "EventBridge.AmazonEventBridgeException",
];

/** Errors the functions raise when a table read or write failed: worth another attempt. */
export const retriedFunctionErrors = ["TransactionStoreError"];

const lambdaRetry: AslValue = [
  { ErrorEquals: retriedLambdaErrors, IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2.0 },
  { ErrorEquals: retriedFunctionErrors, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 },
];
/** Seconds a Lambda task waits beyond the function's own timeout before States.Timeout. */
const taskTimeoutMarginSeconds = 5;
const dynamoDbRetry: AslValue = [
  { ErrorEquals: retriedDynamoDbErrors, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 },
];
/** SNS and SQS have no business-level failures here, so every task failure is worth a retry. */
const messagingRetry: AslValue = [
  { ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 },
];
/** Publishing has no business-level failure either; after the named errors, any task failure. */
const eventBridgeRetry: AslValue = [
  { ErrorEquals: retriedEventBridgeErrors, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 },
  { ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 },
];
/** Anything unrecoverable goes to the dead-letter queue with the whole input and the error. */
const toDeadLetterQueue: AslValue = [
  { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: StateName.sendToDeadLetterQueue },
];

/**
 * A Lambda task with its own timeout: a task's States.Timeout can be caught and dead-lettered,
 * while the execution's own timeout cannot.
 */
function lambdaTask(
  functionArn: string,
  timeoutSeconds: number,
  payload: AslValue,
  extra: AslState,
): AslState {
  return {
    Type: "Task",
    Resource: TaskResource.lambdaInvoke,
    Parameters: { FunctionName: functionArn, ...payloadParameter(payload) },
    TimeoutSeconds: timeoutSeconds + taskTimeoutMarginSeconds,
    Retry: lambdaRetry,
    ...extra,
  };
}

function payloadParameter(payload: AslValue): AslState {
  return typeof payload === "string" ? { "Payload.$": payload } : { Payload: payload };
}

/** The decision map written by RecordRejection / RecordDecision (DynamoDB attribute values). */
function decisionAttribute(findings: Record<string, AslValue>): AslValue {
  return {
    M: {
      status: { "S.$": "$.outcome.status" },
      stage: { "S.$": "$.outcome.stage" },
      ...findings,
      lane: { "S.$": "$.lane" },
      decidedAt: { "S.$": "$$.Execution.StartTime" },
      executionId: { "S.$": "$$.Execution.Id" },
    },
  };
}

/**
 * Writes the decision once: the condition keeps the first decision for the audit trail when an
 * at-least-once EXPRESS execution or a replay runs again. Such a re-run never publishes or alerts
 * its freshly computed outcome, which may differ from the recorded one; it reads the recorded
 * decision instead, and publishes that if no run has (ReadRecordedDecision).
 */
/**
 * `requireStoredItem`: the screening path records onto the item validation stored; if that item
 * is gone (archived meanwhile), the update must not re-create a decision-only item.
 */
function recordTask(
  tableName: string,
  findings: Record<string, AslValue>,
  requireStoredItem: boolean,
): AslState {
  return {
    Type: "Task",
    Resource: TaskResource.dynamoDbUpdateItem,
    Parameters: {
      TableName: tableName,
      // Never $.detail.transactionId: a key carrying a card number is replaced by its digest.
      Key: { transactionId: { "S.$": "$.validation.recordKey" } },
      // decidedDay / archiveSortKey put the decided item in the archival index (byDecidedDay):
      // the UTC day of the decision, and `<decidedAt>#<key>` so pages are ordered and unique.
      UpdateExpression:
        "SET #status = :status, #decision = :decision, #decidedDay = :decidedDay, #archiveSortKey = :archiveSortKey",
      ConditionExpression: requireStoredItem
        ? "attribute_exists(#key) AND attribute_not_exists(#decision)"
        : "attribute_not_exists(#decision)",
      ExpressionAttributeNames: {
        ...(requireStoredItem ? { "#key": "transactionId" } : {}),
        "#status": "status",
        "#decision": "decision",
        "#decidedDay": decidedDayIndex.partitionKey,
        "#archiveSortKey": decidedDayIndex.sortKey,
      },
      ExpressionAttributeValues: {
        ":status": { "S.$": "$.outcome.status" },
        ":decision": decisionAttribute(findings),
        ":decidedDay": { "S.$": "States.ArrayGetItem(States.StringSplit($$.Execution.StartTime, 'T'), 0)" },
        ":archiveSortKey": {
          "S.$": "States.Format('{}#{}', $$.Execution.StartTime, $.validation.recordKey)",
        },
      },
    },
    ResultPath: null,
    Retry: dynamoDbRetry,
    Catch: [
      {
        ErrorEquals: ["DynamoDB.ConditionalCheckFailedException"],
        ResultPath: "$.alreadyRecorded",
        Next: StateName.readRecordedDecision,
      },
      ...(toDeadLetterQueue as AslValue[]),
    ],
    Next: StateName.publishProcessed,
  };
}

/**
 * Puts one "Transaction Processed" event whose detail is the outcome at `detailPath`. An object
 * Detail is sent as its JSON text, like MessageBody (never States.JsonToString).
 */
function publishTask(eventBusName: string, detailPath: string, next: string): AslState {
  return {
    Type: "Task",
    Resource: TaskResource.eventBridgePutEvents,
    Parameters: {
      Entries: [
        {
          EventBusName: eventBusName,
          Source: decisionEventSource,
          DetailType: DetailType.processed,
          "Detail.$": detailPath,
        },
      ],
    },
    ResultPath: null,
    Retry: eventBridgeRetry,
    Catch: toDeadLetterQueue,
    Next: next,
  };
}

/**
 * Marks the recorded decision as published so that a later re-run does not publish it again.
 * A mark that cannot be written does not stop the execution (the alert still goes out): the
 * event is already out, and an unmarked decision only costs a later re-run a duplicate event,
 * which consumers take once per transaction. The condition never turns an item archived in the
 * meantime back into a mark-only item. `$$.Execution.StartTime` is the publishing execution's
 * start: the local engine has no `$$.State.EnteredTime`.
 */
function markPublishedTask(tableName: string, next: string): AslState {
  return {
    Type: "Task",
    Resource: TaskResource.dynamoDbUpdateItem,
    Parameters: {
      TableName: tableName,
      Key: { transactionId: { "S.$": "$.validation.recordKey" } },
      // The first mark is kept when duplicate executions both publish.
      UpdateExpression: "SET #publishedAt = if_not_exists(#publishedAt, :publishedAt)",
      ConditionExpression: "attribute_exists(#decision)",
      ExpressionAttributeNames: { "#publishedAt": processedPublishedAttribute, "#decision": "decision" },
      ExpressionAttributeValues: { ":publishedAt": { "S.$": "$$.Execution.StartTime" } },
    },
    ResultPath: null,
    Retry: dynamoDbRetry,
    Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.markPublishedError", Next: next }],
    Next: next,
  };
}

/** Where ReadRecordedDecision puts the recorded decision map (DynamoDB attribute values). */
const recordedDecision = "$.recorded.Item.decision.M";

/**
 * After a failed record condition: the decision already recorded and whether it was published,
 * read consistently so a decision a concurrent duplicate execution has just recorded is seen.
 * Only those two attributes are read, which keeps the item's customer data out of the state.
 */
function readRecordedTask(tableName: string): AslState {
  return {
    Type: "Task",
    Resource: TaskResource.dynamoDbGetItem,
    Parameters: {
      TableName: tableName,
      Key: { transactionId: { "S.$": "$.validation.recordKey" } },
      ConsistentRead: true,
      ProjectionExpression: "#decision, #publishedAt",
      ExpressionAttributeNames: { "#decision": "decision", "#publishedAt": processedPublishedAttribute },
    },
    ResultPath: "$.recorded",
    Retry: dynamoDbRetry,
    Catch: toDeadLetterQueue,
    Next: StateName.checkRecordedDecision,
  };
}

interface RecordedField {
  readonly name: string;
  readonly type: "S" | "N";
}

interface RecordedListArgs {
  /** The recorded list (`L`) of maps to turn back into plain objects. */
  readonly itemsPath: string;
  readonly resultPath: string;
  readonly next: string;
  /** What one entry is, for the dead letter's Cause. */
  readonly entryKind: string;
  readonly fields: readonly RecordedField[];
  /** A field an entry may lack, and the state that keeps it when present. */
  readonly optional?: { readonly field: RecordedField; readonly state: string };
  readonly states: { readonly check: string; readonly entry: string; readonly unreadable: string };
}

function recordedEntry(fields: readonly RecordedField[]): AslState {
  return {
    Type: "Pass",
    Parameters: Object.fromEntries(
      fields.map(({ name, type }) => [
        `${name}.$`,
        type === "N" ? `States.StringToJson($.M.${name}.N)` : `$.M.${name}.S`,
      ]),
    ),
    End: true,
  };
}

/**
 * A recorded list of findings back as the plain objects the outcome carried. JSONPath cannot
 * unmarshal DynamoDB attribute values, so each entry is rebuilt field by field; an entry lacking
 * one would be a States.Runtime error no Catch sees, so it fails as RecordedDecisionUnreadable,
 * which the Map's Catch dead-letters.
 */
function recordedListMap(args: RecordedListArgs): AslState {
  const { fields, optional, states } = args;
  return {
    Type: "Map",
    ItemsPath: args.itemsPath,
    ItemProcessor: {
      StartAt: states.check,
      States: {
        [states.check]: {
          Type: "Choice",
          Choices: [
            ...fields.map(({ name, type }) => ({
              Not: { Variable: `$.M.${name}.${type}`, IsPresent: true },
              Next: states.unreadable,
            })),
            ...(optional
              ? [
                  {
                    Variable: `$.M.${optional.field.name}.${optional.field.type}`,
                    IsPresent: true,
                    Next: optional.state,
                  },
                ]
              : []),
          ],
          Default: states.entry,
        },
        [states.entry]: recordedEntry(fields),
        ...(optional ? { [optional.state]: recordedEntry([...fields, optional.field]) } : {}),
        [states.unreadable]: {
          Type: "Fail",
          Error: recordedDecisionUnreadableError,
          Cause: `A recorded ${args.entryKind} lacks ${fields.map(({ name }) => name).join(", ")}`,
        },
      },
    },
    ResultPath: args.resultPath,
    Catch: toDeadLetterQueue,
    Next: args.next,
  };
}

/** A screening outcome: the status plus what the alert and the audit record should say. */
function screeningOutcome(status: "APPROVED" | "REVIEW" | "REJECTED"): AslState {
  return {
    Type: "Pass",
    Parameters: {
      status,
      stage: "SCREENING",
      "transactionId.$": "$.validation.recordKey",
      "fraudScore.$": "$.screening.fraud.score",
      "fraudLevel.$": "$.screening.fraud.level",
      "fraudSignals.$": "$.screening.fraud.signals",
      "complianceDecision.$": "$.screening.compliance.decision",
      "complianceRules.$": "$.screening.compliance.rules",
      "lane.$": "$.lane",
    },
    ResultPath: "$.outcome",
    Next: StateName.recordDecision,
  };
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
          {
            StartAt: StateName.fraudDetection,
            States: {
              [StateName.fraudDetection]: lambdaTask(
                args.fraudDetectionFunctionArn,
                functionTimeout,
                { "transaction.$": "$.validation.transaction" },
                { OutputPath: "$.Payload", End: true },
              ),
            },
          },
          {
            StartAt: StateName.complianceCheck,
            States: {
              [StateName.complianceCheck]: lambdaTask(
                args.complianceFunctionArn,
                functionTimeout,
                { "transaction.$": "$.validation.transaction" },
                { OutputPath: "$.Payload", End: true },
              ),
            },
          },
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
          {
            Or: [
              { Variable: "$.screening.compliance.decision", StringEquals: "BLOCK" },
              { Variable: "$.screening.fraud.level", StringEquals: "HIGH" },
            ],
            Next: StateName.reject,
          },
          {
            Or: [
              { Variable: "$.screening.compliance.decision", StringEquals: "REVIEW" },
              { Variable: "$.screening.fraud.level", StringEquals: "MEDIUM" },
            ],
            Next: StateName.review,
          },
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
          {
            Or: [
              { Variable: "$.outcome.status", StringEquals: "REVIEW" },
              { Variable: "$.outcome.status", StringEquals: "REJECTED" },
            ],
            Next: StateName.alert,
          },
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
      // Only paths that always exist here: a dead-letter send must not fail on a malformed input.
      // An object MessageBody is sent as its JSON text.
      [StateName.sendToDeadLetterQueue]: {
        Type: "Task",
        Resource: TaskResource.sqsSendMessage,
        Parameters: {
          QueueUrl: args.deadLetterQueueUrl,
          MessageBody: {
            "input.$": "$$.Execution.Input",
            "error.$": "$.error",
            "executionId.$": "$$.Execution.Id",
            "startedAt.$": "$$.Execution.StartTime",
          },
        },
        ResultPath: null,
        Retry: messagingRetry,
        Next: StateName.failed,
      },
      [StateName.failed]: {
        Type: "Fail",
        Error: "TransactionFailed",
        Cause: "The transaction could not be processed and was sent to the dead-letter queue.",
      },
    },
  };
}
