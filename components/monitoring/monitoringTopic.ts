import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkRequired, isEmailAddress } from "../platform/argumentChecks";
import { opsTopicPolicy } from "./topicPolicy";

/** Arguments of {@link MonitoringTopic}. */
export interface MonitoringTopicArgs {
  /** ARN of the customer-managed KMS key encrypting the topic; its policy must let CloudWatch use it. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Addresses subscribed by email (each confirms from its inbox); never renamed, only added or removed. Default none. */
  readonly emails?: readonly string[];
}

/** The stable part of a subscription's logical name: the address, lowercased, in dashes. */
export function emailSubscriptionKey(email: string): string {
  return email
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/**
 * The operations topic: every operational alarm of the pipeline notifies it, on alarm and on
 * recovery. It is apart from the business alerts topic (reviews, rejections, high values), so
 * on-call engineers and the payments team each get only their own messages. Encrypted with the
 * pipeline key; its policy admits CloudWatch alarms of this account only.
 *
 * It is its own component, created before everything it watches, because components such as
 * Archival own alarms of their own and need its ARN when they are built.
 */
export class MonitoringTopic extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: MonitoringTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:monitoring:MonitoringTopic", name, {}, opts);

    checkRequired(args, ["kmsKeyArn"]);
    // One subscription per address, named after it, so removing one address leaves the others be.
    const subscriptions = new Map<string, string>();
    for (const email of args.emails ?? []) {
      if (!isEmailAddress(email)) throw new Error(`emails: "${email}" is not an email address`);
      const key = emailSubscriptionKey(email);
      const earlier = subscriptions.get(key);
      if (earlier !== undefined) throw new Error(`emails: "${email}" repeats "${earlier}"`);
      subscriptions.set(key, email);
    }

    const invokeOpts = { parent: this };
    const topic = new aws.sns.Topic(`${name}-topic`, { kmsMasterKeyId: args.kmsKeyArn }, { parent: this });
    new aws.sns.TopicPolicy(
      `${name}-topic-policy`,
      {
        arn: topic.arn,
        policy: pulumi
          .all([
            topic.arn,
            aws.getCallerIdentityOutput({}, invokeOpts).accountId,
            aws.getRegionOutput({}, invokeOpts).region,
            aws.getPartitionOutput({}, invokeOpts).partition,
          ])
          .apply(([topicArn, accountId, region, partition]) =>
            JSON.stringify(opsTopicPolicy({ topicArn, accountId, region, partition })),
          ),
      },
      { parent: this },
    );
    for (const [key, email] of subscriptions) {
      new aws.sns.TopicSubscription(
        `${name}-email-${key}`,
        { topic: topic.arn, protocol: "email", endpoint: email },
        { parent: this },
      );
    }

    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
