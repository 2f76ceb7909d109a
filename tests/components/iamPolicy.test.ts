/**
 * The pure IAM builder of the Lambda roles, without mocks.
 *
 * What these tests cannot prove: that the statements are enough at run time (IAM is only
 * exercised in AWS), nor that AWS still requires "*" for the allow-listed actions.
 */
import { expect } from "chai";
import {
  actionsAllowedOnAnyResource,
  lambdaBaseStatementSids,
  lambdaBaseStatements,
  policyDocument,
  serviceAssumeRolePolicy,
  validatePolicyStatements,
  type PolicyStatementSpec,
} from "../../components/platform/iamPolicy";
import { promiseOf } from "../support/pulumiMocks";

const tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/transactions";

function check(statements: PolicyStatementSpec[]): () => void {
  return () => validatePolicyStatements(statements, "policyStatements");
}

describe("IAM policy builder", () => {
  describe("validatePolicyStatements", () => {
    it("accepts exact actions on named ARNs, with a sid and a condition", () => {
      expect(
        check([
          {
            sid: "ReadTransactions",
            actions: ["dynamodb:GetItem", "dynamodb:Query"],
            resources: [tableArn, `${tableArn}/index/*`],
            condition: { StringEquals: { "aws:ResourceAccount": "123456789012" } },
          },
        ]),
      ).not.to.throw();
    });

    it("a bare * action is rejected naming the argument", () => {
      expect(check([{ actions: ["*"], resources: [tableArn] }])).to.throw(
        /policyStatements\[0\]\.actions\[0\] "\*" is a wildcard/,
      );
    });

    it("a service-wide svc:* action is rejected", () => {
      expect(
        check([
          { actions: ["dynamodb:GetItem"], resources: [tableArn] },
          { actions: ["s3:GetObject", "sqs:*"], resources: [tableArn] },
        ]),
      ).to.throw(/policyStatements\[1\]\.actions\[1\] "sqs:\*" is a wildcard/);
    });

    it("a partial wildcard action (dynamodb:Get*) is rejected too", () => {
      expect(check([{ actions: ["dynamodb:Get*"], resources: [tableArn] }])).to.throw(/wildcard/);
    });

    it("an action not of the form service:Action is rejected", () => {
      expect(check([{ actions: ["GetItem"], resources: [tableArn] }])).to.throw(
        /not of the form service:Action/,
      );
    });

    it("a * resource is rejected for an action outside the allow-list, naming that action", () => {
      expect(check([{ actions: ["xray:PutTraceSegments", "dynamodb:PutItem"], resources: ["*"] }])).to.throw(
        /policyStatements\[0\]\.resources\[0\] is "\*" but dynamodb:PutItem must be granted on specific ARNs/,
      );
    });

    it("a * resource is accepted for allow-listed actions only", () => {
      expect(
        check([{ actions: ["xray:PutTraceSegments", "ec2:CreateNetworkInterface"], resources: ["*"] }]),
      ).not.to.throw();
    });

    it("a resource that is not an ARN is rejected", () => {
      expect(check([{ actions: ["dynamodb:GetItem"], resources: ["transactions"] }])).to.throw(
        /resources\[0\] "transactions" is not an ARN/,
      );
    });

    it("empty actions or resources are rejected", () => {
      expect(check([{ actions: [], resources: [tableArn] }])).to.throw(
        /actions must name at least one action/,
      );
      expect(check([{ actions: ["dynamodb:GetItem"], resources: [] }])).to.throw(
        /resources must name at least one/,
      );
    });

    it("a sid with other than letters and digits, or used twice, is rejected", () => {
      expect(check([{ sid: "read-table", actions: ["dynamodb:GetItem"], resources: [tableArn] }])).to.throw(
        /sid/,
      );
      expect(
        check([
          { sid: "Read", actions: ["dynamodb:GetItem"], resources: [tableArn] },
          { sid: "Read", actions: ["dynamodb:Query"], resources: [tableArn] },
        ]),
      ).to.throw(/policyStatements\[1\]\.sid "Read" is used twice/);
    });

    it("a sid reserved for the base statements is rejected", () => {
      expect(() =>
        validatePolicyStatements(
          [{ sid: "SendTraces", actions: ["xray:PutTraceSegments"], resources: ["*"] }],
          "policyStatements",
          lambdaBaseStatementSids,
        ),
      ).to.throw(/policyStatements\[0\]\.sid "SendTraces" is reserved/);
    });
  });

  describe("actionsAllowedOnAnyResource", () => {
    it("holds exactly the X-Ray and VPC network-interface actions", () => {
      expect([...actionsAllowedOnAnyResource].sort()).to.deep.equal([
        "ec2:AssignPrivateIpAddresses",
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:UnassignPrivateIpAddresses",
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
      ]);
    });
  });

  describe("lambdaBaseStatements", () => {
    it("grant log writes on the function's own log group streams, X-Ray and VPC networking", async () => {
      const statements = lambdaBaseStatements("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn");
      const document = await promiseOf(policyDocument(statements));
      expect(document).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "WriteOwnLogGroup",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn:*"],
          },
          {
            Sid: "SendTraces",
            Effect: "Allow",
            Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            Resource: ["*"],
          },
          {
            Sid: "ManageVpcNetworkInterfaces",
            Effect: "Allow",
            Action: [
              "ec2:CreateNetworkInterface",
              "ec2:DescribeNetworkInterfaces",
              "ec2:DescribeSubnets",
              "ec2:DeleteNetworkInterface",
              "ec2:AssignPrivateIpAddresses",
              "ec2:UnassignPrivateIpAddresses",
            ],
            Resource: ["*"],
          },
        ],
      });
    });

    it("pass their own validation and use exactly the reserved sids", () => {
      const statements = lambdaBaseStatements("arn:aws:logs:x");
      expect(() => validatePolicyStatements(statements, "base")).not.to.throw();
      expect(statements.map((statement) => statement.sid)).to.deep.equal([...lambdaBaseStatementSids]);
    });
  });

  describe("policyDocument", () => {
    it("renders Allow statements in order, with Sid and Condition only when given", () => {
      expect(
        policyDocument([
          { actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:eu-west-1:1:q"] },
          {
            sid: "UseKey",
            actions: ["kms:GenerateDataKey"],
            resources: ["arn:aws:kms:eu-west-1:1:key/k"],
            condition: { StringEquals: { "kms:ViaService": "sqs.eu-west-1.amazonaws.com" } },
          },
        ]),
      ).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: ["arn:aws:sqs:eu-west-1:1:q"] },
          {
            Sid: "UseKey",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey"],
            Resource: ["arn:aws:kms:eu-west-1:1:key/k"],
            Condition: { StringEquals: { "kms:ViaService": "sqs.eu-west-1.amazonaws.com" } },
          },
        ],
      });
    });
  });

  describe("serviceAssumeRolePolicy", () => {
    it("lets only the named service assume the role", () => {
      expect(serviceAssumeRolePolicy("lambda.amazonaws.com")).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["sts:AssumeRole"] },
        ],
      });
    });
  });
});
