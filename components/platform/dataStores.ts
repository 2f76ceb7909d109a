import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  intakeRecordsTableDefinition,
  transactionsTableDefinition,
} from "../../functions/shared/tableDefinitions";
import { checkInteger, isEmailAddress } from "./argumentChecks";
import { alertsTopicPolicy } from "./alertsTopicPolicy";
import { pipelineKeyPolicy } from "./keyPolicy";
import { encryptedQueue } from "./deadLetterQueues";
import type { NamedResource, QueueResource } from "./resourceRefs";
import { pipelineTable } from "./tableArgs";

/** Arguments of {@link DataStores}. */
export interface DataStoresArgs {
  /** Address the alerts topic emails (the subscription must be confirmed from the inbox). Required. */
  readonly alertEmail: pulumi.Input<string>;
  /** E.164 phone number (e.g. "+447700900123") that also gets alerts by SMS. Default none. */
  readonly alertSmsNumber?: pulumi.Input<string>;
  /** Refuse to delete the transactions and intake-records tables; turn on in production. Default false. */
  readonly deletionProtection?: pulumi.Input<boolean>;
  /** Days KMS waits before deleting the key once deletion is scheduled, 7–30. Default 30. */
  readonly keyDeletionWindowDays?: pulumi.Input<number>;
}

const e164Pattern = /^\+[1-9]\d{6,14}$/;

/**
 * The pipeline's state and messaging, all encrypted with one customer-managed key: the
 * transactions table, the intake-records (dedupe) table, the alerts topic and the dead-letter queue.
 */
/**
 * Which alerts are texted: the state machine's alert carries the decision as its `status` message
 * attribute, and a REVIEW holds a transaction until a person decides.
 */
export const smsAlertFilterPolicy = { status: ["REVIEW"] };

export class DataStores extends pulumi.ComponentResource {
  public readonly kmsKeyArn: pulumi.Output<string>;
  public readonly transactionsTable: NamedResource;
  public readonly intakeTable: NamedResource;
  public readonly alertsTopicArn: pulumi.Output<string>;
  /** The state machine's dead-letter queue. */
  public readonly deadLetterQueue: QueueResource;

  constructor(name: string, args: DataStoresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:data:DataStores", name, {}, opts);

    if (!/^[A-Za-z0-9/_-]+$/.test(name) || name.startsWith("aws")) {
      throw new Error(
        `name "${name}" cannot prefix the key alias alias/${name}- (letters, digits, / _ -; not aws...)`,
      );
    }
    // Inputs that are still Outputs are checked by AWS at deploy time instead.
    if (typeof args.alertEmail === "string" && !isEmailAddress(args.alertEmail)) {
      throw new Error(`alertEmail "${args.alertEmail}" is not an email address`);
    }
    if (typeof args.alertSmsNumber === "string" && !e164Pattern.test(args.alertSmsNumber)) {
      throw new Error(
        `alertSmsNumber "${args.alertSmsNumber}" must be an E.164 number such as +447700900123`,
      );
    }
    const window = args.keyDeletionWindowDays;
    if (typeof window === "number") checkInteger("keyDeletionWindowDays", window, 7, 30);

    const invokeOpts = { parent: this };
    const accountId = aws.getCallerIdentityOutput({}, invokeOpts).accountId;
    const partition = aws.getPartitionOutput({}, invokeOpts).partition;
    const policy = pulumi
      .all([accountId, aws.getRegionOutput({}, invokeOpts).region, partition])
      .apply(([accountId, region, partition]) =>
        JSON.stringify(pipelineKeyPolicy({ accountId, region, partition })),
      );

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `${name}: pipeline tables, alerts topic, dead-letter queues, signing secret and log groups`,
        enableKeyRotation: true,
        deletionWindowInDays: window ?? 30,
        policy,
      },
      { parent: this },
    );
    new aws.kms.Alias(
      `${name}-key-alias`,
      // A prefix, not a fixed name: dev and prod stacks may share one account.
      { namePrefix: `alias/${name}-`, targetKeyId: key.keyId },
      { parent: this },
    );

    const table = pipelineTable(
      `${name}-transactions`,
      transactionsTableDefinition,
      { kmsKeyArn: key.arn, deletionProtection: args.deletionProtection },
      this,
    );

    // Dedupe records of the intakes: kept apart from transactions so archiving never forgets a
    // delivery a provider may still retry. TTL removes them once the dedupe window has passed.
    const intakeTable = pipelineTable(
      `${name}-intake-records`,
      intakeRecordsTableDefinition,
      { kmsKeyArn: key.arn, deletionProtection: args.deletionProtection },
      this,
    );

    const topic = new aws.sns.Topic(`${name}-alerts`, { kmsMasterKeyId: key.arn }, { parent: this });
    new aws.sns.TopicPolicy(
      `${name}-alerts-policy`,
      {
        arn: topic.arn,
        policy: pulumi
          .all([topic.arn, accountId, partition])
          .apply(([topicArn, account, awsPartition]) =>
            JSON.stringify(alertsTopicPolicy({ topicArn, accountId: account, partition: awsPartition })),
          ),
      },
      { parent: this },
    );
    new aws.sns.TopicSubscription(
      `${name}-alerts-email`,
      { topic: topic.arn, protocol: "email", endpoint: args.alertEmail },
      { parent: this },
    );
    if (args.alertSmsNumber !== undefined) {
      // Texts are most of the stack's cost and SNS's default monthly SMS spend limit stops them
      // after about a hundred: only what needs a person now (a held REVIEW decision) is texted.
      // High-value and file alerts carry no status attribute and go by email only.
      new aws.sns.TopicSubscription(
        `${name}-alerts-sms`,
        {
          topic: topic.arn,
          protocol: "sms",
          endpoint: args.alertSmsNumber,
          filterPolicyScope: "MessageAttributes",
          filterPolicy: JSON.stringify(smsAlertFilterPolicy),
        },
        { parent: this },
      );
    }

    // Senders (the state machine's role) are granted by their own IAM policies, so the queue
    // needs no resource policy.
    const deadLetterQueue = encryptedQueue(`${name}-dead-letters`, key.arn, this);

    this.kmsKeyArn = key.arn;
    this.transactionsTable = { name: table.name, arn: table.arn };
    this.intakeTable = { name: intakeTable.name, arn: intakeTable.arn };
    this.alertsTopicArn = topic.arn;
    this.deadLetterQueue = { url: deadLetterQueue.url, arn: deadLetterQueue.arn };
    this.registerOutputs({
      kmsKeyArn: this.kmsKeyArn,
      transactionsTable: this.transactionsTable,
      intakeTable: this.intakeTable,
      alertsTopicArn: this.alertsTopicArn,
      deadLetterQueue: this.deadLetterQueue,
    });
  }
}
