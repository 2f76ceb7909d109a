import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deadLetterQueuePolicy } from "./deadLetterQueuePolicy";

/** How long the dead-letter queue keeps a failed execution's input: 14 days, the SQS maximum. */
export const deadLetterRetentionSeconds = 14 * 24 * 60 * 60;

/**
 * A queue for what could not be delivered, encrypted with the customer-managed key. Its data keys
 * are reused for five minutes: longer reuse would save little and widen what one data key
 * protects. Keeps messages `retentionSeconds`, by default 14 days (the SQS maximum).
 */
export function encryptedQueue(
  name: string,
  kmsKeyArn: pulumi.Input<string>,
  parent: pulumi.Resource,
  retentionSeconds: number = deadLetterRetentionSeconds,
): aws.sqs.Queue {
  return new aws.sqs.Queue(
    name,
    {
      messageRetentionSeconds: retentionSeconds,
      kmsMasterKeyId: kmsKeyArn,
      kmsDataKeyReusePeriodSeconds: 300,
    },
    { parent },
  );
}

/** An EventBridge rule target's dead-letter queue and the policy admitting only that rule. */
export interface RuleDeadLetterQueue {
  readonly queue: aws.sqs.Queue;
  readonly policy: aws.sqs.QueuePolicy;
}

/**
 * The dead-letter queue of one rule's target (`name`) and its policy (`<name>-policy`), which
 * lets EventBridge send to it only for that rule, so a failing target's backlog is told apart
 * from the others' and no other rule can write to it.
 */
export function ruleDeadLetterQueue(
  name: string,
  kmsKeyArn: pulumi.Input<string>,
  ruleArn: pulumi.Input<string>,
  parent: pulumi.Resource,
  retentionSeconds?: number,
): RuleDeadLetterQueue {
  const queue = encryptedQueue(name, kmsKeyArn, parent, retentionSeconds);
  const policy = new aws.sqs.QueuePolicy(
    `${name}-policy`,
    { queueUrl: queue.url, policy: pulumi.jsonStringify(deadLetterQueuePolicy(queue.arn, ruleArn)) },
    { parent },
  );
  return { queue, policy };
}
