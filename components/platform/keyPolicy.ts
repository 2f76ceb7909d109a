/**
 * The key policy of the pipeline's customer-managed KMS key, as a pure builder (unit-tested
 * without mocks). Who may use the key:
 *
 * - The account root, for everything. This is AWS's default statement: it does not let anyone
 *   in; it lets IAM policies in this account grant use of the key. Without it the key could only
 *   be changed by AWS Support. Functions and the state machine reach the table, queue and topic
 *   through their own role policies, never through this document.
 * - CloudWatch Logs (regional service principal), only for log groups of this account and
 *   region, bound by the `aws:logs:arn` encryption context.
 * - CloudWatch alarms, which publish to the encrypted ops topic as a service principal (no role of
 *   ours is involved), only for this account.
 * - EventBridge, which publishes to the encrypted alerts topic and dead-letter queues as a service
 *   principal, with no condition at all: the SNS Developer Guide ("Key management",
 *   compatibility) says aws:SourceAccount, aws:SourceArn and aws:SourceOrgID in a key policy are
 *   not supported for EventBridge-to-encrypted-topic delivery, and with them every high-value
 *   alert is dropped. The topic and queue policies still admit only this account's rules.
 *
 * DynamoDB, SNS and SQS need no statement of their own: they use the key on behalf of the
 * caller (DynamoDB through grants created with the deployer's IAM permissions).
 */

/** Where the key lives. */
export interface KeyPolicyContext {
  readonly accountId: string;
  readonly region: string;
  /** "aws", "aws-cn", "aws-us-gov". */
  readonly partition: string;
}

export interface KeyPolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Principal: { readonly AWS: string } | { readonly Service: string | string[] };
  readonly Action: string | string[];
  readonly Resource: "*";
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface KeyPolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: KeyPolicyStatement[];
}

/** Service principals that publish to the key's encrypted topics and queues themselves. */
export const publishingServicePrincipals = ["cloudwatch.amazonaws.com", "events.amazonaws.com"];

/** What a publishing service principal may do with the key: encrypt a message's data key. */
export const publishingKeyActions = ["kms:Decrypt", "kms:GenerateDataKey"];

/** Builds the key policy. In a key policy `Resource: "*"` means "this key". */
export function pipelineKeyPolicy(context: KeyPolicyContext): KeyPolicyDocument {
  const { accountId, region, partition } = context;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersKeyThroughIam",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: [
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncryptFrom",
          "kms:ReEncryptTo",
          "kms:GenerateDataKey",
          "kms:GenerateDataKeyWithoutPlaintext",
          "kms:DescribeKey",
        ],
        Resource: "*",
        Condition: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*`,
          },
        },
      },
      {
        Sid: "AlarmsPublishToEncryptedTopics",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: [...publishingKeyActions],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
      {
        Sid: "RulesPublishToEncryptedTopicsAndQueues",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: [...publishingKeyActions],
        Resource: "*",
      },
    ],
  };
}
