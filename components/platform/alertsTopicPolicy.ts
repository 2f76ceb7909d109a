/**
 * The alerts topic's resource policy, as a pure builder. Roles of this account publish through
 * their own IAM policies; the topic policy is for the one AWS service that publishes as a service
 * principal: EventBridge (the high-value rule), only for this account. Alarms notify the ops
 * topic, not this one.
 * The account keeps full control, as in SNS's default policy.
 */
import { accountAdministersTopic, type TopicPolicyDocument } from "./topicPolicyDocument";

export interface TopicPolicyContext {
  readonly topicArn: string;
  readonly accountId: string;
  readonly partition: string;
}

export function alertsTopicPolicy(context: TopicPolicyContext): TopicPolicyDocument {
  const { topicArn, accountId, partition } = context;
  return {
    Version: "2012-10-17",
    Statement: [
      accountAdministersTopic(topicArn, accountId, partition),
      {
        Sid: "RulesOfThisAccountPublish",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}
