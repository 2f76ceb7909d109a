import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";

/** Without PITR a bad write or a bug that deletes items cannot be undone. */
export const dynamodbPointInTimeRecovery: ResourceValidationPolicy = {
  name: "dynamodb-point-in-time-recovery",
  description: "Every DynamoDB table has point-in-time recovery enabled.",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (table, _args, reportViolation) => {
    if (table.pointInTimeRecovery?.enabled !== true) {
      reportViolation(
        "DynamoDB table has no point-in-time recovery: set pointInTimeRecovery { enabled: true }",
      );
    }
  }),
};
