/**
 * UploadStore component under Pulumi mocks, plus its pure builders (bucket policy, lifecycle).
 *
 * What a mock test cannot prove: that S3 accepts the policy and lifecycle inputs, that the policy
 * denies what it says (IAM evaluation is AWS's, presigned requests included), that S3 expires
 * uploads and noncurrent versions on time and removes the expired delete markers itself, that
 * DynamoDB builds the byStatusUpdatedAt index as described or that TTL removes status records
 * (lazily, typically within days), or that `dependsOn` orders the bucket's configuration (mocks do
 * not record dependencies). The local emulators have no lifecycle, PITR, TTL or KMS either, so
 * these inputs are the only offline evidence of them.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { uploadBucketPolicy, uploadLifecycleRules } from "../../components/uploads/policies";
import { UploadStore, type UploadStoreArgs } from "../../components/uploads/uploadStore";
import { installMocks, promiseOf, type MockRecorder, type RecordedResource } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const bucketType = "aws:s3/bucket:Bucket";
const versioningType = "aws:s3/bucketVersioning:BucketVersioning";
const encryptionType =
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const publicAccessType = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const bucketPolicyType = "aws:s3/bucketPolicy:BucketPolicy";
const lifecycleType = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const tableType = "aws:dynamodb/table:Table";

const accountId = "123456789012";
const kmsKeyArn = `arn:aws:kms:eu-west-1:${accountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
/** The mocks name an autonamed bucket `<bucketPrefix>0123abcd`. */
const bucketNameOf = (component: string) => `${component}-uploads-0123abcd`;
const bucketArnOf = (component: string) => `arn:aws:s3:::${bucketNameOf(component)}`;

