/**
 * The resource policy of a dead-letter queue EventBridge writes to, as a pure builder (unit-tested
 * without mocks): every rule target and schedule of the pipeline has its own such queue.
 */
import type * as pulumi from "@pulumi/pulumi";

/** The JSON shape of a dead-letter queue's resource policy. */
export interface DeadLetterQueuePolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Principal: { readonly Service: "events.amazonaws.com" };
    readonly Action: "sqs:SendMessage";
    readonly Resource: pulumi.Input<string>;
    readonly Condition: { readonly ArnEquals: { readonly "aws:SourceArn": pulumi.Input<string> } };
  }[];
}

/**
 * Lets EventBridge put undeliverable events into one target's dead-letter queue, only when the
 * event comes from that target's rule (`aws:SourceArn`), so no other rule can write to it.
 */
export function deadLetterQueuePolicy(
  queueArn: pulumi.Input<string>,
  ruleArn: pulumi.Input<string>,
): DeadLetterQueuePolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RuleSendsUndeliverableEvents",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
      },
    ],
  };
}
