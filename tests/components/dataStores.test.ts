/**
 * DataStores component under Pulumi mocks, plus its pure builders (key policy, table keys).
 *
 * What a mock test cannot prove: that KMS accepts the key policy and that the services can
 * really use the key (CloudWatch Logs, alarms publishing to the encrypted topic), that SNS
 * accepts the topic policy and CloudWatch and EventBridge really publish under it, that the email
 * subscription gets confirmed, that DynamoDB creates the GSI as described, or that TTL removes
 * intake records on time (DynamoDB deletes expired items lazily, typically within days). The
 * emulators used locally (dynalite, fauxqs) have no PITR, TTL or KMS either, so these inputs are
 * the only offline evidence of them.
 */
import { expect } from "chai";
import { alertsTopicPolicy } from "../../components/platform/alertsTopicPolicy";
import { DataStores } from "../../components/platform/dataStores";
import { pipelineKeyPolicy } from "../../components/platform/keyPolicy";
import { tableKeyArgs } from "../../components/platform/tableArgs";
import {
  intakeRecordsTableDefinition,
  transactionsTableDefinition,
} from "../../functions/shared/tableDefinitions";
import { installMocks, promiseOf, type MockRecorder } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const keyType = "aws:kms/key:Key";
const tableType = "aws:dynamodb/table:Table";
const topicType = "aws:sns/topic:Topic";
const topicPolicyType = "aws:sns/topicPolicy:TopicPolicy";
const subscriptionType = "aws:sns/topicSubscription:TopicSubscription";
const queueType = "aws:sqs/queue:Queue";