describe("UploadStore component", () => {
  let recorder: MockRecorder;
  let store: UploadStore;

  function exact(type: string, name: string): RecordedResource {
    const matches = recorder.ofType(type).filter((resource) => resource.name === name);
    if (matches.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${matches.length}`);
    return matches[0];
  }

  /** `[type, name]` of the component `prefix` and its children, sorted by name. */
  const resourcesOf = (prefix: string) =>
    recorder.resources
      .filter((resource) => resource.name === prefix || resource.name.startsWith(`${prefix}-`))
      .map((resource) => [resource.type, resource.name])
      .sort(([typeA, a], [typeB, b]) => a.localeCompare(b) || typeA.localeCompare(typeB));

  before(async () => {
    recorder = await installMocks("upload-store-test");
    store = new UploadStore("uploads", { kmsKeyArn });
    new UploadStore("files", {
      kmsKeyArn,
      rawUploadRetentionDays: 7,
      deletionProtection: true,
      forceDestroy: true,
    });
    await settledResources(recorder);
  });

  after(() => settledResources(recorder));

  describe("resources", () => {
    it("are exactly the bucket, its five configurations and the status table", () => {
      expect(resourcesOf("uploads")).to.deep.equal([
        ["txn:ingest:UploadStore", "uploads"],
        [bucketType, "uploads-bucket"],
        [encryptionType, "uploads-bucket-encryption"],
        [lifecycleType, "uploads-bucket-lifecycle"],
        [bucketPolicyType, "uploads-bucket-policy"],
        [publicAccessType, "uploads-bucket-public-access"],
        [versioningType, "uploads-bucket-versioning"],
        [tableType, "uploads-file-status"],
      ]);
    });

    it("optional arguments add no resource", () => {
      expect(
        resourcesOf("files").map(([type, name]) => [type, name.replace(/^files/, "uploads")]),
      ).to.deep.equal(resourcesOf("uploads"));
    });
  });

  describe("uploads bucket", () => {
    it("bucketPrefix is `<name>-uploads-`, forceDestroy false by default", () => {
      expect(exact(bucketType, "uploads-bucket").inputs).to.deep.equal({
        bucketPrefix: "uploads-uploads-",
        forceDestroy: false,
      });
    });

    it("forceDestroy is passed on", () => {
      expect(exact(bucketType, "files-bucket").inputs).to.deep.equal({
        bucketPrefix: "files-uploads-",
        forceDestroy: true,
      });
    });

    it("versioning status is Enabled", () => {
      expect(exact(versioningType, "uploads-bucket-versioning").inputs).to.deep.equal({
        bucket: bucketNameOf("uploads"),
        versioningConfiguration: { status: "Enabled" },
      });
    });

    it("default encryption is aws:kms with kmsKeyArn and bucketKeyEnabled", () => {
      expect(exact(encryptionType, "uploads-bucket-encryption").inputs).to.deep.equal({
        bucket: bucketNameOf("uploads"),
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
            bucketKeyEnabled: true,
          },
        ],
      });
    });

    it("public access block sets all four flags", () => {
      expect(exact(publicAccessType, "uploads-bucket-public-access").inputs).to.deep.equal({
        bucket: bucketNameOf("uploads"),
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    });

    it("policy denies non-TLS requests on the bucket and its objects, and non-KMS encryption headers", () => {
      const policy = exact(bucketPolicyType, "uploads-bucket-policy").inputs;
      expect(policy.bucket).to.equal(bucketNameOf("uploads"));
      const arn = bucketArnOf("uploads");
      expect(JSON.parse(String(policy.policy))).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [arn, `${arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "DenyEncryptionOtherThanKms",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: `${arn}/*`,
            Condition: {
              StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
              Null: { "s3:x-amz-server-side-encryption": "false" },
            },
          },
        ],
      });
    });
  });

  describe("lifecycle", () => {
    const rules = (days: number) => [
      {
        id: "expire-raw-uploads",
        status: "Enabled",
        filter: { prefix: "uploads/" },
        expiration: { days },
        noncurrentVersionExpiration: { noncurrentDays: 3 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
      {
        id: "expire-validated-uploads",
        status: "Enabled",
        filter: { prefix: "validated/" },
        expiration: { days },
        noncurrentVersionExpiration: { noncurrentDays: 3 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
    ];

    it("uploads/ and validated/ expire after 30 days by default, noncurrent versions after 3, multipart after 1", () => {
      expect(exact(lifecycleType, "uploads-bucket-lifecycle").inputs).to.deep.equal({
        bucket: bucketNameOf("uploads"),
        rules: rules(30),
      });
    });

    it("rawUploadRetentionDays sets the expiry of both prefixes", () => {
      expect(exact(lifecycleType, "files-bucket-lifecycle").inputs.rules).to.deep.equal(rules(7));
    });
  });

  describe("processing-status table", () => {
    it("on-demand, keyed by fileId, GSI byStatusUpdatedAt (status, updatedAt, keys only), PITR, SSE with kmsKeyArn, TTL on expiresAt", () => {
      expect(exact(tableType, "uploads-file-status").inputs).to.deep.equal({
        billingMode: "PAY_PER_REQUEST",
        hashKey: "fileId",
        attributes: [
          { name: "fileId", type: "S" },
          { name: "status", type: "S" },
          { name: "updatedAt", type: "S" },
        ],
        globalSecondaryIndexes: [
          {
            name: "byStatusUpdatedAt",
            keySchemas: [
              { attributeName: "status", keyType: "HASH" },
              { attributeName: "updatedAt", keyType: "RANGE" },
            ],
            projectionType: "KEYS_ONLY",
          },
        ],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn },
        deletionProtectionEnabled: false,
        ttl: { attributeName: "expiresAt", enabled: true },
      });
    });

    it("deletionProtection is passed on", () => {
      expect(exact(tableType, "files-file-status").inputs.deletionProtectionEnabled).to.equal(true);
    });
  });

  describe("outputs", () => {
    it("bucketName, bucketArn, statusTableName and statusTableArn", async () => {
      expect(
        await promiseOf(
          pulumi.all({
            bucketName: store.bucket.name,
            bucketArn: store.bucket.arn,
            statusTableName: store.statusTable.name,
            statusTableArn: store.statusTable.arn,
          }),
        ),
      ).to.deep.equal({
        bucketName: bucketNameOf("uploads"),
        bucketArn: bucketArnOf("uploads"),
        statusTableName: "uploads-file-status",
        statusTableArn: `arn:aws:dynamodb:eu-west-1:${accountId}:uploads-file-status`,
      });
    });

    it("asks the provider for nothing", () => {
      expect(recorder.calls).to.deep.equal([]);
    });
  });

  describe("argument checks", () => {
    const build =
      (overrides: Partial<UploadStoreArgs>, name = "bad") =>
      () =>
        new UploadStore(name, { kmsKeyArn, ...overrides });

    it("a name that cannot prefix the bucket is rejected", () => {
      expect(build({}, "Uploads")).to.throw(/UploadStore name "Uploads"/);
      expect(build({}, "a--b")).to.throw(/UploadStore name/);
      expect(build({}, "x".repeat(29))).to.throw(/at most 28 characters/);
    });

    it("kmsKeyArn is required and must be a key ARN", () => {
      expect(build({ kmsKeyArn: undefined as unknown as string })).to.throw(/kmsKeyArn is required/);
      expect(build({ kmsKeyArn: "" })).to.throw(/kmsKeyArn is required/);
      expect(build({ kmsKeyArn: "alias/pipeline" })).to.throw(
        /kmsKeyArn "alias\/pipeline" is not a KMS key ARN/,
      );
    });

    it("rawUploadRetentionDays must be an integer from 1 to 3650", () => {
      expect(build({ rawUploadRetentionDays: 0 })).to.throw(
        /rawUploadRetentionDays must be an integer from 1 to 3650, got 0/,
      );
      expect(build({ rawUploadRetentionDays: 1.5 })).to.throw(/rawUploadRetentionDays/);
      expect(build({ rawUploadRetentionDays: 3_651 })).to.throw(/rawUploadRetentionDays/);
    });
  });
});

describe("upload store builders", () => {
  it("uploadBucketPolicy has only Deny statements", async () => {
    const policy = await promiseOf(pulumi.output(uploadBucketPolicy("arn:aws:s3:::b")));
    expect(policy.Statement.map((statement) => [statement.Sid, statement.Effect])).to.deep.equal([
      ["DenyInsecureTransport", "Deny"],
      ["DenyEncryptionOtherThanKms", "Deny"],
    ]);
  });

  it("uploadLifecycleRules covers exactly the two prefixes of the upload layout, with the given days", () => {
    expect(uploadLifecycleRules(14).map((rule) => [rule.filter.prefix, rule.expiration.days])).to.deep.equal([
      ["uploads/", 14],
      ["validated/", 14],
    ]);
  });
});
