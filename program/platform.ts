/**
 * The platform every capability stands on: the AWS provider carrying the stack's tags, the VPC
 * with the endpoints the functions' calls need, the key, tables, alerts topic and dead-letter
 * queue, the ops topic alarms notify, the on-failure queue, and the bus's fixed name.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DataStores, FailureQueue, interfaceEndpointServicesFor, Network } from "../components/platform";
import { MonitoringTopic } from "../components/monitoring";
import { stackScopedName, vpcFunctionAwsCalls } from "../pipeline";
import type { StackConfig } from "../stackConfig";
import type { PipelineResources } from "./resources";

export interface Platform {
  readonly config: StackConfig;
  /** Options of every component: the AWS provider with the stack's default tags. */
  readonly opts: pulumi.ComponentResourceOptions;
  readonly network: Network;
  readonly data: DataStores;
  /** The topic every alarm notifies, on alarm and on recovery. */
  readonly ops: MonitoringTopic;
  /** On-failure destination of every asynchronously invoked function. */
  readonly failures: FailureQueue;
  /**
   * The bus's name, fixed per stack (EventBridge has no name prefixes) and known before the bus
   * exists, so the state machine can publish to it while the bus's rules target the state machine.
   */
  readonly eventBus: { readonly name: string; readonly arn: pulumi.Output<string> };
  /** The platform's resources the functions' calls and environments name. */
  readonly resources: PipelineResources;
}

export function deployPlatform(region: string, config: StackConfig): Platform {
  // Every taggable resource carries the stack's tags through the provider's default tags.
  const provider = new aws.Provider("aws", {
    region: region as aws.Region,
    defaultTags: { tags: config.tags },
  });
  const opts: pulumi.ComponentResourceOptions = { providers: { aws: provider } };

  // Interface endpoints for exactly the services some function's code calls (gateway endpoints
  // serve DynamoDB and S3); AWS services acting with a role reach KMS, logs and SQS themselves.
  const network = new Network(
    "network",
    {
      cidrBlock: config.vpcCidr,
      interfaceEndpointServices: interfaceEndpointServicesFor(vpcFunctionAwsCalls()),
    },
    opts,
  );
  const data = new DataStores(
    "data",
    {
      alertEmail: config.alertEmail,
      alertSmsNumber: config.alertSms,
      deletionProtection: config.deletionProtection,
    },
    opts,
  );
  // Before everything it watches: components that own alarms (Archival) notify it too.
  const ops = new MonitoringTopic(
    "ops",
    { kmsKeyArn: data.kmsKeyArn, emails: config.monitoring.opsEmails },
    opts,
  );
  const failures = new FailureQueue("async-failures", { kmsKeyArn: data.kmsKeyArn }, opts);

  const eventBusName = stackScopedName(pulumi.getProject(), pulumi.getStack());
  const invokeOpts = { provider };
  const eventBusArn = pulumi.interpolate`arn:${aws.getPartitionOutput({}, invokeOpts).partition}:events:${
    aws.getRegionOutput({}, invokeOpts).region
  }:${aws.getCallerIdentityOutput({}, invokeOpts).accountId}:event-bus/${eventBusName}`;

  return {
    config,
    opts,
    network,
    data,
    ops,
    failures,
    eventBus: { name: eventBusName, arn: eventBusArn },
    resources: {
      transactionsTable: data.transactionsTable,
      intakeTable: data.intakeTable,
      eventBus: { name: eventBusName, arn: eventBusArn },
      alertsTopic: { arn: data.alertsTopicArn },
      pipelineKey: { arn: data.kmsKeyArn },
      deadLetterQueue: data.deadLetterQueue,
    },
  };
}
