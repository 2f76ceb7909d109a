/**
 * The wildcard-action rule: the document reader on its own, then role policies, policies and a
 * role's inline policies built under Pulumi mocks (documents as JSON text and as objects).
 *
 * What a mock test cannot prove: how the AWS provider's Check normalises a document before the
 * CLI shows it to the rule (both forms are read), or that the listed actions are enough at run time.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { broadGrants } from "../../policy/iamPolicyDocument";
import { noWildcardIamActions } from "../../policy/rules/noWildcardIamActions";
import { messagesOf, runPolicy, subjectsOf, type PolicySubject } from "../support/policyHarness";
import { installMocks } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/transactions";
const assumeRolePolicy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

describe("broadGrants (IAM policy documents)", () => {
  it("names each Allow statement with a wildcard action, by Sid or position", () => {
    const document = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "ReadItems", Effect: "Allow", Action: ["dynamodb:GetItem", "s3:*"], Resource: tableArn },
        { Effect: "Allow", Action: "*", Resource: "*" },
        { Effect: "Allow", Action: "s3:Get*", Resource: "*" },
      ],
    };
    const expected = [
      'statement ReadItems allows the wildcard action "s3:*"',
      'statement #2 allows the wildcard action "*"',
    ];
    expect(broadGrants(document)).to.deep.equal(expected);
    expect(broadGrants(JSON.stringify(document))).to.deep.equal(expected);
  });

  it("reads a single statement object and ignores Deny statements", () => {
    expect(broadGrants({ Statement: { Effect: "Allow", Action: "sqs:*", Resource: "*" } })).to.deep.equal([
      'statement #1 allows the wildcard action "sqs:*"',
    ]);
    expect(
      broadGrants({ Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*", Condition: {} }] }),
    ).to.deep.equal([]);
  });

  it("reports NotAction in an Allow statement and documents it cannot read", () => {
    expect(
      broadGrants({ Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] }),
    ).to.deep.equal(["statement #1 allows every action except its NotAction list"]);
    expect(broadGrants("{not json")).to.deep.equal(["policy is not valid JSON"]);
    expect(broadGrants(42)).to.deep.equal(["policy is not a policy document"]);
    expect(broadGrants({ Statement: ["s3:GetObject"] })).to.deep.equal(["statement #1 is not an object"]);
  });
});

describe("no-wildcard-iam-actions", () => {
  let subjects: PolicySubject[];

  before(async () => {
    const recorder = await installMocks("policy-iam");
    const role = new aws.iam.Role("function-role", { assumeRolePolicy });
    new aws.iam.RolePolicy("least-privilege-policy", {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: tableArn }],
      }),
    });
    new aws.iam.RolePolicy("s3-star-policy", {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "Uploads", Effect: "Allow", Action: ["s3:GetObject", "s3:*"], Resource: "*" }],
      }),
    });
    new aws.iam.Policy("admin-policy", {
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
    });
    new aws.iam.Role("inline-role", {
      assumeRolePolicy,
      inlinePolicies: [
        {
          name: "queues",
          policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }] }),
        },
      ],
    });
    new aws.iam.Role("cleared-role", { assumeRolePolicy, inlinePolicies: [{}] });
    await settledResources(recorder);
    subjects = subjectsOf(recorder.resources);
  });

  it("reads role policies, policies and inline policies, and reports each wildcard", async () => {
    const outcome = await runPolicy(noWildcardIamActions, subjects);
    expect(outcome.applied, "three roles, two role policies, one policy").to.equal(6);
    expect(messagesOf(outcome)).to.have.deep.members([
      ["s3-star-policy", 'policy: statement Uploads allows the wildcard action "s3:*"'],
      ["admin-policy", 'policy: statement #1 allows the wildcard action "*"'],
      ["inline-role", 'inline policy "queues": statement #1 allows the wildcard action "sqs:*"'],
    ]);
  });
});
