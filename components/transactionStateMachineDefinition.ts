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
import { amountLanes, decisionEventSource, DetailType } from "../functions/shared/eventRouting";

import { decidedDayIndex } from "../functions/shared/tableDefinitions";

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
  needsAlert: "NeedsAlert",
  isHighValue: "IsHighValue",
  alert: "Alert",
  done: "Done",
  sendToDeadLetterQueue: "SendToDLQ",
  failed: "Failed",
} as const;

export const TaskResource = {
  lambdaInvoke: "arn:aws:states:::lambda:invoke",
  dynamoDbUpdateItem: "arn:aws:states:::dynamodb:updateItem",
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
 * at-least-once EXPRESS execution or a replay runs again. Such a re-run ends without publishing
 * or alerting, since its freshly computed outcome may differ from the recorded one.
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
        Next: StateName.done,
      },
      ...(toDeadLetterQueue as AslValue[]),
    ],
    Next: StateName.publishProcessed,
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
      // Runs once per recorded decision; a re-run whose decision was already recorded skips it.
      // An object Detail is sent as its JSON text, like MessageBody (never States.JsonToString).
      [StateName.publishProcessed]: {
        Type: "Task",
        Resource: TaskResource.eventBridgePutEvents,
        Parameters: {
          Entries: [
            {
              EventBusName: args.eventBusName,
              Source: decisionEventSource,
              DetailType: DetailType.processed,
              "Detail.$": "$.outcome",
            },
          ],
        },
        ResultPath: null,
        Retry: eventBridgeRetry,
        Catch: toDeadLetterQueue,
        Next: StateName.needsAlert,
      },
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
