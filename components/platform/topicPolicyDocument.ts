/**
 * The shape of the pipeline's SNS topic policies, built one way: the account keeps full control of
 * its topic, as in SNS's default policy (people and roles of the account then act through their
 * IAM policies), and the one AWS service that publishes as a service principal may publish, under
 * a condition that keeps other accounts' resources out.
 */

export interface TopicPolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Principal: { readonly AWS: string } | { readonly Service: string | string[] };
  readonly Action: string | string[];
  readonly Resource: string;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface TopicPolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: TopicPolicyStatement[];
}

function accountAdministersTopic(
  topicArn: string,
  accountId: string,
  partition: string,
): TopicPolicyStatement {
  return {
    Sid: "AccountAdministersTopic",
    Effect: "Allow",
    Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
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
  };
}

/** Where a topic is: its ARN and the account and partition it is in. */
export interface TopicPolicyContext {
  readonly topicArn: string;
  readonly accountId: string;
  readonly partition: string;
}

/** The AWS service that publishes to a topic, and the condition it publishes under. */
export interface TopicPublisher {
  readonly sid: string;
  /** Service principal, e.g. "events.amazonaws.com". */
  readonly service: string;
  readonly condition: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** A topic policy: the account administers the topic and `publisher` may publish to it. */
export function topicPolicyWithPublisher(
  context: TopicPolicyContext,
  publisher: TopicPublisher,
): TopicPolicyDocument {
  const { topicArn, accountId, partition } = context;
  return {
    Version: "2012-10-17",
    Statement: [
      accountAdministersTopic(topicArn, accountId, partition),
      {
        Sid: publisher.sid,
        Effect: "Allow",
        Principal: { Service: publisher.service },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: publisher.condition,
      },
    ],
  };
}
