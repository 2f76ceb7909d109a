/**
 * The least-privilege IAM statements of the transaction state machine's role, as a pure function
 * so the exact grants are testable without mocks.
 */
import { decisionEventSource, DetailType } from "../../functions/shared/eventRouting";
import { publishOnly } from "../../functions/shared/awsCallDeclaration";
import { policyDocument, type PolicyStatementDocument } from "../platform/iamPolicy";

export interface TransactionStateMachinePolicyArgs {
  readonly functionArns: readonly string[];
  readonly transactionsTableArn: string;
  readonly alertsTopicArn: string;
  readonly deadLetterQueueArn: string;
  /** The bus PublishProcessed puts "Transaction Processed" events on. */
  readonly eventBusArn: string;
  readonly kmsKeyArn: string;
}

/** CloudWatch Logs vended-log delivery APIs accept no resource narrower than "*". */
export const logDeliveryActions = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
];

/** X-Ray segment and sampling APIs accept no resource narrower than "*". */
export const tracingActions = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
];

export function transactionStateMachinePolicyStatements(
  args: TransactionStateMachinePolicyArgs,
): PolicyStatementDocument[] {
  return policyDocument([
    {
      sid: "InvokePipelineFunctions",
      actions: ["lambda:InvokeFunction"],
      // Qualified ARNs too: the lambda:invoke integration may call a version or alias.
      resources: args.functionArns.flatMap((arn) => [arn, `${arn}:*`]),
    },
    { sid: "RecordDecision", actions: ["dynamodb:UpdateItem"], resources: [args.transactionsTableArn] },
    // A re-run whose decision is already recorded reads it to publish it if no run has.
    { sid: "ReadRecordedDecision", actions: ["dynamodb:GetItem"], resources: [args.transactionsTableArn] },
    { sid: "PublishAlerts", actions: ["sns:Publish"], resources: [args.alertsTopicArn] },
    { sid: "SendToDeadLetterQueue", actions: ["sqs:SendMessage"], resources: [args.deadLetterQueueArn] },
    {
      // Only the decision events, only on the pipeline's bus: the role cannot impersonate the
      // intakes (a forged "Transaction Received" would start executions).
      sid: "PublishProcessedEvents",
      actions: ["events:PutEvents"],
      resources: [args.eventBusArn],
      condition: publishOnly([decisionEventSource], [DetailType.processed]),
    },
    // The topic, queue and table are encrypted with this key.
    { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
    { sid: "DeliverExecutionLogs", actions: logDeliveryActions, resources: ["*"] },
    { sid: "WriteTraces", actions: tracingActions, resources: ["*"] },
  ]).Statement;
}
