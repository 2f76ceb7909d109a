/**
 * The states the transaction state machine is built of: Lambda, DynamoDB, EventBridge and SNS
 * tasks with their retries and catches, the recorded-decision readers, and the dead-letter states
 * every unrecoverable error ends in.
 */
import { decisionEventSource, DetailType } from "../../../functions/shared/eventRouting";
import { decidedDayIndex } from "../../../functions/shared/tableDefinitions";
import {
  processedPublishedAttribute,
  recordedDecisionUnreadableError,
  retriedDynamoDbErrors,
  retriedEventBridgeErrors,
  retriedFunctionErrors,
  retriedLambdaErrors,
  StateName,
  TaskResource,
  type AslState,
  type AslValue,
} from "./asl";

const lambdaRetry: AslValue = [
  { ErrorEquals: retriedLambdaErrors, IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2.0 },
  { ErrorEquals: retriedFunctionErrors, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 },
];
/** Seconds a Lambda task waits beyond the function's own timeout before States.Timeout. */
export const taskTimeoutMarginSeconds = 5;
const dynamoDbRetry: AslValue = [
  { ErrorEquals: retriedDynamoDbErrors, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 },
];
/** SNS and SQS have no business-level failures here, so every task failure is worth a retry. */
export const messagingRetry: AslValue = [
  { ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 },
];
/** Publishing has no business-level failure either; after the named errors, any task failure. */
const eventBridgeRetry: AslValue = [
  { ErrorEquals: retriedEventBridgeErrors, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 },
  { ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 },
];
/** Anything unrecoverable goes to the dead-letter queue with the whole input and the error. */
export const toDeadLetterQueue: AslValue = [
  { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: StateName.sendToDeadLetterQueue },
];

/**
 * A Lambda task with its own timeout: a task's States.Timeout can be caught and dead-lettered,
 * while the execution's own timeout cannot.
 */
export function lambdaTask(
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

/**
 * A DynamoDB task on the transaction's item, keyed by the validated record key: never
 * $.detail.transactionId, because a key carrying a card number is replaced by its digest.
 */
function transactionItemTask(
  resource: string,
  tableName: string,
  parameters: AslState,
  rest: AslState,
): AslState {
  return {
    Type: "Task",
    Resource: resource,
    Parameters: {
      TableName: tableName,
      Key: { transactionId: { "S.$": "$.validation.recordKey" } },
      ...parameters,
    },
    ...rest,
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
export function recordTask(
  tableName: string,
  findings: Record<string, AslValue>,
  requireStoredItem: boolean,
): AslState {
  return transactionItemTask(
    TaskResource.dynamoDbUpdateItem,
    tableName,
    {
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
    {
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
    },
  );
}

/**
 * Puts one "Transaction Processed" event whose detail is the outcome at `detailPath`. An object
 * Detail is sent as its JSON text, like MessageBody (never States.JsonToString).
 */
export function publishTask(eventBusName: string, detailPath: string, next: string): AslState {
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
export function markPublishedTask(tableName: string, next: string): AslState {
  return transactionItemTask(
    TaskResource.dynamoDbUpdateItem,
    tableName,
    {
      // The first mark is kept when duplicate executions both publish.
      UpdateExpression: "SET #publishedAt = if_not_exists(#publishedAt, :publishedAt)",
      ConditionExpression: "attribute_exists(#decision)",
      ExpressionAttributeNames: { "#publishedAt": processedPublishedAttribute, "#decision": "decision" },
      ExpressionAttributeValues: { ":publishedAt": { "S.$": "$$.Execution.StartTime" } },
    },
    {
      ResultPath: null,
      Retry: dynamoDbRetry,
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.markPublishedError", Next: next }],
      Next: next,
    },
  );
}

/** Where ReadRecordedDecision puts the recorded decision map (DynamoDB attribute values). */
export const recordedDecision = "$.recorded.Item.decision.M";

/**
 * After a failed record condition: the decision already recorded and whether it was published,
 * read consistently so a decision a concurrent duplicate execution has just recorded is seen.
 * Only those two attributes are read, which keeps the item's customer data out of the state.
 */
export function readRecordedTask(tableName: string): AslState {
  return transactionItemTask(
    TaskResource.dynamoDbGetItem,
    tableName,
    {
      ConsistentRead: true,
      ProjectionExpression: "#decision, #publishedAt",
      ExpressionAttributeNames: { "#decision": "decision", "#publishedAt": processedPublishedAttribute },
    },
    {
      ResultPath: "$.recorded",
      Retry: dynamoDbRetry,
      Catch: toDeadLetterQueue,
      Next: StateName.checkRecordedDecision,
    },
  );
}

export interface RecordedField {
  readonly name: string;
  readonly type: "S" | "N";
}

export interface RecordedListArgs {
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
export function recordedListMap(args: RecordedListArgs): AslState {
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
export function screeningOutcome(status: "APPROVED" | "REVIEW" | "REJECTED"): AslState {
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

/** Anything unrecoverable: the whole input and the error to the dead-letter queue, then Fail. */
export function deadLetterStates(deadLetterQueueUrl: string): Record<string, AslState> {
  return {
    // Only paths that always exist here: a dead-letter send must not fail on a malformed input.
    // An object MessageBody is sent as its JSON text.
    [StateName.sendToDeadLetterQueue]: {
      Type: "Task",
      Resource: TaskResource.sqsSendMessage,
      Parameters: {
        QueueUrl: deadLetterQueueUrl,
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
  };
}
