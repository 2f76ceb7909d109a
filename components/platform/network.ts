import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { pipelineGatewayEndpointServices } from "./declaredCalls";

/**
 * Arguments of {@link Network}. Both are plain values, not Inputs: awsx plans the subnet layout
 * from the CIDR when the program runs, and each endpoint service is a resource of its own.
 */
export interface NetworkArgs {
  /** IPv4 CIDR of the VPC, a /16 to /24. Default "10.20.0.0/16". */
  readonly cidrBlock?: string;
  /**
   * Interface endpoint services (suffix of `com.amazonaws.<region>.<svc>`, e.g. "sns", "ecr.api"):
   * those the functions' code calls, each about 22 USD a month in 3 AZs. Default none.
   */
  readonly interfaceEndpointServices?: readonly string[];
}

const ipv4CidrPattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const servicePattern = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

/** The prefix length of a valid /16–/24 IPv4 CIDR; throws naming `cidrBlock` otherwise. */
function vpcPrefixLength(cidrBlock: string): number {
  const match = ipv4CidrPattern.exec(cidrBlock);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match ? Number(match[5]) : NaN;
  if (!match || octets.some((octet) => octet > 255) || prefix < 16 || prefix > 24) {
    throw new Error(`cidrBlock "${cidrBlock}" must be an IPv4 CIDR block from /16 to /24`);
  }
  return prefix;
}

/** A function's place in the VPC, as ContainerFunction's `subnetIds` and `securityGroupIds` take it. */
export interface FunctionPlacement {
  /** The isolated subnets, one per AZ. */
  readonly subnetIds: pulumi.Output<string[]>;
  /** The functions' security group: HTTPS out to the endpoints only. */
  readonly securityGroupIds: pulumi.Output<string>[];
}

/**
 * A VPC with isolated subnets in 3 AZs and no route out: Lambdas reach AWS only through gateway
 * endpoints (DynamoDB, S3) and interface endpoints with private DNS.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  /** Where every function of the pipeline runs. */
  public readonly functionPlacement: FunctionPlacement;

  constructor(name: string, args: NetworkArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("txn:network:Network", name, {}, opts);

    const cidrBlock = args.cidrBlock ?? "10.20.0.0/16";
    const prefix = vpcPrefixLength(cidrBlock);
    const requestedServices = args.interfaceEndpointServices ?? [];
    requestedServices.forEach((service, index) => {
      if (!servicePattern.test(service) || service.startsWith("com.amazonaws.")) {
        throw new Error(
          `interfaceEndpointServices[${index}] "${service}" is not an endpoint service suffix such as "ecr.api"`,
        );
      }
      if ((pipelineGatewayEndpointServices as readonly string[]).includes(service)) {
        throw new Error(`interfaceEndpointServices[${index}] "${service}" is served by a gateway endpoint`);
      }
    });
    const interfaceServices = [...new Set<string>(requestedServices)];

    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock,
        numberOfAvailabilityZones: 3,
        subnetStrategy: "Auto",
        // Auto splits the VPC into 4 equal AZ blocks (3 used); a subnet of prefix+4 takes a
        // quarter of its block and leaves room for more subnet tiers later.
        subnetSpecs: [{ type: "Isolated", cidrMask: prefix + 4 }],
        natGateways: { strategy: "None" },
        // Private DNS names of interface endpoints resolve only with both turned on.
        enableDnsHostnames: true,
        enableDnsSupport: true,
      },
      { parent: this },
    );

    const region = aws.getRegionOutput({}, { parent: this }).region;
    const serviceName = (service: string) => pulumi.interpolate`com.amazonaws.${region}.${service}`;

    // Isolated subnets only, so every route table of the VPC is an isolated one. Under mocks the
    // awsx component has no children and the list may be missing.
    const routeTableIds = vpc.routeTables.apply((tables) =>
      pulumi.all((tables ?? []).map((table) => table.id)),
    );
    const gatewayEndpoints = pipelineGatewayEndpointServices.map(
      (service) =>
        new aws.ec2.VpcEndpoint(
          `${name}-${service}-endpoint`,
          { vpcId: vpc.vpcId, serviceName: serviceName(service), vpcEndpointType: "Gateway", routeTableIds },
          { parent: this },
        ),
    );

    // One egress rule, HTTPS only. Interface endpoints sit in the VPC CIDR (nothing else is
    // routable: no NAT, no internet gateway); gateway endpoints are reached through their
    // prefix lists, so those are named instead of opening 0.0.0.0/0.
    const lambdaSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-lambda-sg`,
      {
        vpcId: vpc.vpcId,
        description: "Pipeline functions: HTTPS to VPC endpoints only",
        ingress: [],
        egress: [
          {
            description: "HTTPS to interface endpoints (VPC CIDR) and gateway endpoints (prefix lists)",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: [cidrBlock],
            prefixListIds: gatewayEndpoints.map((endpoint) => endpoint.prefixListId),
          },
        ],
      },
      { parent: this },
    );

    const endpointSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-endpoint-sg`,
      {
        vpcId: vpc.vpcId,
        description: "Interface endpoints: HTTPS from pipeline functions only",
        ingress: [
          {
            description: "HTTPS from pipeline functions",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            securityGroups: [lambdaSecurityGroup.id],
          },
        ],
        // Endpoint interfaces answer on the stateful connection; they open none of their own.
        egress: [],
      },
      { parent: this },
    );

    for (const service of interfaceServices) {
      new aws.ec2.VpcEndpoint(
        `${name}-${service.replace(/\./g, "-")}-endpoint`,
        {
          vpcId: vpc.vpcId,
          serviceName: serviceName(service),
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: vpc.isolatedSubnetIds,
          securityGroupIds: [endpointSecurityGroup.id],
        },
        { parent: this },
      );
    }

    this.vpcId = vpc.vpcId;
    this.functionPlacement = { subnetIds: vpc.isolatedSubnetIds, securityGroupIds: [lambdaSecurityGroup.id] };
    this.registerOutputs({ vpcId: this.vpcId, functionPlacement: this.functionPlacement });
  }
}
