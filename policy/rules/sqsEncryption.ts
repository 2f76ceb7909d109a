import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";

/**
 * Dead-letter queues hold whole transactions. SQS encrypts new queues by default today, but only
 * an explicit setting keeps a queue encrypted whatever the account default becomes.
 */
export const sqsQueueEncrypted: ResourceValidationPolicy = {
  name: "sqs-queue-encrypted",
  description:
    "Every SQS queue is encrypted with a KMS key (kmsMasterKeyId) or SQS-managed keys (sqsManagedSseEnabled).",
  validateResource: validateResourceOfType(aws.sqs.Queue, (queue, _args, reportViolation) => {
    const kmsKey = typeof queue.kmsMasterKeyId === "string" && queue.kmsMasterKeyId !== "";
    if (!kmsKey && queue.sqsManagedSseEnabled !== true) {
      reportViolation("SQS queue is not encrypted: set kmsMasterKeyId or sqsManagedSseEnabled: true");
    }
  }),
};
