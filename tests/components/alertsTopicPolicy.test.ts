/**
 * The alerts topic's resource policy, as a pure builder (no mocks needed).
 *
 * What this cannot prove: that SNS accepts the document, that CloudWatch alarms and EventBridge
 * really send aws:SourceAccount when they publish (they do per AWS documentation; a wrong key
 * would silently block every alert), or that they can also use the KMS key the topic is
 * encrypted with (the key policy, tested with DataStores, covers that).
 */
import { expect } from "chai";
import { alertsTopicPolicy } from "../../components/platform/alertsTopicPolicy";
import { publishingServicePrincipals } from "../../components/platform/keyPolicy";

const topicArn = "arn:aws:sns:us-east-1:111122223333:core-alerts";
const asList = (value: string | readonly string[]): string[] =>
  typeof value === "string" ? [value] : [...value];

describe("alertsTopicPolicy", () => {
  const policy = alertsTopicPolicy({ topicArn, accountId: "111122223333", partition: "aws" });

  it("is a 2012-10-17 document of exactly two statements", () => {
    expect(policy.Version).to.equal("2012-10-17");
    expect(policy.Statement.map((statement) => statement.Sid)).to.deep.equal([
      "AccountAdministersTopic",
      "RulesOfThisAccountPublish",
    ]);
  });

  it("lets the account root (Principal.AWS) administer and publish to this topic only", () => {
    expect(policy.Statement[0]).to.deep.equal({
      Sid: "AccountAdministersTopic",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111122223333:root" },
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
    });
  });

  it("lets EventBridge (Principal.Service) only sns:Publish, only for this account; alarms use the ops topic", () => {
    expect(policy.Statement[1]).to.deep.equal({
      Sid: "RulesOfThisAccountPublish",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
    });
  });

  it("its service principal is one of the key policy's publishers, so the key admits what the topic does", () => {
    expect(publishingServicePrincipals).to.include("events.amazonaws.com");
  });

  it("every statement naming a Service principal allows only sns:Publish under aws:SourceAccount", () => {
    const serviceStatements = policy.Statement.filter((statement) => "Service" in statement.Principal);
    expect(serviceStatements).to.have.length(1);
    for (const statement of serviceStatements) {
      expect(asList(statement.Action)).to.deep.equal(["sns:Publish"]);
      expect(statement.Condition).to.deep.equal({ StringEquals: { "aws:SourceAccount": "111122223333" } });
    }
  });

  it("has no wildcard Action and no Resource but the topic", () => {
    for (const statement of policy.Statement) {
      for (const action of asList(statement.Action)) expect(action).to.not.include("*");
      expect(statement.Resource).to.equal(topicArn);
      expect(statement.Effect).to.equal("Allow");
    }
  });

  it("builds the root principal in the given partition (aws-cn)", () => {
    const china = alertsTopicPolicy({
      topicArn: "arn:aws-cn:sns:cn-north-1:111122223333:core-alerts",
      accountId: "111122223333",
      partition: "aws-cn",
    });
    expect(china.Statement[0].Principal).to.deep.equal({ AWS: "arn:aws-cn:iam::111122223333:root" });
    expect(china.Statement[1].Condition).to.deep.equal({
      StringEquals: { "aws:SourceAccount": "111122223333" },
    });
  });
});
