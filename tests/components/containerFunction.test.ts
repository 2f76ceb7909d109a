/**
 * ContainerFunction component under Pulumi mocks.
 *
 * What a mock test cannot prove: that functions/Dockerfile builds and the image starts on arm64
 * (docker.Image builds nothing under mocks; the digest is the mock's), that ECR accepts the
 * lifecycle policy, that the role is enough at run time, or that Pulumi honours `dependsOn`
 * (mocks do not record dependencies; registration order is the evidence here).
 */
import * as path from "path";
import { expect } from "chai";
import { ContainerFunction, repositoryRoot } from "../../components/platform/containerFunction";
import { installMocks, promiseOf, type MockRecorder, type RecordedResource } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const repositoryType = "aws:ecr/repository:Repository";
const lifecycleType = "aws:ecr/lifecyclePolicy:LifecyclePolicy";
const imageType = "docker:index/registryImage:RegistryImage";
const logGroupType = "aws:cloudwatch/logGroup:LogGroup";
const roleType = "aws:iam/role:Role";
const rolePolicyType = "aws:iam/rolePolicy:RolePolicy";
const functionType = "aws:lambda/function:Function";

const ecrHost = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/transactions";
const secretSignature = "4dabf18193072939515e22adb298388d";

const network = { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-lambda"] };

describe("ContainerFunction component", () => {
  let recorder: MockRecorder;
  let validate: ContainerFunction;

  /** The one resource of a type whose logical name is exactly `name`. */
  function exact(type: string, name: string): RecordedResource {
    const matches = recorder.ofType(type).filter((resource) => resource.name === name);
    if (matches.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${matches.length}`);
    return matches[0];
  }

  before(async () => {
    recorder = await installMocks("container-function-test");
    validate = new ContainerFunction("validate", {
      functionDirectory: "validation",
      memorySize: 3008,
      timeout: 60,
      reservedConcurrency: 100,
      logRetentionDays: 90,
      logKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
      logLevel: "DEBUG",
      environment: { TRANSACTIONS_TABLE_NAME: "transactions" },
      policyStatements: [
        {
          sid: "ReadTransactions",
          actions: ["dynamodb:GetItem", "dynamodb:Query"],
          resources: [tableArn, `${tableArn}/index/*`],
        },
      ],
      imagesToKeep: 5,
      ...network,
    });
    new ContainerFunction("plain", { functionDirectory: "fraud-detection", ...network });
    await settledResources(recorder);
  });

  after(() => settledResources(recorder));

  describe("ECR repository", () => {
    it("scans images on push, keeps tags mutable (the function pins digests) and is never force-deleted", () => {
      expect(exact(repositoryType, "validate-repo").inputs).to.deep.equal({
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: "MUTABLE",
        forceDelete: false,
      });
    });

    it("lifecycle policy keeps the last imagesToKeep images (default 10)", () => {
      const policyOf = (name: string) => JSON.parse(String(exact(lifecycleType, name).inputs.policy));
      const rule = (countNumber: number) => ({
        rules: [
          {
            rulePriority: 1,
            description: "Keep only the most recent images",
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber },
            action: { type: "expire" },
          },
        ],
      });
      expect(policyOf("validate-repo-lifecycle")).to.deep.equal(rule(5));
      expect(policyOf("plain-repo-lifecycle")).to.deep.equal(rule(10));
      expect(exact(lifecycleType, "plain-repo-lifecycle").inputs.repository).to.equal("plain-repo");
    });
  });

  describe("docker image", () => {
    it("is built by Buildx for linux/arm64 from functions/Dockerfile, for its function and memory size, without provenance or SBOM attestations", () => {
      const inputs = exact(imageType, "validate-image").inputs;
      expect(inputs.build).to.deep.equal({
        context: repositoryRoot,
        dockerfile: path.join("functions", "Dockerfile"),
        platform: "linux/arm64",
        builder: "pipeline-builder",
        provenance: "false",
        sbom: "false",
        buildArgs: { FUNCTION: "validation", MEMORY_SIZE: "3008" },
      });
      expect(inputs.name).to.equal(`${ecrHost}/validate-repo:validation`);
      expect(inputs.keepRemotely).to.equal(true);
    });

    it("is built for the default 1024 MB when no memory size is given (its code cache's heap flags)", () => {
      expect(exact(imageType, "plain-image").inputs.build).to.have.deep.property("buildArgs", {
        FUNCTION: "fraud-detection",
        MEMORY_SIZE: "1024",
      });
    });

    it("pushes with the ECR token, the password kept secret", () => {
      const image = exact(imageType, "validate-image");
      expect(image.inputs.authConfig).to.deep.equal({
        address: ecrHost,
        username: "AWS",
        password: "mock-password",
      });
      // The secret password makes the whole auth input secret (Pulumi wraps it as one value).
      expect((image.state.authConfig as Record<string, unknown>)[secretSignature]).to.be.a("string");
    });

    it("asks for the token of the repository's own registry", () => {
      const tokenCalls = recorder.calls.filter(
        (call) => call.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken",
      );
      expect(tokenCalls.map((call) => call.inputs.registryId)).to.deep.equal([
        "123456789012",
        "123456789012",
      ]);
    });
  });

  describe("Lambda function", () => {
    const fnInputs = () => exact(functionType, "validate-function").inputs;
    const plainInputs = () => exact(functionType, "plain-function").inputs;

    it("runs the image by digest (imageUri is the repoDigest, never a tag)", () => {
      const imageUri = String(fnInputs().imageUri);
      expect(fnInputs().packageType).to.equal("Image");
      expect(imageUri).to.equal(`${ecrHost}/validate-repo@sha256:${"0".repeat(63)}1`);
      expect(imageUri).to.contain("@sha256:");
      expect(imageUri).not.to.match(/:latest|:validation/);
    });

    it("runs on arm64, the platform the image is built for", () => {
      expect(fnInputs().architectures).to.deep.equal(["arm64"]);
      expect((exact(imageType, "validate-image").inputs.build as Record<string, unknown>).platform).to.equal(
        "linux/arm64",
      );
    });

    it("traces with X-Ray (tracingConfig Active)", () => {
      expect(fnInputs().tracingConfig).to.deep.equal({ mode: "Active" });
      expect(plainInputs().tracingConfig).to.deep.equal({ mode: "Active" });
    });

    it("logs JSON into its own log group at the logLevel (default INFO)", () => {
      expect(fnInputs().loggingConfig).to.deep.equal({
        logFormat: "JSON",
        logGroup: "/aws/lambda/validate-0123abcd",
        applicationLogLevel: "DEBUG",
        systemLogLevel: "WARN",
      });
      expect((plainInputs().loggingConfig as Record<string, unknown>).applicationLogLevel).to.equal("INFO");
    });

    it("runs in the given subnets and security groups (vpcConfig)", () => {
      expect(fnInputs().vpcConfig).to.deep.equal({
        subnetIds: ["subnet-a", "subnet-b"],
        securityGroupIds: ["sg-lambda"],
      });
    });

    it("memorySize and timeout from args, 1024 MB and 30 s by default", () => {
      expect([fnInputs().memorySize, fnInputs().timeout]).to.deep.equal([3008, 60]);
      expect([plainInputs().memorySize, plainInputs().timeout]).to.deep.equal([1024, 30]);
    });

    it("reservedConcurrency is set when given and left unset otherwise", () => {
      expect(fnInputs().reservedConcurrentExecutions).to.equal(100);
      expect(plainInputs()).not.to.have.property("reservedConcurrentExecutions");
    });

    it("environment is the caller's alone: no NODE_OPTIONS, so no source-map cost at init", () => {
      expect(fnInputs().environment).to.deep.equal({
        variables: { TRANSACTIONS_TABLE_NAME: "transactions" },
      });
      expect(plainInputs()).not.to.have.property("environment");
    });

    it("uses its own role", () => {
      expect(fnInputs().role).to.equal("arn:aws:iam:eu-west-1:123456789012:validate-role");
    });

    it("is registered after its log group and role policy exist", () => {
      const order = (type: string, name: string) => recorder.resources.indexOf(exact(type, name));
      expect(order(logGroupType, "validate-logs")).to.be.lessThan(order(functionType, "validate-function"));
      expect(order(rolePolicyType, "validate-policy")).to.be.lessThan(
        order(functionType, "validate-function"),
      );
    });
  });

  describe("log group", () => {
    it("is named under /aws/lambda/<name>- and keeps logRetentionDays (default 30), KMS when given", () => {
      expect(exact(logGroupType, "validate-logs").inputs).to.deep.equal({
        namePrefix: "/aws/lambda/validate-",
        retentionInDays: 90,
        kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k",
      });
      expect(exact(logGroupType, "plain-logs").inputs).to.deep.equal({
        namePrefix: "/aws/lambda/plain-",
        retentionInDays: 30,
      });
    });
  });

  describe("IAM", () => {
    it("role trusts lambda.amazonaws.com only", () => {
      expect(JSON.parse(String(exact(roleType, "validate-role").inputs.assumeRolePolicy))).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["sts:AssumeRole"] },
        ],
      });
    });

    it("one inline policy: its log group, X-Ray, VPC interfaces, then the caller's statements", () => {
      const rolePolicies = recorder
        .ofType(rolePolicyType)
        .filter((policy) => policy.name.startsWith("validate-"));
      expect(rolePolicies).to.have.length(1);
      expect(rolePolicies[0].inputs.role).to.equal("validate-role-id");
      expect(JSON.parse(String(rolePolicies[0].inputs.policy))).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "WriteOwnLogGroup",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/validate-0123abcd:*"],
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
          {
            Sid: "ReadTransactions",
            Effect: "Allow",
            Action: ["dynamodb:GetItem", "dynamodb:Query"],
            Resource: [tableArn, `${tableArn}/index/*`],
          },
        ],
      });
    });

    it("no statement of any function has a wildcard action or attaches a managed policy", () => {
      const policies = recorder.ofType(rolePolicyType);
      expect(policies).to.not.have.length(0);
      for (const policy of policies) {
        const statements = JSON.parse(String(policy.inputs.policy)).Statement as { Action: string[] }[];
        for (const action of statements.flatMap((statement) => statement.Action))
          expect(action).not.to.contain("*");
      }
      expect(recorder.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).to.have.length(0);
    });
  });

  describe("outputs", () => {
    it("functionName, functionArn, roleArn, imageDigest", async () => {
      expect(await promiseOf(validate.functionName)).to.equal("validate-function");
      expect(await promiseOf(validate.functionArn)).to.equal(
        "arn:aws:lambda:eu-west-1:123456789012:validate-function",
      );
      expect(await promiseOf(validate.roleArn)).to.equal("arn:aws:iam:eu-west-1:123456789012:validate-role");
      expect(await promiseOf(validate.imageDigest)).to.equal(
        `${ecrHost}/validate-repo@sha256:${"0".repeat(63)}1`,
      );
    });

    // Alarms on functions are the Monitoring component's (error rate, throttles), so none here.
    it("one component creates exactly one of each child, and no alarm", () => {
      expect(recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")).to.have.length(0);
      const children = recorder.resources.filter((resource) => resource.name.startsWith("validate-"));
      expect(children.map((resource) => resource.type).sort()).to.deep.equal(
        [
          functionType,
          imageType,
          lifecycleType,
          logGroupType,
          repositoryType,
          roleType,
          rolePolicyType,
        ].sort(),
      );
    });
  });

  describe("argument checks", () => {
    const base = { functionDirectory: "validation", ...network };
    const attempt = (name: string, extra: Record<string, unknown>) => () =>
      new ContainerFunction(name, { ...base, ...extra });

    it("a wildcard action in policyStatements is rejected naming the argument", () => {
      expect(
        attempt("bad-action", { policyStatements: [{ actions: ["dynamodb:*"], resources: [tableArn] }] }),
      ).to.throw(/policyStatements\[0\]\.actions\[0\] "dynamodb:\*" is a wildcard/);
      expect(attempt("bad-star", { policyStatements: [{ actions: ["*"], resources: [tableArn] }] })).to.throw(
        /wildcard/,
      );
    });

    it("a * resource for an action outside the allow-list is rejected", () => {
      expect(
        attempt("bad-resource", { policyStatements: [{ actions: ["dynamodb:PutItem"], resources: ["*"] }] }),
      ).to.throw(/policyStatements\[0\]\.resources\[0\] is "\*" but dynamodb:PutItem/);
    });

    it("a caller statement reusing a base sid is rejected", () => {
      expect(
        attempt("bad-sid", {
          policyStatements: [{ sid: "SendTraces", actions: ["xray:PutTraceSegments"], resources: ["*"] }],
        }),
      ).to.throw(/reserved/);
    });

    it("memorySize outside 128–10240 is rejected", () => {
      expect(attempt("bad-memory", { memorySize: 64 })).to.throw(
        /memorySize must be an integer from 128 to 10240, got 64/,
      );
    });

    it("timeout outside 1–900 s is rejected", () => {
      expect(attempt("bad-timeout", { timeout: 901 })).to.throw(
        /timeout must be an integer from 1 to 900, got 901/,
      );
      expect(attempt("bad-timeout2", { timeout: 2.5 })).to.throw(/timeout/);
    });

    it("reservedConcurrency and imagesToKeep must be non-negative / positive integers", () => {
      expect(attempt("bad-reserved", { reservedConcurrency: -1 })).to.throw(/reservedConcurrency/);
      expect(attempt("bad-keep", { imagesToKeep: 0 })).to.throw(/imagesToKeep/);
    });

    it("logRetentionDays that CloudWatch does not offer is rejected", () => {
      expect(attempt("bad-retention", { logRetentionDays: 31 })).to.throw(/logRetentionDays must be one of/);
      expect(attempt("bad-retention2", { logRetentionDays: 0 })).to.throw(/logRetentionDays/);
    });

    it("an environment variable Lambda reserves is rejected", () => {
      expect(attempt("bad-env", { environment: { AWS_REGION: "eu-west-1" } })).to.throw(
        /environment variable "AWS_REGION"/,
      );
    });

    it("functionDirectory must be an existing function folder, not shared", () => {
      expect(attempt("bad-dir", { functionDirectory: "shared" })).to.throw(/functionDirectory "shared"/);
      expect(attempt("bad-dir2", { functionDirectory: "no-such-function" })).to.throw(/does not exist/);
      expect(attempt("bad-dir3", { functionDirectory: "../etc" })).to.throw(/functionDirectory/);
    });

    it("a name ECR cannot use is rejected", () => {
      expect(attempt("Validate", {})).to.throw(/name "Validate"/);
    });
  });
});