const keyArn = "arn:aws:kms:eu-west-1:123456789012:core-key";
const topicArn = "arn:aws:sns:eu-west-1:123456789012:core-alerts";

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

  /**
   * `[type, name]` of the component `prefix` and its children, sorted by name: children reach the
   * mocks once their inputs resolve, so registration order means nothing here.
   */
  const resourcesOf = (prefix: string) =>
    recorder.resources
      .filter((resource) => resource.name === prefix || resource.name.startsWith(`${prefix}-`))
      .map((resource) => [resource.type, resource.name])
      .sort(([, a], [, b]) => a.localeCompare(b));

  describe("resources", () => {
    it("are exactly the key, alias, two tables, topic, topic policy, subscription and queue", () => {
      expect(resourcesOf("core")).to.deep.equal([
        ["txn:data:DataStores", "core"],
        [topicType, "core-alerts"],
        [subscriptionType, "core-alerts-email"],
        [topicPolicyType, "core-alerts-policy"],
        [queueType, "core-dead-letters"],
        [tableType, "core-intake-records"],
        [keyType, "core-key"],
        ["aws:kms/alias:Alias", "core-key-alias"],
        [tableType, "core-transactions"],
      ]);
    });

    it("alertSmsNumber adds exactly one resource, the sms subscription", () => {
      const prod = resourcesOf("prod");
      expect(prod).to.have.length(10);
      expect(prod.filter(([type]) => type === subscriptionType).map(([, name]) => name)).to.deep.equal([
        "prod-alerts-email",
        "prod-alerts-sms",
      ]);
    });

    it("reads the account, region and partition once per component (and nothing else)", () => {
      // Only the two components built in before() have invoked anything by now.
      const tokens = recorder.calls.map((call) => call.token).sort();
      expect(tokens).to.deep.equal(
        [
          "aws:index/getCallerIdentity:getCallerIdentity",
          "aws:index/getPartition:getPartition",
          "aws:index/getRegion:getRegion",
        ].flatMap((token) => [token, token]),
      );
    });
  });

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
        { name: "decidedDay", type: "S" },
        { name: "archiveSortKey", type: "S" },
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
        {
          // The archival job's index: one partition per decision day, keys only.
          name: "byDecidedDay",
          keySchemas: [
            { attributeName: "decidedDay", keyType: "HASH" },
            { attributeName: "archiveSortKey", keyType: "RANGE" },
          ],
          projectionType: "KEYS_ONLY",
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

  describe("intake-records table", () => {
    const intake = () => recorder.one(tableType, "core-intake-records").inputs;

    it("is on-demand (billingMode PAY_PER_REQUEST)", () => {
      expect(intake().billingMode).to.equal("PAY_PER_REQUEST");
    });

    it("hashKey and attributes come from intakeRecordsTableDefinition: transactionId, and the awaiting-decision index keys", () => {
      expect(intake().hashKey).to.equal("transactionId");
      expect(intake().hashKey).to.equal(intakeRecordsTableDefinition.partitionKey);
      expect(intake().rangeKey).to.equal(undefined);
      expect(intake().attributes).to.deep.equal([
        { name: "transactionId", type: "S" },
        { name: "awaitingShard", type: "S" },
        { name: "awaitingSince", type: "S" },
      ]);
      expect(intake().attributes).to.deep.equal(tableKeyArgs(intakeRecordsTableDefinition).attributes);
    });

    it("globalSecondaryIndexes: byAwaitingDecision (awaitingShard, receivedAt), keys only, for the reconciler", () => {
      expect(intake().globalSecondaryIndexes).to.deep.equal(
        tableKeyArgs(intakeRecordsTableDefinition).globalSecondaryIndexes,
      );
      expect(intake().globalSecondaryIndexes).to.have.length(1);
      expect(JSON.stringify(intake().globalSecondaryIndexes)).to.include("byAwaitingDecision");
    });

    it("has pointInTimeRecovery on", () => {
      expect(intake().pointInTimeRecovery).to.deep.equal({ enabled: true });
    });

    it("serverSideEncryption uses the customer-managed key", () => {
      expect(intake().serverSideEncryption).to.deep.equal({ enabled: true, kmsKeyArn: keyArn });
    });

    it("ttl expires records on expiresAt", () => {
      expect(intake().ttl).to.deep.equal({ attributeName: "expiresAt", enabled: true });
    });

    it("deletionProtectionEnabled follows deletionProtection (off by default, on when asked)", () => {
      expect(intake().deletionProtectionEnabled).to.equal(false);
      expect(recorder.one(tableType, "prod-intake-records").inputs.deletionProtectionEnabled).to.equal(true);
    });

    it("has no other inputs (no stream, no table class, no fixed name)", () => {
      expect(intake()).to.deep.equal({
        billingMode: "PAY_PER_REQUEST",
        hashKey: "transactionId",
        attributes: tableKeyArgs(intakeRecordsTableDefinition).attributes,
        globalSecondaryIndexes: tableKeyArgs(intakeRecordsTableDefinition).globalSecondaryIndexes,
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: keyArn },
        deletionProtectionEnabled: false,
        ttl: { attributeName: "expiresAt", enabled: true },
      });
    });
  });

  describe("alerts topic", () => {
    it("is encrypted with the customer-managed key", () => {
      expect(recorder.one(topicType, "core-alerts").inputs).to.deep.equal({ kmsMasterKeyId: keyArn });
    });

    it("topic policy (arn, policy) is alertsTopicPolicy for this topic, account and partition", () => {
      const inputs = recorder.one(topicPolicyType, "core-alerts-policy").inputs;
      expect(Object.keys(inputs).sort()).to.deep.equal(["arn", "policy"]);
      expect(inputs.arn).to.equal(topicArn);
      expect(JSON.parse(String(inputs.policy))).to.deep.equal(
        alertsTopicPolicy({ topicArn, accountId: "123456789012", partition: "aws" }),
      );
    });

    it("topic policy lets EventBridge only sns:Publish, only with aws:SourceAccount", () => {
      const policy = JSON.parse(String(recorder.one(topicPolicyType, "core-alerts-policy").inputs.policy));
      expect(policy.Statement).to.deep.equal([
        {
          Sid: "AccountAdministersTopic",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:root" },
          Action: [
            "sns:GetTopicAttributes",
            "sns:SetTopicAttributes",
            "sns:AddPermission",
            "sns:RemovePermission",
            "sns:DeleteTopic",
            "sns:Subscribe",
            "sns:ListSubscriptionsByTopic",
            "sns:Publish",
          ],
          Resource: topicArn,
        },
        {
          Sid: "RulesOfThisAccountPublish",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sns:Publish",
          Resource: topicArn,
          Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ]);
    });

    it("each component gets one topic policy, on its own topic", () => {
      expect(
        recorder
          .ofType(topicPolicyType)
          .map((policy) => String(policy.inputs.arn))
          .sort(),
      ).to.deep.equal([topicArn, "arn:aws:sns:eu-west-1:123456789012:prod-alerts"]);
    });

    it("emails alertEmail and sends no SMS unless alertSmsNumber is given", () => {
      const subscriptions = recorder.ofType(subscriptionType).filter((s) => s.name.startsWith("core-"));
      expect(subscriptions.map((s) => s.inputs)).to.deep.equal([
        {
          topic: topicArn,
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
        filterPolicyScope: "MessageAttributes",
        filterPolicy: JSON.stringify({ status: ["REVIEW"] }),
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
    it("expose the key, tables, topic and queue identifiers", async () => {
      expect(await promiseOf(stores.kmsKeyArn)).to.equal(keyArn);
      expect(await promiseOf(stores.transactionsTable.name)).to.equal("core-transactions");
      expect(await promiseOf(stores.transactionsTable.arn)).to.equal(
        "arn:aws:dynamodb:eu-west-1:123456789012:core-transactions",
      );
      expect(await promiseOf(stores.intakeTable.name)).to.equal("core-intake-records");
      expect(await promiseOf(stores.intakeTable.arn)).to.equal(
        "arn:aws:dynamodb:eu-west-1:123456789012:core-intake-records",
      );
      expect(await promiseOf(stores.alertsTopicArn)).to.equal(topicArn);
      expect(await promiseOf(stores.deadLetterQueue.url)).to.equal(
        "https://sqs.eu-west-1.amazonaws.com/123456789012/core-dead-letters",
      );
      expect(await promiseOf(stores.deadLetterQueue.arn)).to.equal(
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

  it("lets this account's alarms publish to the encrypted ops topic", () => {
    expect(policy.Statement[2]).to.deep.equal({
      Sid: "AlarmsPublishToEncryptedTopics",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
    });
  });

  it("lets EventBridge publish to the encrypted topic and queues without aws:Source* conditions it does not send", () => {
    expect(policy.Statement[3]).to.deep.equal({
      Sid: "RulesPublishToEncryptedTopicsAndQueues",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
    });
  });

  it("has no other statement", () => {
    expect(policy.Statement).to.have.length(4);
  });
});

describe("tableKeyArgs", () => {
  it("a key attribute missing from attributes is rejected", () => {
    expect(() =>
      tableKeyArgs({ partitionKey: "id", attributes: {}, indexes: [], ttlAttribute: "expiresAt" }),
    ).to.throw(/key attribute "id"/);
  });

  it("an attribute no key uses is rejected (DynamoDB refuses it)", () => {
    expect(() =>
      tableKeyArgs({
        partitionKey: "id",
        attributes: { id: "S", extra: "N" },
        indexes: [],
        ttlAttribute: "expiresAt",
      }),
    ).to.throw(/attribute "extra"/);
  });

  it("an index without non-key attributes projects KEYS_ONLY", () => {
    const args = tableKeyArgs({
      partitionKey: "id",
      attributes: { id: "S", a: "S", b: "N" },
      indexes: [{ name: "byA", partitionKey: "a", sortKey: "b", nonKeyAttributes: [] }],
      ttlAttribute: "expiresAt",
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
