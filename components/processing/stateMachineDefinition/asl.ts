/**
 * The vocabulary of the transaction state machine's ASL: the document's types, the state names
 * the local runtime and the tests bind to, the service integrations' resources and the errors
 * each task retries.
 */

/** A JSON value as it may appear in an ASL document. */
export type AslValue = string | number | boolean | null | AslValue[] | { [key: string]: AslValue };
export type AslState = { [key: string]: AslValue };

export interface AslDefinition {
  readonly Comment: string;
  readonly StartAt: string;
  readonly TimeoutSeconds: number;
  readonly States: Record<string, AslState>;
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
