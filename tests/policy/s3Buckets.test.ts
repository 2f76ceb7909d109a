/**
 * The S3 stack policies on buckets configured under Pulumi mocks, where the configuration
 * resources find their bucket by name, and on hand-built resources for a preview, where names
 * are unknown and only the engine's property dependencies link them.
 *
 * What a mock test cannot prove: that the CLI fills `propertyDependencies` for every Output-built
 * `bucket` input (the engine records them for each registered property), or that S3 accepts the
 * settings.
 */
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { s3BucketEncrypted } from "../../policy/rules/s3BucketEncryption";
import { s3PublicAccessBlocked } from "../../policy/rules/s3PublicAccessBlock";
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

const bucketType = "aws:s3/bucket:Bucket";
const blockType = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const allBlocked = {
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
};

describe("S3 bucket policies", () => {
  let subjects: PolicySubject[];

  before(async () => {
    const recorder = await installMocks("policy-s3-buckets");
    const secure = new aws.s3.Bucket("secure", { bucketPrefix: "secure-" });
    new aws.s3.BucketServerSideEncryptionConfiguration("secure-encryption", {
      bucket: secure.bucket,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
    });
    new aws.s3.BucketPublicAccessBlock("secure-public-access", { bucket: secure.bucket, ...allBlocked });

    new aws.s3.Bucket("bare", { bucketPrefix: "bare-" });

    const halfOpen = new aws.s3.Bucket("half-open", { bucketPrefix: "half-open-" });
    new aws.s3.BucketServerSideEncryptionConfiguration("half-open-encryption", {
      bucket: halfOpen.bucket,
      rules: [{ bucketKeyEnabled: true }],
    });
    new aws.s3.BucketPublicAccessBlock("half-open-public-access", {
      bucket: halfOpen.bucket,
      blockPublicAcls: true,
      blockPublicPolicy: false,
      ignorePublicAcls: true,
    });
    await settledResources(recorder);
    subjects = subjectsOf(recorder.resources);
  });

  describe("s3-bucket-encrypted", () => {
    it("reports a bucket without encryption configuration and one without a default algorithm", async () => {
      const outcome = await runPolicy(s3BucketEncrypted, subjects);
      expect(messagesOf(outcome)).to.have.deep.members([
        ["bare", 'S3 bucket "bare" has no BucketServerSideEncryptionConfiguration'],
        [
          "half-open",
          'BucketServerSideEncryptionConfiguration of S3 bucket "half-open" sets no default sseAlgorithm',
        ],
      ]);
    });

    it("accepts the V2 alias of bucket and configuration", async () => {
      const bucketUrn = urnOf("aws:s3/bucketV2:BucketV2", "legacy");
      const outcome = await runPolicy(s3BucketEncrypted, [
        subject("aws:s3/bucketV2:BucketV2", "legacy", { bucket: "legacy-bucket" }),
        subject(
          "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
          "legacy-encryption",
          {
            bucket: unknownString,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
          },
          { bucket: [bucketUrn] },
        ),
      ]);
      expect(outcome).to.deep.equal({ violations: [], applied: 1, unknown: [] });
    });

    it("does not apply to a stack without buckets", async () => {
      const outcome = await runPolicy(s3BucketEncrypted, []);
      expect(outcome.applied).to.equal(0);
    });
  });

  describe("s3-public-access-blocked", () => {
    it("reports a bucket without a block and a block that leaves flags off", async () => {
      const outcome = await runPolicy(s3PublicAccessBlocked, subjects);
      expect(messagesOf(outcome)).to.have.deep.members([
        ["bare", 'S3 bucket "bare" has no BucketPublicAccessBlock'],
        [
          "half-open",
          'BucketPublicAccessBlock of S3 bucket "half-open" leaves blockPublicPolicy, restrictPublicBuckets off',
        ],
      ]);
    });

    it("at preview, links a block to its bucket by property dependency while the name is unknown", async () => {
      const previewed = urnOf(bucketType, "previewed");
      const outcome = await runPolicy(s3PublicAccessBlocked, [
        subject(bucketType, "previewed", { bucket: unknownString, bucketPrefix: "previewed-" }),
        subject(bucketType, "other", { bucket: unknownString, bucketPrefix: "other-" }),
        subject(
          blockType,
          "previewed-public-access",
          { bucket: unknownString, ...allBlocked },
          { bucket: [previewed] },
        ),
      ]);
      expect(messagesOf(outcome)).to.deep.equal([
        ["other", 'S3 bucket "other" has no BucketPublicAccessBlock'],
      ]);
      expect(outcome.unknown).to.deep.equal([]);
    });

    it("leaves a flag unknown at preview to `pulumi up`", async () => {
      const outcome = await runPolicy(s3PublicAccessBlocked, [
        subject(bucketType, "named", { bucket: "named-bucket" }),
        subject(blockType, "named-public-access", {
          ...allBlocked,
          bucket: "named-bucket",
          ignorePublicAcls: unknownString,
        }),
      ]);
      expect(outcome).to.deep.equal({ violations: [], applied: 1, unknown: [] });
    });
  });
});
