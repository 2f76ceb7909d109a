/**
 * The Pulumi program: reads and validates this stack's configuration, deploys the pipeline and
 * exports what operators and later stacks need.
 */
import * as pulumi from "@pulumi/pulumi";
import { deployPipeline } from "./program";
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
export const intakeTableName = pipeline.intakeTableName;
export const apiUrl = pipeline.apiUrl;
export const webhookUrl = pipeline.webhookUrl;
export const statusApiKeyId = pipeline.statusApiKeyId;
export const eventBusName = pipeline.eventBusName;
export const eventBusArn = pipeline.eventBusArn;
export const eventArchiveName = pipeline.eventArchiveName;
export const routingDeadLetterQueueUrls = pipeline.routingDeadLetterQueueUrls;
export const webhookSecretArn = pipeline.webhookSecretArn;
export const archiveBucketName = pipeline.archiveBucketName;
export const archivedTransactionsTableName = pipeline.archivedTransactionsTableName;
export const uploadUrl = pipeline.uploadUrl;
export const uploadsUrl = pipeline.uploadsUrl;
export const filesUrl = pipeline.filesUrl;
export const uploadApiKeyId = pipeline.uploadApiKeyId;
export const uploadsBucketName = pipeline.uploadsBucketName;
export const fileStatusTableName = pipeline.fileStatusTableName;
export const dashboardName = pipeline.dashboardName;
export const opsTopicArn = pipeline.opsTopicArn;
