/**
 * The shape of the pipeline's SNS topic policies, and the statement each starts with: the account
 * keeps full control of its topic, as in SNS's default policy (people and roles of the account
 * then act through their IAM policies).
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

export function accountAdministersTopic(
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
