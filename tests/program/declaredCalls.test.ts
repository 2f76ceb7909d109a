/**
 * Each function's declared AWS calls (functions/<name>/awsCalls.ts) against its code: every SDK
 * command the function's own source sends needs declared actions, and every action the code is
 * declared to send is needed by some command. The role policies and interface endpoints are
 * generated from these declarations, so this is what keeps them true to the code.
 *
 * What a scan cannot see: a command built without `new XxxCommand(` (e.g. the v2-style
 * aggregated client `client.putItem(...)`). The code base uses none, and the scan would miss it.
 */
import { expect } from "chai";
import {
  declaredStatements,
  interfaceEndpointServicesFor,
  splitReference,
} from "../../components/platform/declaredCalls";
import { declarationProblems, functionSourceFiles, sentCommands } from "../support/sdkCommands";
import { promiseOf } from "../support/pulumiMocks";
import {
  describeFunction,
  functionAwsCalls,
  vpcFunctionAwsCalls,
  type PipelineFunction,
} from "../../pipeline";

const folders = Object.keys(functionAwsCalls) as PipelineFunction[];

describe("declared AWS calls against each function's code", () => {
  for (const folder of folders) {
    it(`${folder}: every SDK command its code sends is declared, and nothing more`, async () => {
      const files = await functionSourceFiles(folder);
      expect(files.length).to.be.greaterThan(1);
      const commands = sentCommands(files);
      expect(declarationProblems(folder, commands, functionAwsCalls[folder])).to.deep.equal([]);
    });
  }

  it("names the command, its file and the missing action when a declaration lacks one", async () => {
    const commands = sentCommands(await functionSourceFiles("webhook-intake"));
    const withoutSecrets = functionAwsCalls["webhook-intake"].filter(
      (call) => call.sid !== "ReadSigningSecrets",
    );
    expect(declarationProblems("webhook-intake", commands, withoutSecrets)).to.deep.equal([
      "webhook-intake sends GetSecretValueCommand (functions/webhook-intake/signingSecretSource.ts) but its awsCalls lack secretsmanager:GetSecretValue",
    ]);
  });

  it("names an action declared for the code that no command needs", () => {
    const commands = new Map([["GetCommand", ["functions/x/index.ts"]]]);
    expect(
      declarationProblems("x", commands, [
        { sid: "Read", actions: ["dynamodb:GetItem", "dynamodb:Scan"], resources: ["transactionsTable"] },
      ]),
    ).to.deep.equal(["x declares dynamodb:Scan, which no command of its code needs"]);
  });

  it("names a command the scan has no actions for", () => {
    const commands = new Map([["ScanCommand", ["functions/x/index.ts"]]]);
    expect(declarationProblems("x", commands, [])).to.deep.equal([
      "x sends ScanCommand (functions/x/index.ts), which sdkCommandActions does not map",
    ]);
  });
});

describe("generated role statements and endpoints (pure)", () => {
  it("resolve each reference to its ARN, with the path under it", async () => {
    const statements = declaredStatements(
      "csv-intake",
      [
        { sid: "Read", actions: ["s3:GetObject"], resources: ["uploadsBucket/uploads/*"] },
        { sid: "List", actions: ["s3:ListBucket"], resources: ["uploadsBucket"] },
      ],
      { uploadsBucket: "arn:aws:s3:::uploads-1" },
    );
    expect(await promiseOf(statements[0].resources[0])).to.equal("arn:aws:s3:::uploads-1/uploads/*");
    expect(statements[1]).to.deep.equal({
      sid: "List",
      actions: ["s3:ListBucket"],
      resources: ["arn:aws:s3:::uploads-1"],
    });
  });

  it("refuse a resource the program does not provide, naming the function", () => {
    expect(() =>
      declaredStatements(
        "new-fn",
        [{ sid: "Read", actions: ["s3:GetObject"], resources: ["archiveBucket/x/*"] }],
        {},
      ),
    ).to.throw(/new-fn's awsCalls name "archiveBucket"/);
    expect(splitReference("transactionsTable/index/byDay")).to.deep.equal({
      resource: "transactionsTable",
      path: "/index/byDay",
    });
  });

  it("derive interface endpoints from what code sends, leaving out gateway services and calls made via a service", () => {
    expect(interfaceEndpointServicesFor(vpcFunctionAwsCalls())).to.deep.equal([
      "events",
      "secretsmanager",
      "sns",
      "sqs",
    ]);
    expect(
      interfaceEndpointServicesFor([
        [
          { sid: "A", actions: ["kms:Decrypt"], resources: ["pipelineKey"], via: ["dynamodb"] },
          { sid: "B", actions: ["dynamodb:GetItem", "sqs:SendMessage"], resources: ["intakeTable"] },
        ],
      ]),
    ).to.deep.equal(["sqs"]);
  });

  it("leave the functions outside the VPC out of the endpoints: the refresh reaches AWS over the internet", () => {
    expect(folders.filter((folder) => describeFunction(folder).network === "internet")).to.deep.equal([
      "screening-lists-refresh",
    ]);
    const refresh = functionAwsCalls["screening-lists-refresh"];
    expect(vpcFunctionAwsCalls()).to.not.include(refresh);
    expect(vpcFunctionAwsCalls()).to.have.length(Object.keys(functionAwsCalls).length - 1);
  });
});
