import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allowedLogRetentionDays } from "../platform/logRetention";
import { buildTransactionStateMachineDefinition } from "./stateMachineDefinition/index";
import { transactionStateMachinePolicyStatements } from "./transactionStateMachinePolicy";

export interface TransactionStateMachineArgs {
  /** ARN of the ValidateTransaction function. Required. */
  readonly validateFunctionArn: pulumi.Input<string>;
  /** ARN of the FraudDetection function. Required. */
  readonly fraudDetectionFunctionArn: pulumi.Input<string>;
  /** ARN of the ComplianceCheck function. Required. */
  readonly complianceFunctionArn: pulumi.Input<string>;
  /** Name of the transactions table RecordDecision writes to. Required. */
  readonly transactionsTableName: pulumi.Input<string>;
  /** ARN of the transactions table (for the role). Required. */
  readonly transactionsTableArn: pulumi.Input<string>;
  /** ARN of the alerts topic. Required. */
  readonly alertsTopicArn: pulumi.Input<string>;
  /** URL of the dead-letter queue. Required. */
  readonly deadLetterQueueUrl: pulumi.Input<string>;
  /** ARN of the dead-letter queue (for the role). Required. */
  readonly deadLetterQueueArn: pulumi.Input<string>;
  /** Name of the event bus PublishProcessed puts "Transaction Processed" events on. Required. */
  readonly eventBusName: pulumi.Input<string>;
  /** ARN of that event bus (for the role). Required. */
  readonly eventBusArn: pulumi.Input<string>;
  /** ARN of the KMS key encrypting the topic, queue, table and the log group. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** APPROVED transactions above this US-dollar-cent equivalent still alert. Default 1,000,000 ($10,000). */
  readonly highValueAlertUsdMinor?: number;
  /** Timeout of each pipeline function, in seconds; Lambda tasks wait slightly longer. Default 30. */
  readonly functionTimeoutSeconds?: number;
  /** Days the execution log group keeps events. Default 30. */
  readonly logRetentionDays?: number;
  /**
   * Whether execution logs carry inputs and outputs. Default false: inputs hold customer data,
   * and an input rejected for carrying a card number must not reach the logs.
   */
  readonly includeExecutionData?: boolean;
  /**
   * What executions log: ALL (every state, the largest log line after SMS at 10,000 transactions a
   * minute), ERROR, FATAL or OFF. Default "ERROR".
   */
  readonly logLevel?: "ALL" | "ERROR" | "FATAL" | "OFF";
}

/** The EXPRESS state machine that validates, screens, decides, records, publishes and alerts. */
export class TransactionStateMachine extends pulumi.ComponentResource {
  public readonly stateMachineArn: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: TransactionStateMachineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:orchestration:TransactionStateMachine", name, {}, opts);
    const logRetentionDays = args.logRetentionDays ?? 30;
    if (!allowedLogRetentionDays.includes(logRetentionDays)) {
      throw new Error(
        `TransactionStateMachine ${name}: logRetentionDays ${logRetentionDays} is not a retention CloudWatch Logs accepts`,
      );
    }
    const highValueAlertUsdMinor = args.highValueAlertUsdMinor ?? 1_000_000;
    if (!Number.isSafeInteger(highValueAlertUsdMinor) || highValueAlertUsdMinor <= 0) {
      throw new Error(`TransactionStateMachine ${name}: highValueAlertUsdMinor must be a positive integer`);
    }
    const functionTimeoutSeconds = args.functionTimeoutSeconds ?? 30;
    // Plain values are checked now; Outputs are checked by the builder once they resolve.
    if (typeof args.eventBusName === "string" && args.eventBusName.length === 0) {
      throw new Error(`TransactionStateMachine ${name}: eventBusName must be a non-empty string`);
    }
    if (typeof args.eventBusArn === "string" && !args.eventBusArn.startsWith("arn:")) {
      throw new Error(`TransactionStateMachine ${name}: eventBusArn must be an event bus ARN`);
    }

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        // A prefix, not a fixed name: dev and prod stacks may share one account.
        namePrefix: `/aws/vendedlogs/states/${name}-`,
        retentionInDays: logRetentionDays,
        kmsKeyId: args.kmsKeyArn,
      },
      { parent: this },
    );

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      },
      { parent: this },
    );

    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: pulumi
          .all([
            args.validateFunctionArn,
            args.fraudDetectionFunctionArn,
            args.complianceFunctionArn,
            args.transactionsTableArn,
            args.alertsTopicArn,
            args.deadLetterQueueArn,
            args.eventBusArn,
            args.kmsKeyArn,
          ])
          .apply(([validate, fraud, compliance, tableArn, topicArn, queueArn, busArn, keyArn]) =>
            JSON.stringify({
              Version: "2012-10-17",
              Statement: transactionStateMachinePolicyStatements({
                functionArns: [validate, fraud, compliance],
                transactionsTableArn: tableArn,
                alertsTopicArn: topicArn,
                deadLetterQueueArn: queueArn,
                eventBusArn: busArn,
                kmsKeyArn: keyArn,
              }),
            }),
          ),
      },
      { parent: this },
    );

    const definition = pulumi
      .all([
        args.validateFunctionArn,
        args.fraudDetectionFunctionArn,
        args.complianceFunctionArn,
        args.transactionsTableName,
        args.alertsTopicArn,
        args.deadLetterQueueUrl,
        args.eventBusName,
      ])
      .apply(([validate, fraud, compliance, tableName, topicArn, queueUrl, busName]) =>
        JSON.stringify(
          buildTransactionStateMachineDefinition({
            validateFunctionArn: validate,
            fraudDetectionFunctionArn: fraud,
            complianceFunctionArn: compliance,
            transactionsTableName: tableName,
            alertsTopicArn: topicArn,
            deadLetterQueueUrl: queueUrl,
            eventBusName: busName,
            highValueAlertUsdMinor,
            functionTimeoutSeconds,
          }),
        ),
      );

    const stateMachine = new aws.sfn.StateMachine(
      `${name}-machine`,
      {
        type: "EXPRESS",
        roleArn: role.arn,
        definition,
        loggingConfiguration: {
          level: args.logLevel ?? "ERROR",
          includeExecutionData: args.includeExecutionData ?? false,
          logDestination: pulumi.interpolate`${logGroup.arn}:*`,
        },
        tracingConfiguration: { enabled: true },
      },
      // The role must be able to write logs before the machine is created with logging on.
      { parent: this, dependsOn: [policy] },
    );

    this.stateMachineArn = stateMachine.arn;
    this.roleArn = role.arn;
    this.registerOutputs({
      stateMachineArn: this.stateMachineArn,
      roleArn: this.roleArn,
    });
  }
}
