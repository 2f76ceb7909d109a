import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";

/** Alerts carry transaction ids, amounts and customer ids; SNS stores them unencrypted by default. */
export const snsTopicEncrypted: ResourceValidationPolicy = {
  name: "sns-topic-encrypted",
  description: "Every SNS topic is encrypted with a KMS key (kmsMasterKeyId).",
  validateResource: validateResourceOfType(aws.sns.Topic, (topic, _args, reportViolation) => {
    if (typeof topic.kmsMasterKeyId !== "string" || topic.kmsMasterKeyId === "") {
      reportViolation("SNS topic is not encrypted: set kmsMasterKeyId");
    }
  }),
};
