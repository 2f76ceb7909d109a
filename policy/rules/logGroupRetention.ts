import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";

/**
 * A log group without retention keeps every event forever: cost grows without bound, and logs of
 * payment traffic outlive any retention period we promise.
 */
export const logGroupRetention: ResourceValidationPolicy = {
  name: "log-group-retention",
  description: "Every CloudWatch log group sets a retention period (retentionInDays > 0).",
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, _args, reportViolation) => {
    const days = group.retentionInDays;
    if (typeof days !== "number" || !(days > 0)) {
      reportViolation(
        `CloudWatch log group keeps events forever (retentionInDays ${days ?? "unset"}): set retentionInDays above 0`,
      );
    }
  }),
};
