/**
 * The alerts topic's resource policy, as a pure builder. Roles of this account publish through
 * their own IAM policies; the topic policy is for the one AWS service that publishes as a service
 * principal: EventBridge (the high-value rule), only for this account. Alarms notify the ops
 * topic, not this one.
 * The account keeps full control, as in SNS's default policy.
 */
import {
  topicPolicyWithPublisher,
  type TopicPolicyContext,
  type TopicPolicyDocument,
} from "./topicPolicyDocument";

export function alertsTopicPolicy(context: TopicPolicyContext): TopicPolicyDocument {
  return topicPolicyWithPublisher(context, {
    sid: "RulesOfThisAccountPublish",
    service: "events.amazonaws.com",
    condition: { StringEquals: { "aws:SourceAccount": context.accountId } },
  });
}
