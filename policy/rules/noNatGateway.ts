import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import type { ResourceValidationPolicy } from "@pulumi/policy";

/**
 * The functions run in isolated subnets and reach AWS through VPC endpoints. A NAT gateway would
 * open a path to the internet for every function (and costs per hour and per GB).
 */
export const noNatGateway: ResourceValidationPolicy = {
  name: "no-nat-gateway",
  description:
    "No NAT gateways: neither aws.ec2.NatGateway nor an awsx VPC whose natGateways strategy is not None.",
  validateResource: (args, reportViolation) => {
    if (args.isType(aws.ec2.NatGateway)) {
      reportViolation("NAT gateways are not allowed: reach AWS services through VPC endpoints");
      return;
    }
    // The awsx component creates its NAT gateways inside its provider; its inputs say whether it will.
    const vpc = args.asType(awsx.ec2.Vpc);
    if (vpc === undefined) return args.notApplicable("neither a NAT gateway nor an awsx VPC");
    const strategy = vpc.natGateways?.strategy;
    if (strategy === undefined) {
      reportViolation(
        'awsx VPC must set natGateways { strategy: "None" }: by default it creates one NAT gateway per availability zone when it has public and private subnets',
      );
    } else if (strategy !== "None") {
      reportViolation(`awsx VPC must set natGateways { strategy: "None" }, not "${strategy}"`);
    }
  },
};
