/**
 * Wires the pipeline's components from a validated stack configuration. `index.ts` calls this
 * once with the current stack's config; the program tests call it for each stack file.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ContainerFunction } from "./components/containerFunction";
import { DataStores } from "./components/dataStores";
import type { PolicyStatementSpec } from "./components/iamPolicy";
import { Network } from "./components/network";
import { TransactionStateMachine } from "./components/transactionStateMachine";
import { EnvironmentName } from "./functions/shared/environmentNames";
import { customerActivityIndex } from "./functions/shared/tableDefinitions";
import type { StackConfig } from "./stackConfig";

export interface PipelineOutputs {
  readonly stateMachineArn: pulumi.Output<string>;
  readonly stateMachineRoleArn: pulumi.Output<string>;
  readonly transactionsTableName: pulumi.Output<string>;
  readonly alertsTopicArn: pulumi.Output<string>;
  readonly deadLetterQueueUrl: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly vpcId: pulumi.Output<string>;
  readonly imageDigests: pulumi.Output<Record<string, string>>;
  readonly functionRoleArns: pulumi.Output<Record<string, string>>;
  readonly functionNames: pulumi.Output<Record<string, string>>;
}

/** The pipeline functions: folder under functions/ and what each may do beyond logs and traces. */
type PipelineFunction = "validation" | "fraud-detection" | "compliance";

export function deployPipeline(region: string, config: StackConfig): PipelineOutputs {
  // Every taggable resource carries the stack's tags through the provider's default tags.
  const provider = new aws.Provider("aws", {
    region: region as aws.Region,
    defaultTags: { tags: config.tags },
  });
  const opts: pulumi.ComponentResourceOptions = { providers: { aws: provider } };

  const network = new Network("network", { cidrBlock: config.vpcCidr }, opts);
  const data = new DataStores(
    "data",
    {
      alertEmail: config.alertEmail,
      alertSmsNumber: config.alertSms,
      deletionProtection: config.deletionProtection,
    },
    opts,
  );

  const customerIndexArn = pulumi.interpolate`${data.transactionsTableArn}/index/${customerActivityIndex.name}`;
  // The table is encrypted with the customer-managed key, so every reader and writer needs it.
  const useTableKey: PolicyStatementSpec = {
    sid: "UseTableKey",
    actions: ["kms:Decrypt", "kms:GenerateDataKey"],
    resources: [data.kmsKeyArn],
  };
  const statements: Record<PipelineFunction, PolicyStatementSpec[]> = {
    validation: [
      // PutItem stores once; GetItem reads the stored copy back when a redelivery finds it there.
      {
        sid: "StoreTransaction",
        actions: ["dynamodb:PutItem", "dynamodb:GetItem"],
        resources: [data.transactionsTableArn],
      },
      useTableKey,
    ],
    "fraud-detection": [
      { sid: "ReadCustomerHistory", actions: ["dynamodb:Query"], resources: [customerIndexArn] },
      useTableKey,
    ],
    compliance: [
      { sid: "ReadCustomerHistory", actions: ["dynamodb:Query"], resources: [customerIndexArn] },
      useTableKey,
    ],
  };

  const functions = {} as Record<PipelineFunction, ContainerFunction>;
  for (const folder of Object.keys(statements) as PipelineFunction[]) {
    functions[folder] = new ContainerFunction(
      folder,
      {
        functionDirectory: folder,
        memorySize: config.functions.memoryMb,
        timeout: config.functions.timeoutSeconds,
        reservedConcurrency: config.functions.reservedConcurrency,
        logRetentionDays: config.logRetentionDays,
        logKmsKeyArn: data.kmsKeyArn,
        imagesToKeep: config.imagesToKeep,
        subnetIds: network.privateSubnetIds,
        securityGroupIds: [network.lambdaSecurityGroupId],
        alarmActions: [data.alertsTopicArn],
        policyStatements: statements[folder],
        environment: {
          [EnvironmentName.transactionsTable]: data.transactionsTableName,
          [EnvironmentName.maxAmountUsdMinor]: String(config.maxTransactionUsd * 100),
          [EnvironmentName.serviceName]: folder,
          [EnvironmentName.metricsNamespace]: config.metricsNamespace,
        },
      },
      opts,
    );
  }

  const stateMachine = new TransactionStateMachine(
    "transactions",
    {
      validateFunctionArn: functions.validation.functionArn,
      fraudDetectionFunctionArn: functions["fraud-detection"].functionArn,
      complianceFunctionArn: functions.compliance.functionArn,
      transactionsTableName: data.transactionsTableName,
      transactionsTableArn: data.transactionsTableArn,
      alertsTopicArn: data.alertsTopicArn,
      deadLetterQueueUrl: data.deadLetterQueueUrl,
      deadLetterQueueArn: data.deadLetterQueueArn,
      kmsKeyArn: data.kmsKeyArn,
      highValueAlertUsdMinor: config.highValueAlertUsd * 100,
      functionTimeoutSeconds: config.functions.timeoutSeconds,
      logRetentionDays: config.logRetentionDays,
      includeExecutionData: config.includeExecutionData,
    },
    opts,
  );

  const byFunction = (pick: (fn: ContainerFunction) => pulumi.Output<string>) =>
    pulumi.all(
      Object.fromEntries(Object.entries(functions).map(([folder, fn]) => [folder, pick(fn)])) as Record<
        string,
        pulumi.Output<string>
      >,
    );

  return {
    stateMachineArn: stateMachine.stateMachineArn,
    stateMachineRoleArn: stateMachine.roleArn,
    transactionsTableName: data.transactionsTableName,
    alertsTopicArn: data.alertsTopicArn,
    deadLetterQueueUrl: data.deadLetterQueueUrl,
    kmsKeyArn: data.kmsKeyArn,
    vpcId: network.vpcId,
    imageDigests: byFunction((fn) => fn.imageDigest),
    functionRoleArns: byFunction((fn) => fn.roleArn),
    functionNames: byFunction((fn) => fn.functionName),
  };
}
