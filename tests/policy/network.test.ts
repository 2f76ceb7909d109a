/**
 * The NAT rule on a NAT gateway and awsx VPCs built under Pulumi mocks. awsx.ec2.Vpc is a remote
 * component: the mocks see only its inputs, which is also what the engine shows policies for it;
 * the NAT gateways it would create inside its provider reach the rule as NatGateway resources.
 *
 * What a mock test cannot prove: that awsx creates no NAT gateway for strategy "None" (its
 * documentation says so).
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { expect } from "chai";
import { noNatGateway } from "../../policy/rules/noNatGateway";
import { messagesOf, runPolicy, subjectsOf } from "../support/policyHarness";
import { installMocks } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

describe("no-nat-gateway", () => {
  it("accepts an isolated VPC with strategy None and reports NAT gateways of any kind", async () => {
    const recorder = await installMocks("policy-network");
    new awsx.ec2.Vpc("isolated-vpc", {
      natGateways: { strategy: "None" },
      subnetSpecs: [{ type: "Isolated", cidrMask: 24 }],
    });
    new awsx.ec2.Vpc("single-nat-vpc", { natGateways: { strategy: "Single" } });
    new awsx.ec2.Vpc("default-vpc", {});
    new aws.ec2.NatGateway("nat", { subnetId: "subnet-public-a" });
    new aws.ec2.Subnet("subnet", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24" });
    await settledResources(recorder);

    const outcome = await runPolicy(noNatGateway, subjectsOf(recorder.resources));
    expect(outcome.applied, "three VPCs and the gateway, not the subnet").to.equal(4);
    expect(messagesOf(outcome)).to.have.deep.members([
      ["single-nat-vpc", 'awsx VPC must set natGateways { strategy: "None" }, not "Single"'],
      [
        "default-vpc",
        'awsx VPC must set natGateways { strategy: "None" }: by default it creates one NAT gateway per availability zone when it has public and private subnets',
      ],
      ["nat", "NAT gateways are not allowed: reach AWS services through VPC endpoints"],
    ]);
  });
});
