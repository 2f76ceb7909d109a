/**
 * The least-privilege IAM statements of the transaction state machine's role, as a pure function
 * so the exact grants are testable without mocks.
 */
import { decisionEventSource, DetailType } from "../../functions/shared/eventRouting";
import { publishOnly } from "../../functions/shared/awsCallDeclaration";

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

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
): PolicyStatement[] {
  return [
    {
      Sid: "InvokePipelineFunctions",
      Effect: "Allow",
      Action: ["lambda:InvokeFunction"],
      // Qualified ARNs too: the lambda:invoke integration may call a version or alias.
      Resource: args.functionArns.flatMap((arn) => [arn, `${arn}:*`]),
    },
    {
      Sid: "RecordDecision",
      Effect: "Allow",
      Action: ["dynamodb:UpdateItem"],
      Resource: [args.transactionsTableArn],
    },
    {
      // A re-run whose decision is already recorded reads it to publish it if no run has.
      Sid: "ReadRecordedDecision",
      Effect: "Allow",
      Action: ["dynamodb:GetItem"],
      Resource: [args.transactionsTableArn],
    },
    { Sid: "PublishAlerts", Effect: "Allow", Action: ["sns:Publish"], Resource: [args.alertsTopicArn] },
    {
      Sid: "SendToDeadLetterQueue",
      Effect: "Allow",
      Action: ["sqs:SendMessage"],
      Resource: [args.deadLetterQueueArn],
    },
    {
      // Only the decision events, only on the pipeline's bus: the role cannot impersonate the
      // intakes (a forged "Transaction Received" would start executions).
      Sid: "PublishProcessedEvents",
      Effect: "Allow",
      Action: ["events:PutEvents"],
      Resource: [args.eventBusArn],
      Condition: publishOnly([decisionEventSource], [DetailType.processed]),
    },
    {
      // The topic, queue and table are encrypted with this key.
      Sid: "UseDataKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: [args.kmsKeyArn],
    },
    { Sid: "DeliverExecutionLogs", Effect: "Allow", Action: [...logDeliveryActions], Resource: ["*"] },
    { Sid: "WriteTraces", Effect: "Allow", Action: [...tracingActions], Resource: ["*"] },
  ];
}
