/**
 * Every AWS call the reconciler makes, with the resource it is made on: the plain list its role
 * statements (pipeline.ts, "reconciler") are written from, kept beside the code that makes them.
 * A test checks that each call here is allowed by a statement there.
 */
export type ReconcilerResource =
  | "intakeTable"
  | "intakeTable/index/byAwaitingDecision"
  | "transactionsTable"
  | "archivedTransactionsTable"
  | "fileStatusTable"
  | "fileStatusTable/index/byStatusUpdatedAt"
  | "eventBus"
  | "deadLetterQueue"
  | "alertsTopic"
  | "pipelineKey";

export interface AwsCall {
  readonly action: string;
  readonly resource: ReconcilerResource;
  /** Why the call is made. */
  readonly purpose: string;
}

export const reconcilerAwsCalls: readonly AwsCall[] = [
  {
    action: "dynamodb:Query",
    resource: "intakeTable/index/byAwaitingDecision",
    purpose: "find undecided transactions",
  },
  {
    action: "dynamodb:GetItem",
    resource: "intakeTable",
    purpose: "read the intake record and its stored event",
  },
  {
    action: "dynamodb:UpdateItem",
    resource: "intakeTable",
    purpose: "claim a re-drive, mark dead-lettered, leave the index",
  },
  { action: "dynamodb:GetItem", resource: "transactionsTable", purpose: "is the transaction decided" },
  {
    action: "dynamodb:GetItem",
    resource: "archivedTransactionsTable",
    purpose: "was it decided and archived",
  },
  {
    action: "dynamodb:Query",
    resource: "fileStatusTable/index/byStatusUpdatedAt",
    purpose: "find stalled files",
  },
  { action: "dynamodb:GetItem", resource: "fileStatusTable", purpose: "a stalled load's checkpoint" },
  {
    action: "dynamodb:UpdateItem",
    resource: "fileStatusTable",
    purpose: "count a dead-lettered row, complete the file",
  },
  {
    action: "events:PutEvents",
    resource: "eventBus",
    purpose: "re-publish Transaction Received / Processed, continue a load",
  },
  {
    action: "sqs:SendMessage",
    resource: "deadLetterQueue",
    purpose: "give up on a transaction, with the reason",
  },
  {
    action: "sns:Publish",
    resource: "alertsTopic",
    purpose: "the summary of a file completed by a dead-lettered row",
  },
  { action: "kms:Decrypt", resource: "pipelineKey", purpose: "encrypted tables, queue and topic" },
  { action: "kms:GenerateDataKey", resource: "pipelineKey", purpose: "encrypted tables, queue and topic" },
];
