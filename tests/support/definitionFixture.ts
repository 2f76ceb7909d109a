import type { TransactionStateMachineDefinitionArgs } from "../../components/processing/stateMachineDefinition/index";

/** Definition arguments shaped like real deployed ARNs, for tests of the pure builder. */
export const definitionArgs: TransactionStateMachineDefinitionArgs = {
  validateFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:validation",
  fraudDetectionFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:fraud-detection",
  complianceFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:compliance",
  transactionsTableName: "transactions",
  alertsTopicArn: "arn:aws:sns:eu-west-1:123456789012:alerts",
  deadLetterQueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/dead-letters",
  eventBusName: "transactions",
  highValueAlertUsdMinor: 1_000_000,
};
