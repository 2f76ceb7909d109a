/**
 * The alerts topic's resource policy, as a pure builder. Roles of this account publish through
 * their own IAM policies; the topic policy is for the AWS services that publish as service
 * principals: CloudWatch alarms and the EventBridge high-value rule, only for this account.
 * The account keeps full control, as in SNS's default policy.
 */
import { publishingServicePrincipals } from "./keyPolicy";
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
        Sid: "AlarmsAndRulesOfThisAccountPublish",
        Effect: "Allow",
        Principal: { Service: [...publishingServicePrincipals] },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}
