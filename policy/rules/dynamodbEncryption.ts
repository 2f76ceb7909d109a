import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";

/**
 * DynamoDB always encrypts at rest, but only a customer-managed key lets us restrict who may
 * decrypt through its key policy, audit every use in CloudTrail and revoke access: without
 * `kmsKeyArn` the table uses a key that AWS owns or manages.
 */
export const dynamodbTableEncrypted: ResourceValidationPolicy = {
  name: "dynamodb-table-encrypted-with-kms",
  description: "Every DynamoDB table has server-side encryption enabled with a customer-managed KMS key.",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (table, _args, reportViolation) => {
    const encryption = table.serverSideEncryption;
    if (encryption?.enabled !== true) {
      reportViolation(
        "DynamoDB table is not encrypted with KMS: set serverSideEncryption { enabled: true, kmsKeyArn }",
      );
    } else if (typeof encryption.kmsKeyArn !== "string" || encryption.kmsKeyArn === "") {
      reportViolation(
        "DynamoDB table uses the AWS-managed key: set serverSideEncryption.kmsKeyArn to a customer-managed KMS key",
      );
    }
  }),
};
