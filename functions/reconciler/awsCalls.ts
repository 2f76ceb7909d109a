import { publishOnly, queryIndex, usePipelineKey, type FunctionAwsCalls } from "../shared/awsCallDeclaration";
import { decisionEventSource, DetailType, intakeEventSource } from "../shared/eventRouting";
import { awaitingDecisionIndex, fileStatusIndex } from "../shared/tableDefinitions";

/** What the reconciler calls (README: "Declared AWS calls"). */
export const awsCalls: FunctionAwsCalls = [
  queryIndex("FindUndecidedTransactions", "intakeTable", awaitingDecisionIndex),
  // Read the intake record and its stored event; claim a re-drive, mark dead-lettered, leave the index.
  {
    sid: "RedriveOrDeadLetter",
    actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
    resources: ["intakeTable"],
  },
  // Is the transaction decided (or decided and archived)?
  {
    sid: "ReadDecisions",
    actions: ["dynamodb:GetItem"],
    resources: ["transactionsTable", "archivedTransactionsTable"],
  },
  queryIndex("FindStalledFiles", "fileStatusTable", fileStatusIndex),
  // A stalled load's checkpoint; count a dead-lettered row, complete the file.
  {
    sid: "CompleteFiles",
    actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
    resources: ["fileStatusTable"],
  },
  // Re-publish Transaction Received / Processed, continue a load.
  {
    sid: "RepublishTransactions",
    actions: ["events:PutEvents"],
    resources: ["eventBus"],
    condition: publishOnly(
      [intakeEventSource, decisionEventSource],
      [DetailType.received, DetailType.processed, DetailType.csvLoadContinued],
    ),
  },
  // Give up on a transaction, with the reason.
  { sid: "DeadLetterUndecided", actions: ["sqs:SendMessage"], resources: ["deadLetterQueue"] },
  // The summary of a file completed by a dead-lettered row.
  { sid: "SendFileSummary", actions: ["sns:Publish"], resources: ["alertsTopic"] },
  // Tables (DynamoDB), the queue (SQS) and the topic (SNS) are encrypted with the pipeline key.
  usePipelineKey("UseTableKey", ["dynamodb", "sqs", "sns"]),
];
