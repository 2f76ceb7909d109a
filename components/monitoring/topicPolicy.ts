/**
 * The ops topic's resource policy, a pure builder (unit-tested without mocks). Only CloudWatch
 * alarms of this account and region publish to it as a service principal; people and roles of
 * the account subscribe and administer through IAM, as with SNS's default policy. Unlike the
 * alerts topic, EventBridge gets nothing here: no rule targets the ops topic.
 */
import { accountAdministersTopic, type TopicPolicyDocument } from "../platform/topicPolicyDocument";

export interface OpsTopicPolicyContext {
  readonly topicArn: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
}

export function opsTopicPolicy(context: OpsTopicPolicyContext): TopicPolicyDocument {
  const { topicArn, accountId, region, partition } = context;
  return {
    Version: "2012-10-17",
    Statement: [
      accountAdministersTopic(topicArn, accountId, partition),
      {
        Sid: "AlarmsOfThisAccountPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*` },
        },
      },
    ],
  };
}
