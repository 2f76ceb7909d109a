/**
 * The ops topic's resource policy, a pure builder (unit-tested without mocks). Only CloudWatch
 * alarms of this account and region publish to it as a service principal; people and roles of
 * the account subscribe and administer through IAM, as with SNS's default policy. Unlike the
 * alerts topic, EventBridge gets nothing here: no rule targets the ops topic.
 */
import {
  topicPolicyWithPublisher,
  type TopicPolicyContext,
  type TopicPolicyDocument,
} from "../platform/topicPolicyDocument";

export interface OpsTopicPolicyContext extends TopicPolicyContext {
  readonly region: string;
}

export function opsTopicPolicy(context: OpsTopicPolicyContext): TopicPolicyDocument {
  const { accountId, region, partition } = context;
  return topicPolicyWithPublisher(context, {
    sid: "AlarmsOfThisAccountPublish",
    service: "cloudwatch.amazonaws.com",
    condition: {
      StringEquals: { "aws:SourceAccount": accountId },
      ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*` },
    },
  });
}
