/**
 * Network component under Pulumi mocks.
 *
 * What a mock test cannot prove: that awsx really lays out isolated subnets and route tables
 * (under mocks awsx:ec2:Vpc is one opaque remote component, so "isolated only, no NAT" is
 * asserted on its inputs), that each endpoint service exists in the region, that private DNS
 * resolves, or that the security groups let the SDK calls through. It proves what we ask AWS for.
 *
 * The component module creates nothing when imported, so a static import is safe; the mocks are
 * installed in before(), ahead of any construction.
 */
import { expect } from "chai";
import { Network } from "../../components/platform/network";
import { installMocks, promiseOf, type MockRecorder, type RecordedResource } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const vpcType = "awsx:ec2:Vpc";
const securityGroupType = "aws:ec2/securityGroup:SecurityGroup";
const endpointType = "aws:ec2/vpcEndpoint:VpcEndpoint";

describe("Network component", () => {
  let recorder: MockRecorder;
  let network: Network;

  const named = (prefix: string) => (resource: RecordedResource) => resource.name.startsWith(`${prefix}-`);
  const endpointsOf = (prefix: string) => recorder.ofType(endpointType).filter(named(prefix));

  before(async () => {
    recorder = await installMocks("network-test");
    network = new Network("net", { interfaceEndpointServices: ["events", "secretsmanager", "sns"] });
    new Network("wide", { cidrBlock: "10.30.0.0/20", interfaceEndpointServices: ["ecr.api", "sqs", "sqs"] });
    await settledResources(recorder);
  });

  // Failed constructions still register the component itself; let that land in this file's mocks.
  after(() => settledResources(recorder));

  describe("VPC", () => {
    it("has isolated subnets only, in 3 AZs, with no NAT gateway and DNS for private endpoints", () => {
      expect(recorder.one(vpcType, "net-vpc").inputs).to.deep.equal({
        cidrBlock: "10.20.0.0/16",
        numberOfAvailabilityZones: 3,
        subnetStrategy: "Auto",
        subnetSpecs: [{ type: "Isolated", cidrMask: 20 }],
        natGateways: { strategy: "None" },
        enableDnsHostnames: true,
        enableDnsSupport: true,
      });
    });

    it("cidrBlock sets the VPC range and sizes subnets to a quarter of each AZ block", () => {
      const inputs = recorder.one(vpcType, "wide-vpc").inputs;
      expect(inputs.cidrBlock).to.equal("10.30.0.0/20");
      expect(inputs.subnetSpecs).to.deep.equal([{ type: "Isolated", cidrMask: 24 }]);
    });
  });

  describe("Lambda security group", () => {
    it("has no ingress and exactly one egress rule: TCP 443 to the VPC CIDR and the gateway prefix lists", () => {
      const inputs = recorder.one(securityGroupType, "net-lambda-sg").inputs;
      expect(inputs.vpcId).to.equal("vpc-net-vpc");
      expect(inputs.ingress).to.deep.equal([]);
      expect(inputs.egress).to.deep.equal([
        {
          description: "HTTPS to interface endpoints (VPC CIDR) and gateway endpoints (prefix lists)",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: ["10.20.0.0/16"],
          prefixListIds: ["pl-net-dynamodb-endpoint", "pl-net-s3-endpoint"],
        },
      ]);
    });
  });

  describe("endpoint security group", () => {
    it("admits HTTPS from the Lambda security group only and opens no egress", () => {
      const inputs = recorder.one(securityGroupType, "net-endpoint-sg").inputs;
      expect(inputs.ingress).to.deep.equal([
        {
          description: "HTTPS from pipeline functions",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          securityGroups: ["net-lambda-sg-id"],
        },
      ]);
      expect(inputs.egress).to.deep.equal([]);
    });
  });

  describe("gateway endpoints", () => {
    it("DynamoDB and S3 are Gateway endpoints on every isolated route table", () => {
      const gateways = endpointsOf("net").filter((endpoint) => endpoint.inputs.vpcEndpointType === "Gateway");
      expect(gateways.map((endpoint) => endpoint.inputs)).to.deep.equal(
        ["dynamodb", "s3"].map((service) => ({
          vpcId: "vpc-net-vpc",
          serviceName: `com.amazonaws.eu-west-1.${service}`,
          vpcEndpointType: "Gateway",
          routeTableIds: ["rtb-a", "rtb-b", "rtb-c"],
        })),
      );
    });
  });

  describe("interface endpoints", () => {
    it("one per service asked for, with private DNS, in the isolated subnets behind the endpoint group", () => {
      const interfaces = endpointsOf("net").filter(
        (endpoint) => endpoint.inputs.vpcEndpointType === "Interface",
      );
      const services = ["events", "secretsmanager", "sns"];
      expect(interfaces.map((endpoint) => endpoint.inputs)).to.deep.equal(
        services.map((service) => ({
          vpcId: "vpc-net-vpc",
          serviceName: `com.amazonaws.eu-west-1.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
          securityGroupIds: ["net-endpoint-sg-id"],
        })),
      );
    });

    it("interfaceEndpointServices adds endpoints once each (a service named twice gets one)", () => {
      const names = endpointsOf("wide").map((endpoint) => endpoint.name);
      expect(names).to.include("wide-ecr-api-endpoint");
      expect(names.filter((name) => name === "wide-sqs-endpoint")).to.have.length(1);
      expect(names).to.have.length(2 + 2);
      expect(recorder.one(endpointType, "wide-ecr-api-endpoint").inputs.serviceName).to.equal(
        "com.amazonaws.eu-west-1.ecr.api",
      );
    });
  });

  describe("outputs", () => {
    it("vpcId, and the functions' placement: the isolated subnets and the functions' security group", async () => {
      expect(await promiseOf(network.vpcId)).to.equal("vpc-net-vpc");
      expect(await promiseOf(network.functionPlacement.subnetIds)).to.deep.equal([
        "subnet-a",
        "subnet-b",
        "subnet-c",
      ]);
      expect(await promiseOf(network.functionPlacement.securityGroupIds[0])).to.equal("net-lambda-sg-id");
      expect(network.functionPlacement.securityGroupIds).to.have.length(1);
    });
  });

  describe("argument checks", () => {
    it("cidrBlock outside /16–/24 or malformed is rejected naming the argument", () => {
      expect(() => new Network("bad-mask", { cidrBlock: "10.0.0.0/8" })).to.throw(
        /cidrBlock "10\.0\.0\.0\/8"/,
      );
      expect(() => new Network("bad-ip", { cidrBlock: "10.0.300.0/16" })).to.throw(/cidrBlock/);
      expect(() => new Network("bad-text", { cidrBlock: "ten" })).to.throw(/cidrBlock/);
    });

    it("an interfaceEndpointServices entry that is not a service suffix, or a gateway service, is rejected", () => {
      expect(
        () => new Network("bad-svc", { interfaceEndpointServices: ["com.amazonaws.eu-west-1.ssm"] }),
      ).to.throw(/interfaceEndpointServices\[0\] "com\.amazonaws\.eu-west-1\.ssm"/);
      expect(() => new Network("bad-svc2", { interfaceEndpointServices: ["ssm", "SSM Endpoint"] })).to.throw(
        /interfaceEndpointServices\[1\]/,
      );
      expect(() => new Network("bad-svc3", { interfaceEndpointServices: ["dynamodb"] })).to.throw(
        /interfaceEndpointServices\[0\] "dynamodb" is served by a gateway endpoint/,
      );
    });
  });
});
