/**
 * The pack as the Pulumi CLI runs it: Pulumi's own policy runner
 * (@pulumi/pulumi/cmd/run-policy-pack, which compiles policy/ with ts-node) started in the pack's
 * directory, then asked over gRPC what the engine asks during `pulumi preview` — one resource's
 * inputs at a time, then the whole stack with values unknown at preview and the property
 * dependencies the engine records.
 *
 * What it cannot prove: which values the engine really sends for this program (that needs the
 * CLI, the providers and a stack), or the Go side of the CLI that starts the runner.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as rpc from "@pulumi/pulumi/proto/analyzer_pb";
import { expect } from "chai";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import { policies } from "../../policy/policies";
import { unknownString, urnOf } from "../support/policyHarness";

const packDirectory = path.resolve(__dirname, "../../policy");

/** Starts the runner as the CLI does (cwd = the pack) and resolves with the port it prints. */
function startPolicyRunner(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once("exit", (code) => reject(new Error(`policy runner exited with ${code}: ${stderr}`)));
  });
}

function options(): rpc.AnalyzerResourceOptions {
  return new rpc.AnalyzerResourceOptions().setProtect(false);
}

function properties(props: Record<string, JavaScriptValue>): Struct {
  return Struct.fromJavaScript(props);
}

/** `[enforcement level, message]`; the server puts the policy's description before the message. */
function diagnosticsOf(response: rpc.AnalyzeResponse): [rpc.EnforcementLevel, string][] {
  return response
    .getDiagnosticsList()
    .map((diagnostic) => [diagnostic.getEnforcementlevel(), diagnostic.getMessage().split("\n").pop() ?? ""]);
}

describe("the pack under Pulumi's policy runner, over gRPC", function () {
  // The runner type-checks the pack with ts-node first; a cold cache takes a while on 2 cores.
  this.timeout(180_000);
  let child: ChildProcess;
  let client: AnalyzerClient;

  /** One unary call; the client's methods are overloaded, so each call site names its own. */
  const unary = <Response>(
    invoke: (callback: (error: grpc.ServiceError | null, response: Response) => void) => unknown,
  ) =>
    new Promise<Response>((resolve, reject) =>
      invoke((error, response) => (error ? reject(error) : resolve(response))),
    );

  const analyze = (type: string, name: string, props: Record<string, JavaScriptValue>) => {
    const request = new rpc.AnalyzeRequest()
      .setType(type)
      .setName(name)
      .setUrn(urnOf(type, name))
      .setProperties(properties(props))
      .setOptions(options());
    return unary<rpc.AnalyzeResponse>((done) => client.analyze(request, done)).then(diagnosticsOf);
  };

  const resource = (
    type: string,
    name: string,
    props: Record<string, JavaScriptValue>,
    dependencies: Record<string, string[]> = {},
  ) => {
    const analyzed = new rpc.AnalyzerResource()
      .setType(type)
      .setName(name)
      .setUrn(urnOf(type, name))
      .setProperties(properties(props))
      .setOptions(options());
    for (const [property, urns] of Object.entries(dependencies)) {
      analyzed
        .getPropertydependenciesMap()
        .set(property, new rpc.AnalyzerPropertyDependencies().setUrnsList(urns));
    }
    return analyzed;
  };

  before(async () => {
    // The CLI resolves the runner from the pack's directory, which finds the repository's install.
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDirectory] });
    child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: packDirectory });
    // Never outlive the test run, even when mocha exits without running `after`.
    process.once("exit", () => child.kill());
    const port = await startPolicyRunner(child);
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    child?.kill();
  });

  it("serves every policy of policies.ts as mandatory", async () => {
    const info = await unary<rpc.AnalyzerInfo>((done) => client.getAnalyzerInfo(new Empty(), done));
    expect(info.getName()).to.equal("transaction-pipeline");
    expect(info.getPoliciesList().map((policy) => policy.getName())).to.deep.equal(
      policies.map((policy) => policy.name),
    );
    for (const policy of info.getPoliciesList()) {
      expect(policy.getEnforcementlevel(), policy.getName()).to.equal(rpc.EnforcementLevel.MANDATORY);
    }
  });

  it("blocks an unencrypted queue and a tagged image, and accepts an SQS-managed queue", async () => {
    expect(await analyze("aws:sqs/queue:Queue", "plain", {})).to.deep.equal([
      [
        rpc.EnforcementLevel.MANDATORY,
        "SQS queue is not encrypted: set kmsMasterKeyId or sqsManagedSseEnabled: true",
      ],
    ]);
    expect(await analyze("aws:sqs/queue:Queue", "managed", { sqsManagedSseEnabled: true })).to.deep.equal([]);
    expect(
      await analyze("aws:lambda/function:Function", "tagged", {
        packageType: "Image",
        imageUri: "repo:latest",
      }),
    ).to.deep.equal([
      [
        rpc.EnforcementLevel.MANDATORY,
        `imageUri "repo:latest" is not pinned by digest: deploy "<repository>@sha256:<digest>" (the image's repoDigest), never a tag`,
      ],
    ]);
  });

  it("turns a value unknown at preview into an advisory note, not a failure", async () => {
    expect(
      await analyze("aws:lambda/function:Function", "previewed", {
        packageType: "Image",
        imageUri: unknownString,
      }),
    ).to.deep.equal([
      [
        rpc.EnforcementLevel.ADVISORY,
        "can't run policy 'lambda-image-by-digest' from policy pack 'transaction-pipeline@v0.1.0' during preview: string value at .imageUri can't be known during preview",
      ],
    ]);
  });

  it("links resources by the engine's property dependencies in the stack check", async () => {
    const bucket = urnOf("aws:s3/bucket:Bucket", "archive");
    const image = urnOf("docker:index/image:Image", "image");
    const request = new rpc.AnalyzeStackRequest().setResourcesList([
      resource("aws:s3/bucket:Bucket", "archive", { bucket: unknownString }),
      resource("aws:s3/bucket:Bucket", "other", { bucket: unknownString }),
      resource(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "archive-public-access",
        {
          bucket: unknownString,
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        },
        { bucket: [bucket] },
      ),
      resource(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "archive-encryption",
        {
          bucket: unknownString,
          rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
        },
        { bucket: [bucket] },
      ),
      resource("docker:index/image:Image", "image", {
        build: { platform: "linux/amd64" },
        repoDigest: unknownString,
      }),
      resource(
        "aws:lambda/function:Function",
        "function",
        { packageType: "Image", imageUri: unknownString, architectures: ["arm64"] },
        { imageUri: [image] },
      ),
    ]);
    const response = await unary<rpc.AnalyzeResponse>((done) => client.analyzeStack(request, done));
    expect(
      response.getDiagnosticsList().map((diagnostic) => [diagnostic.getPolicyname(), diagnostic.getUrn()]),
    ).to.have.deep.members([
      ["image-platform-matches-lambda-architecture", urnOf("aws:lambda/function:Function", "function")],
      ["s3-bucket-encrypted", urnOf("aws:s3/bucket:Bucket", "other")],
      ["s3-public-access-blocked", urnOf("aws:s3/bucket:Bucket", "other")],
    ]);
  });
});
