/**
 * DataStores component under Pulumi mocks, plus its pure builders (key policy, table keys).
 *
 * What a mock test cannot prove: that KMS accepts the key policy and that the services can
 * really use the key (CloudWatch Logs, alarms publishing to the encrypted topic), that the email
 * subscription gets confirmed, or that DynamoDB creates the GSI as described. The emulators
 * used locally (dynalite, fauxqs) have no PITR, TTL or KMS either, so these inputs are the only
 * offline evidence of them.
 */
import { expect } from "chai";
import { DataStores } from "../../components/dataStores";
import { pipelineKeyPolicy } from "../../components/keyPolicy";
import { tableKeyArgs } from "../../components/tableArgs";
import { transactionsTableDefinition } from "../../functions/shared/tableDefinitions";
import { installMocks, promiseOf, type MockRecorder } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const keyType = "aws:kms/key:Key";
const tableType = "aws:dynamodb/table:Table";
const topicType = "aws:sns/topic:Topic";
const subscriptionType = "aws:sns/topicSubscription:TopicSubscription";
const queueType = "aws:sqs/queue:Queue";

const keyArn = "arn:aws:kms:eu-west-1:123456789012:core-key";

describe("DataStores component", () => {
  let recorder: MockRecorder;
  let stores: DataStores;

  before(async () => {
    recorder = await installMocks("data-stores-test");
    stores = new DataStores("core", { alertEmail: "ops@example.com" });
    new DataStores("prod", {
      alertEmail: "ops@example.com",
      alertSmsNumber: "+447700900123",
      deletionProtection: true,
      keyDeletionWindowDays: 7,
    });
    await settledResources(recorder);
  });

  after(() => settledResources(recorder));

  describe("KMS key", () => {
    it("rotates yearly (enableKeyRotation) and waits 30 days before deletion by default", () => {
      const inputs = recorder.one(keyType, "core-key").inputs;
      expect(inputs.enableKeyRotation).to.equal(true);
      expect(inputs.deletionWindowInDays).to.equal(30);
      expect(recorder.one(keyType, "prod-key").inputs.deletionWindowInDays).to.equal(7);
    });

    it("policy is the pipeline key policy for this account, region and partition", () => {
      const policy = JSON.parse(String(recorder.one(keyType, "core-key").inputs.policy));
      expect(policy).to.deep.equal(
        pipelineKeyPolicy({ accountId: "123456789012", region: "eu-west-1", partition: "aws" }),
      );
    });

    it("alias is prefixed alias/<name>- (stacks may share an account) and targets the key", () => {
      const alias = recorder.one("aws:kms/alias:Alias", "core-key-alias").inputs;
      expect(alias).to.deep.equal({ namePrefix: "alias/core-", targetKeyId: "key-core-key" });
    });
  });

  describe("transactions table", () => {
    it("is on-demand (PAY_PER_REQUEST) keyed by transactionId", () => {
      const inputs = recorder.one(tableType, "core-transactions").inputs;
      expect(inputs.billingMode).to.equal("PAY_PER_REQUEST");
      expect(inputs.hashKey).to.equal("transactionId");
      expect(inputs.rangeKey).to.equal(undefined);
    });

    it("attributes and GSIs equal the shared table definition", () => {
      const inputs = recorder.one(tableType, "core-transactions").inputs;
      expect(inputs.attributes).to.deep.equal([
        { name: "transactionId", type: "S" },
        { name: "customerId", type: "S" },
        { name: "occurredAt", type: "S" },
      ]);
      expect(inputs.globalSecondaryIndexes).to.deep.equal([
        {
          name: "byCustomerOccurredAt",
          keySchemas: [
            { attributeName: "customerId", keyType: "HASH" },
            { attributeName: "occurredAt", keyType: "RANGE" },
          ],
          projectionType: "INCLUDE",
          nonKeyAttributes: ["amountMinor", "currency", "amountUsdMinor", "status"],
        },
      ]);
      expect(inputs.globalSecondaryIndexes).to.deep.equal(
        tableKeyArgs(transactionsTableDefinition).globalSecondaryIndexes,
      );
    });

    it("has point-in-time recovery on", () => {
      expect(recorder.one(tableType, "core-transactions").inputs.pointInTimeRecovery).to.deep.equal({
        enabled: true,
      });
    });

    it("is encrypted (SSE) with the customer-managed key", () => {
      expect(recorder.one(tableType, "core-transactions").inputs.serverSideEncryption).to.deep.equal({
        enabled: true,
        kmsKeyArn: keyArn,
      });
    });

    it("expires items by TTL on expiresAt", () => {
      expect(recorder.one(tableType, "core-transactions").inputs.ttl).to.deep.equal({
        attributeName: "expiresAt",
        enabled: true,
      });
    });

    it("deletionProtection is off by default and on when asked", () => {
      expect(recorder.one(tableType, "core-transactions").inputs.deletionProtectionEnabled).to.equal(false);
      expect(recorder.one(tableType, "prod-transactions").inputs.deletionProtectionEnabled).to.equal(true);
    });
  });

  describe("alerts topic", () => {
    it("is encrypted with the customer-managed key", () => {
      expect(recorder.one(topicType, "core-alerts").inputs).to.deep.equal({ kmsMasterKeyId: keyArn });
    });

    it("emails alertEmail and sends no SMS unless alertSmsNumber is given", () => {
      const subscriptions = recorder.ofType(subscriptionType).filter((s) => s.name.startsWith("core-"));
      expect(subscriptions.map((s) => s.inputs)).to.deep.equal([
        {
          topic: "arn:aws:sns:eu-west-1:123456789012:core-alerts",
          protocol: "email",
          endpoint: "ops@example.com",
        },
      ]);
    });

    it("alertSmsNumber adds an sms subscription", () => {
      expect(recorder.one(subscriptionType, "prod-alerts-sms").inputs).to.deep.equal({
        topic: "arn:aws:sns:eu-west-1:123456789012:prod-alerts",
        protocol: "sms",
        endpoint: "+447700900123",
      });
    });
  });

  describe("dead-letter queue", () => {
    it("keeps messages 14 days, encrypted with the customer-managed key", () => {
      expect(recorder.one(queueType, "core-dead-letters").inputs).to.deep.equal({
        messageRetentionSeconds: 1209600,
        kmsMasterKeyId: keyArn,
        kmsDataKeyReusePeriodSeconds: 300,
      });
    });
  });

  describe("outputs", () => {
    it("expose the key, table, topic and queue identifiers", async () => {
      expect(await promiseOf(stores.kmsKeyArn)).to.equal(keyArn);
      expect(await promiseOf(stores.kmsKeyId)).to.equal("key-core-key");
      expect(await promiseOf(stores.transactionsTableName)).to.equal("core-transactions");
      expect(await promiseOf(stores.transactionsTableArn)).to.equal(
        "arn:aws:dynamodb:eu-west-1:123456789012:core-transactions",
      );
      expect(await promiseOf(stores.alertsTopicArn)).to.equal(
        "arn:aws:sns:eu-west-1:123456789012:core-alerts",
      );
      expect(await promiseOf(stores.deadLetterQueueUrl)).to.equal(
        "https://sqs.eu-west-1.amazonaws.com/123456789012/core-dead-letters",
      );
      expect(await promiseOf(stores.deadLetterQueueArn)).to.equal(
        "arn:aws:sqs:eu-west-1:123456789012:core-dead-letters",
      );
    });
  });

  describe("argument checks", () => {
    it("alertEmail that is no email address is rejected", () => {
      expect(() => new DataStores("bad-email", { alertEmail: "ops" })).to.throw(/alertEmail "ops"/);
    });

    it("alertSmsNumber not in E.164 is rejected", () => {
      expect(
        () => new DataStores("bad-sms", { alertEmail: "a@b.co", alertSmsNumber: "07700 900123" }),
      ).to.throw(/alertSmsNumber/);
    });

    it("keyDeletionWindowDays outside 7–30 is rejected", () => {
      expect(() => new DataStores("bad-window", { alertEmail: "a@b.co", keyDeletionWindowDays: 3 })).to.throw(
        /keyDeletionWindowDays/,
      );
    });

    it("a name that cannot form a key alias is rejected", () => {
      expect(() => new DataStores("aws-data", { alertEmail: "a@b.co" })).to.throw(/name "aws-data"/);
    });
  });
});

