/**
 * The log retention rule on log groups built under Pulumi mocks.
 *
 * What a mock test cannot prove: that CloudWatch accepts the value (it takes only a fixed list
 * of day counts; components/platform/logRetention.ts checks that before a plan).
 */
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { logGroupRetention } from "../../policy/rules/logGroupRetention";
import { messagesOf, runPolicy, subjectsOf } from "../support/policyHarness";
import { installMocks } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

describe("log-group-retention", () => {
  it("accepts a retention period and reports a group without one or with 0 (never expire)", async () => {
    const recorder = await installMocks("policy-log-groups");
    new aws.cloudwatch.LogGroup("retained-logs", { retentionInDays: 30 });
    new aws.cloudwatch.LogGroup("unset-logs", {});
    new aws.cloudwatch.LogGroup("forever-logs", { retentionInDays: 0 });
    await settledResources(recorder);

    const outcome = await runPolicy(logGroupRetention, subjectsOf(recorder.resources));
    expect(outcome.applied).to.equal(3);
    expect(messagesOf(outcome)).to.have.deep.members([
      [
        "unset-logs",
        "CloudWatch log group keeps events forever (retentionInDays unset): set retentionInDays above 0",
      ],
      [
        "forever-logs",
        "CloudWatch log group keeps events forever (retentionInDays 0): set retentionInDays above 0",
      ],
    ]);
  });
});
