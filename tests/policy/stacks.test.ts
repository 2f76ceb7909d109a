/**
 * The policy pack over the whole program, once per stack file: no violations, and every rule
 * applied to the resources it is about (a rule that matches nothing proves nothing).
 *
 * What a mock test cannot prove: what the CLI passes in. At preview the engine gives resource
 * policies the provider-checked inputs and stack policies the outputs from state, with values
 * unknown until the update runs; here they are the program's inputs and the mocks' made-up
 * outputs. `pulumi preview --policy-pack policy` in the pull-request workflow is the real check.
 */
import { expect } from "chai";
import { policies } from "../../policy/policies";
import { imagePlatformMatchesArchitecture } from "../../policy/rules/imagePlatform";
import { s3BucketEncrypted } from "../../policy/rules/s3BucketEncryption";
import { s3PublicAccessBlocked } from "../../policy/rules/s3PublicAccessBlock";
import { runPolicy, subjectsOf, type PolicySubject } from "../support/policyHarness";
import { project, stackFileConfig } from "../support/stackFileConfig";
import { installMocks, type MockRecorder } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";
import { loadStackConfig } from "../../stackConfig";

/** Resource types each resource policy is about; stack policies run once per stack. */
const typesOf: Readonly<Record<string, readonly string[]>> = {
  "lambda-image-by-digest": ["aws:lambda/function:Function"],
  "dynamodb-table-encrypted-with-kms": ["aws:dynamodb/table:Table"],
  "dynamodb-point-in-time-recovery": ["aws:dynamodb/table:Table"],
  "sns-topic-encrypted": ["aws:sns/topic:Topic"],
  "sqs-queue-encrypted": ["aws:sqs/queue:Queue"],
  "log-group-retention": ["aws:cloudwatch/logGroup:LogGroup"],
  "no-nat-gateway": ["awsx:ec2:Vpc", "aws:ec2/natGateway:NatGateway"],
  "no-wildcard-iam-actions": ["aws:iam/rolePolicy:RolePolicy", "aws:iam/role:Role", "aws:iam/policy:Policy"],
};

for (const stack of ["dev", "prod"]) {
  describe(`the policy pack over the ${stack} stack under mocks`, () => {
    let recorder: MockRecorder;
    let subjects: PolicySubject[];

    before(async () => {
      recorder = await installMocks(`policy-${stack}`, stackFileConfig(stack), project);
      const config = loadStackConfig();
      // Loaded after the mocks so the program's module-level state binds to them.
      const { deployPipeline } = await import("../../program");
      deployPipeline("eu-west-1", config);
      await settledResources(recorder);
      subjects = subjectsOf(recorder.resources, `policy-${stack}`);
    });

    for (const policy of policies) {
      it(`passes ${policy.name}`, async () => {
        const outcome = await runPolicy(policy, subjects);
        expect(outcome.violations).to.deep.equal([]);
        expect(outcome.unknown).to.deep.equal([]);
        const types = typesOf[policy.name];
        if (types === undefined) {
          expect(outcome.applied, "a stack policy runs once").to.equal(1);
        } else {
          const matching = subjects.filter((resource) => types.includes(resource.type)).length;
          expect(matching, `resources of ${types.join(", ")}`).to.be.greaterThan(0);
          expect(outcome.applied).to.equal(matching);
        }
      });
    }

    // The stack policies relate resources; these prove they find each other in the real graph.
    it("links every function to its image: built for amd64, each arm64 function is reported", async () => {
      const amd64 = subjects.map((resource) =>
        resource.type === "docker:index/registryImage:RegistryImage"
          ? { ...resource, outputs: { ...resource.outputs, build: { platform: "linux/amd64" } } }
          : resource,
      );
      const functions = subjects.filter((resource) => resource.type === "aws:lambda/function:Function");
      const outcome = await runPolicy(imagePlatformMatchesArchitecture, amd64);
      expect(outcome.violations.map((violation) => violation.resource)).to.have.members(
        functions.map((fn) => fn.name),
      );
    });

    it("links every bucket to its encryption and public-access block: without them each is reported", async () => {
      const configurationTypes = [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      ];
      const bare = subjects.filter((resource) => !configurationTypes.includes(resource.type));
      const buckets = recorder.ofType("aws:s3/bucket:Bucket").map((bucket) => bucket.name);
      expect(buckets).to.have.length(3);
      for (const policy of [s3BucketEncrypted, s3PublicAccessBlocked]) {
        const outcome = await runPolicy(policy, bare);
        expect(outcome.violations.map((violation) => violation.resource)).to.have.members(buckets);
      }
    });
  });
}