describe("pipelineKeyPolicy", () => {
  const policy = pipelineKeyPolicy({ accountId: "111122223333", region: "us-east-1", partition: "aws" });

  it("lets the account root administer the key through IAM", () => {
    expect(policy.Statement[0]).to.deep.equal({
      Sid: "AccountAdministersKeyThroughIam",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111122223333:root" },
      Action: "kms:*",
      Resource: "*",
    });
  });

  it("lets CloudWatch Logs of this region use the key only for this account's log groups", () => {
    expect(policy.Statement[1]).to.deep.equal({
      Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
      Effect: "Allow",
      Principal: { Service: "logs.us-east-1.amazonaws.com" },
      Action: [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:DescribeKey",
      ],
      Resource: "*",
      Condition: {
        ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:111122223333:log-group:*" },
      },
    });
  });

  it("lets alarms and EventBridge of this account publish to the encrypted topic and queue", () => {
    expect(policy.Statement[2]).to.deep.equal({
      Sid: "AlarmsAndRulesPublishToEncryptedTopicAndQueue",
      Effect: "Allow",
      Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
    });
  });

  it("has no other statement", () => {
    expect(policy.Statement).to.have.length(3);
  });
});

describe("tableKeyArgs", () => {
  it("a key attribute missing from attributes is rejected", () => {
    expect(() => tableKeyArgs({ partitionKey: "id", attributes: {}, indexes: [] })).to.throw(
      /key attribute "id"/,
    );
  });

  it("an attribute no key uses is rejected (DynamoDB refuses it)", () => {
    expect(() =>
      tableKeyArgs({ partitionKey: "id", attributes: { id: "S", extra: "N" }, indexes: [] }),
    ).to.throw(/attribute "extra"/);
  });

  it("an index without non-key attributes projects KEYS_ONLY", () => {
    const args = tableKeyArgs({
      partitionKey: "id",
      attributes: { id: "S", a: "S", b: "N" },
      indexes: [{ name: "byA", partitionKey: "a", sortKey: "b", nonKeyAttributes: [] }],
    });
    expect(args.globalSecondaryIndexes[0]).to.deep.equal({
      name: "byA",
      keySchemas: [
        { attributeName: "a", keyType: "HASH" },
        { attributeName: "b", keyType: "RANGE" },
      ],
      projectionType: "KEYS_ONLY",
    });
  });
});
