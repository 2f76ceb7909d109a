/**
 * Every rule of the pack, in one list. index.ts hands it to PolicyPack; tests import it directly.
 * Every rule is mandatory: a violation stops the deployment. That is decided here, once.
 */
import type { Policies } from "@pulumi/policy";
import { dynamodbTableEncrypted } from "./rules/dynamodbEncryption";
import { dynamodbPointInTimeRecovery } from "./rules/dynamodbPointInTimeRecovery";
import { imagePlatformMatchesArchitecture } from "./rules/imagePlatform";
import { lambdaImageByDigest } from "./rules/lambdaImageDigest";
import { logGroupRetention } from "./rules/logGroupRetention";
import { noNatGateway } from "./rules/noNatGateway";
import { noWildcardIamActions } from "./rules/noWildcardIamActions";
import { s3BucketEncrypted } from "./rules/s3BucketEncryption";
import { s3PublicAccessBlocked } from "./rules/s3PublicAccessBlock";
import { snsTopicEncrypted } from "./rules/snsEncryption";
import { sqsQueueEncrypted } from "./rules/sqsEncryption";

const rules: Policies = [
  lambdaImageByDigest,
  imagePlatformMatchesArchitecture,
  dynamodbTableEncrypted,
  dynamodbPointInTimeRecovery,
  snsTopicEncrypted,
  sqsQueueEncrypted,
  s3BucketEncrypted,
  s3PublicAccessBlocked,
  logGroupRetention,
  noNatGateway,
  noWildcardIamActions,
];

export const policies: Policies = rules.map((rule) => ({ ...rule, enforcementLevel: "mandatory" }));
