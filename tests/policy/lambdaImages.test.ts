/**
 * The two image rules on functions and images built under Pulumi mocks, wired as
 * components/platform/containerFunction.ts wires them (`imageUri: image.repoDigest`), plus hand-built
 * resources for what only a real preview produces: unknown digests linked by the engine's
 * property dependencies.
 *
 * What a mock test cannot prove: which properties the CLI really leaves unknown at preview, or
 * that the docker provider's state carries `build.platform` (its source says it keeps its
 * inputs in the state; the rule also reads the `platform` output).
 */
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import { expect } from "chai";
import { imagePlatformMatchesArchitecture } from "../../policy/rules/imagePlatform";
import { lambdaImageByDigest } from "../../policy/rules/lambdaImageDigest";
import {
  messagesOf,
  runPolicy,
  subject,
  subjectsOf,
  unknownString,
  urnOf,
  type PolicySubject,
} from "../support/policyHarness";
import { installMocks } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const functionType = "aws:lambda/function:Function";
const imageType = "docker:index/image:Image";
const repository = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app";
const digest = `${repository}@sha256:${"ab".repeat(32)}`;
const role = "arn:aws:iam::123456789012:role/fn";

function image(name: string, platform?: string): docker.Image {
  return new docker.Image(name, {
    imageName: `${repository}-${name}:v1`,
    build: { context: ".", ...(platform === undefined ? {} : { platform }) },
    skipPush: true,
  });
}

function imageFunction(
  name: string,
  imageUri: aws.lambda.FunctionArgs["imageUri"],
  architectures?: string[],
) {
  return new aws.lambda.Function(name, { packageType: "Image", imageUri, role, architectures });
}

describe("Lambda image policies", () => {
  let subjects: PolicySubject[];

  before(async () => {
    const recorder = await installMocks("policy-lambda-images");
    imageFunction("arm-function", image("arm-image", "linux/arm64").repoDigest, ["arm64"]);
    imageFunction("v8-function", image("v8-image", "linux/arm64/v8").repoDigest, ["arm64"]);
    imageFunction("mismatched-function", image("amd-image", "linux/amd64").repoDigest, ["arm64"]);
    imageFunction("default-arch-function", image("arm-image-2", "linux/arm64").repoDigest);
    imageFunction("unpinned-platform-function", image("host-image").repoDigest, ["arm64"]);
    imageFunction("tagged-function", `${repository}:latest`, ["arm64"]);
    imageFunction("short-digest-function", `${repository}@sha256:abc`, ["arm64"]);
    new aws.lambda.Function("zip-function", {
      runtime: "nodejs22.x",
      handler: "index.handler",
      code: "s3://bucket/code.zip",
      role,
    });
    await settledResources(recorder);
    subjects = subjectsOf(recorder.resources);
  });

  describe("lambda-image-by-digest", () => {
    it("accepts imageUri = repoDigest and ignores zip functions", async () => {
      const compliant = subjects.filter((resource) =>
        ["arm-function", "zip-function"].includes(resource.name),
      );
      const outcome = await runPolicy(lambdaImageByDigest, compliant);
      expect(outcome.violations).to.deep.equal([]);
      expect(outcome.applied).to.equal(2);
    });

    it("reports a :latest tag and a truncated digest", async () => {
      const outcome = await runPolicy(lambdaImageByDigest, subjects);
      expect(messagesOf(outcome)).to.have.deep.members([
        [
          "tagged-function",
          `imageUri "${repository}:latest" is not pinned by digest: deploy "<repository>@sha256:<digest>" (the image's repoDigest), never a tag`,
        ],
        [
          "short-digest-function",
          `imageUri "${repository}@sha256:abc" is not pinned by digest: deploy "<repository>@sha256:<digest>" (the image's repoDigest), never a tag`,
        ],
      ]);
    });

    it("reports an image function without imageUri", async () => {
      const outcome = await runPolicy(lambdaImageByDigest, [
        subject(functionType, "no-uri", { packageType: "Image", role }),
      ]);
      expect(messagesOf(outcome)).to.deep.equal([["no-uri", 'packageType "Image" without an imageUri']]);
    });

    it("leaves a digest unknown at preview to `pulumi up` instead of failing", async () => {
      const outcome = await runPolicy(lambdaImageByDigest, [
        subject(functionType, "previewed", { packageType: "Image", imageUri: unknownString, role }),
      ]);
      expect(outcome.violations).to.deep.equal([]);
      expect(outcome.unknown).to.deep.equal([
        "previewed: string value at .imageUri can't be known during preview",
      ]);
    });
  });

  describe("image-platform-matches-lambda-architecture", () => {
    it("accepts arm64 functions on linux/arm64 images (with or without the v8 variant)", async () => {
      const compliant = subjects.filter((resource) =>
        ["arm-function", "arm-image", "v8-function", "v8-image"].includes(resource.name),
      );
      const outcome = await runPolicy(imagePlatformMatchesArchitecture, compliant);
      expect(outcome).to.deep.equal({ violations: [], applied: 1, unknown: [] });
    });

    it("reports images built for another CPU or for whatever machine runs the build", async () => {
      const outcome = await runPolicy(imagePlatformMatchesArchitecture, subjects);
      // Registration order under mocks follows promise resolution, so compare as a set.
      expect(messagesOf(outcome)).to.have.deep.members([
        [
          "mismatched-function",
          'Lambda function "mismatched-function" runs on arm64 but its image "amd-image" is built for linux/amd64; build it for linux/arm64',
        ],
        [
          "default-arch-function",
          'Lambda function "default-arch-function" runs on x86_64 but its image "arm-image-2" is built for linux/arm64; build it for linux/amd64',
        ],
        [
          "unpinned-platform-function",
          'image "host-image" of Lambda function "unpinned-platform-function" sets no build.platform; set "linux/arm64" for the function\'s arm64 architecture',
        ],
      ]);
    });

    it("links function and image through the engine's property dependencies while both are unknown", async () => {
      const imageUrn = urnOf(imageType, "previewed-image");
      const outcome = await runPolicy(imagePlatformMatchesArchitecture, [
        subject(imageType, "previewed-image", {
          build: { platform: "linux/amd64" },
          repoDigest: unknownString,
        }),
        subject(
          functionType,
          "previewed-function",
          { packageType: "Image", imageUri: unknownString, architectures: ["arm64"] },
          { imageUri: [imageUrn] },
        ),
      ]);
      expect(messagesOf(outcome)).to.deep.equal([
        [
          "previewed-function",
          'Lambda function "previewed-function" runs on arm64 but its image "previewed-image" is built for linux/amd64; build it for linux/arm64',
        ],
      ]);
      expect(outcome.unknown).to.deep.equal([]);
    });

    it("does not apply to a stack without images", async () => {
      const outcome = await runPolicy(imagePlatformMatchesArchitecture, [
        subject(functionType, "alone", { packageType: "Image", imageUri: digest }),
      ]);
      expect(outcome).to.deep.equal({ violations: [], applied: 0, unknown: [] });
    });
  });
});
