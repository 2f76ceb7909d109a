/**
 * Encryption and point-in-time recovery rules on tables, topics and queues built under Pulumi
 * mocks, so the rules read the property names the provider SDK really sends.
 *
 * What a mock test cannot prove: that AWS encrypts with the key named, or that the provider's
 * Check adds no default the CLI would then show the rules (e.g. sqsManagedSseEnabled).
 */
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { dynamodbTableEncrypted } from "../../policy/rules/dynamodbEncryption";
import { dynamodbPointInTimeRecovery } from "../../policy/rules/dynamodbPointInTimeRecovery";
import { snsTopicEncrypted } from "../../policy/rules/snsEncryption";
import { sqsQueueEncrypted } from "../../policy/rules/sqsEncryption";
import { messagesOf, runPolicy, subjectsOf, type PolicySubject } from "../support/policyHarness";
import { installMocks } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function table(name: string, extra: Partial<aws.dynamodb.TableArgs>): aws.dynamodb.Table {
  return new aws.dynamodb.Table(name, {
    billingMode: "PAY_PER_REQUEST",
    hashKey: "id",
    attributes: [{ name: "id", type: "S" }],
    ...extra,
  });
}

describe("data store policies", () => {
  let subjects: PolicySubject[];

  before(async () => {
    const recorder = await installMocks("policy-data-stores");
    table("keyed-table", {
      serverSideEncryption: { enabled: true, kmsKeyArn: keyArn },
      pointInTimeRecovery: { enabled: true },
    });
    table("plain-table", {});
    table("aws-managed-key-table", {
      serverSideEncryption: { enabled: true },
      pointInTimeRecovery: { enabled: false },
    });
    new aws.sns.Topic("keyed-topic", { kmsMasterKeyId: keyArn });
    new aws.sns.Topic("plain-topic", {});
    new aws.sqs.Queue("keyed-queue", { kmsMasterKeyId: keyArn });
    new aws.sqs.Queue("sqs-managed-queue", { sqsManagedSseEnabled: true });
    new aws.sqs.Queue("plain-queue", {});
    new aws.sqs.Queue("sse-off-queue", { sqsManagedSseEnabled: false });
    await settledResources(recorder);
    subjects = subjectsOf(recorder.resources);
  });

  it("dynamodb-table-encrypted-with-kms: reports tables without KMS or with the AWS-managed key", async () => {
    const outcome = await runPolicy(dynamodbTableEncrypted, subjects);
    expect(outcome.applied).to.equal(3);
    expect(messagesOf(outcome)).to.have.deep.members([
      [
        "plain-table",
        "DynamoDB table is not encrypted with KMS: set serverSideEncryption { enabled: true, kmsKeyArn }",
      ],
      [
        "aws-managed-key-table",
        "DynamoDB table uses the AWS-managed key: set serverSideEncryption.kmsKeyArn to a customer-managed KMS key",
      ],
    ]);
  });

  it("dynamodb-point-in-time-recovery: reports tables without PITR or with it off", async () => {
    const outcome = await runPolicy(dynamodbPointInTimeRecovery, subjects);
    expect(outcome.applied).to.equal(3);
    const message = "DynamoDB table has no point-in-time recovery: set pointInTimeRecovery { enabled: true }";
    expect(messagesOf(outcome)).to.have.deep.members([
      ["plain-table", message],
      ["aws-managed-key-table", message],
    ]);
  });

  it("sns-topic-encrypted: reports a topic without kmsMasterKeyId", async () => {
    const outcome = await runPolicy(snsTopicEncrypted, subjects);
    expect(outcome.applied).to.equal(2);
    expect(messagesOf(outcome)).to.deep.equal([
      ["plain-topic", "SNS topic is not encrypted: set kmsMasterKeyId"],
    ]);
  });

  it("sqs-queue-encrypted: accepts a KMS key or SQS-managed keys, reports a queue with neither", async () => {
    const outcome = await runPolicy(sqsQueueEncrypted, subjects);
    expect(outcome.applied).to.equal(4);
    const message = "SQS queue is not encrypted: set kmsMasterKeyId or sqsManagedSseEnabled: true";
    expect(messagesOf(outcome)).to.have.deep.members([
      ["plain-queue", message],
      ["sse-off-queue", message],
    ]);
  });
});
