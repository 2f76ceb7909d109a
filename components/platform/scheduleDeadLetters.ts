import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deadLetterRetentionSeconds } from "./dataStores";
import { deadLetterQueuePolicy } from "./deadLetterQueuePolicy";

/** A schedule's dead-letter queue and the policy that lets its rule send to it. */
export interface ScheduleDeadLetters {
  readonly queue: aws.sqs.Queue;
  readonly policy: aws.sqs.QueuePolicy;
}

/**
 * Where EventBridge puts a scheduled event it could not deliver after its retries
 * (`<name>-schedule-dlq`), encrypted with the key, admitting only that rule. Children of `parent`.
 */
export function scheduleDeadLetters(
  name: string,
  kmsKeyArn: pulumi.Input<string>,
  ruleArn: pulumi.Input<string>,
  parent: pulumi.Resource,
): ScheduleDeadLetters {
  const queue = new aws.sqs.Queue(
    `${name}-schedule-dlq`,
    {
      messageRetentionSeconds: deadLetterRetentionSeconds,
      kmsMasterKeyId: kmsKeyArn,
      kmsDataKeyReusePeriodSeconds: 300,
    },
    { parent },
  );
  const policy = new aws.sqs.QueuePolicy(
    `${name}-schedule-dlq-policy`,
    { queueUrl: queue.url, policy: pulumi.jsonStringify(deadLetterQueuePolicy(queue.arn, ruleArn)) },
    { parent },
  );
  return { queue, policy };
}
