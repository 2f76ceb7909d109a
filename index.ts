/**
 * The Pulumi program: reads and validates this stack's configuration, deploys the pipeline and
 * exports what operators and later stacks need.
 */
import * as pulumi from "@pulumi/pulumi";
import { deployPipeline } from "./pipeline";
import { loadStackConfig } from "./stackConfig";

const region = new pulumi.Config("aws").require("region");
const pipeline = deployPipeline(region, loadStackConfig());

export const stateMachineArn = pipeline.stateMachineArn;
export const stateMachineRoleArn = pipeline.stateMachineRoleArn;
export const transactionsTableName = pipeline.transactionsTableName;
export const alertsTopicArn = pipeline.alertsTopicArn;
export const deadLetterQueueUrl = pipeline.deadLetterQueueUrl;
export const kmsKeyArn = pipeline.kmsKeyArn;
export const vpcId = pipeline.vpcId;
export const imageDigests = pipeline.imageDigests;
export const functionRoleArns = pipeline.functionRoleArns;
export const functionNames = pipeline.functionNames;
