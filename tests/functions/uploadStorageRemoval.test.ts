/**
 * Removing a refused presigned upload from a versioned bucket: the emulator keeps no versions, so
 * the S3 answers a versioned bucket gives are played here (aws-sdk-client-mock) and the exact calls
 * asserted: a delete (so no reader sees the file at once), then every version and delete marker of
 * that key, page by page, deleted by version id, and nothing of a neighbouring key.
 *
 * What this cannot prove: that S3 itself honours the calls (IAM grants them: iamSimulation.test.ts).
 */
import { expect } from "chai";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { UploadStorage, UploadStorageError } from "../../functions/csv-intake/uploadStorage";

const bucket = "uploads";
const fileId = "0b6f1c1e-4a53-4f5e-9d55-7d1b2c3e4f50";
const key = `uploads/${fileId}.csv`;

describe("csv-intake: a refused presigned upload is removed with every version", () => {
  // Tests run on Node 20; the SDK's "Node 22 from 2027" notice is noise here, not news.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const s3 = new S3Client({ region: "eu-west-1" });
  const s3Mock = mockClient(s3);
  const storage = new UploadStorage(s3, s3, bucket);

  beforeEach(() => {
    s3Mock.reset();
  });

  after(() => {
    s3Mock.restore();
  });

  it("deletes the key, then each version and delete marker by id over every page, and only that key's", async () => {
    // Prepare: two pages; the listing by prefix also returns a longer key that starts the same way.
    s3Mock.on(DeleteObjectCommand).resolves({ DeleteMarker: true, VersionId: "marker-1" });
    s3Mock
      .on(ListObjectVersionsCommand, { Bucket: bucket, Prefix: key, KeyMarker: undefined })
      .resolves({
        IsTruncated: true,
        NextKeyMarker: key,
        NextVersionIdMarker: "v-2",
        Versions: [
          { Key: key, VersionId: "v-1" },
          { Key: `${key}.bak`, VersionId: "other-1" },
        ],
        DeleteMarkers: [{ Key: key, VersionId: "marker-1" }],
      })
      .on(ListObjectVersionsCommand, { Bucket: bucket, Prefix: key, KeyMarker: key, VersionIdMarker: "v-2" })
      .resolves({ IsTruncated: false, Versions: [{ Key: key, VersionId: "v-2" }] });
    s3Mock.on(DeleteObjectsCommand).resolves({ Errors: [] });

    // Act
    await storage.removeIncoming(fileId);

    // Assess
    expect(s3Mock.calls().map((call) => call.args[0].constructor.name)).to.deep.equal([
      "DeleteObjectCommand",
      "ListObjectVersionsCommand",
      "DeleteObjectsCommand",
      "ListObjectVersionsCommand",
      "DeleteObjectsCommand",
    ]);
    expect(s3Mock.commandCalls(DeleteObjectCommand)[0].args[0].input).to.deep.equal({
      Bucket: bucket,
      Key: key,
    });
    expect(s3Mock.commandCalls(DeleteObjectsCommand).map((call) => call.args[0].input)).to.deep.equal([
      {
        Bucket: bucket,
        Delete: {
          Objects: [
            { Key: key, VersionId: "v-1" },
            { Key: key, VersionId: "marker-1" },
          ],
          Quiet: true,
        },
      },
      { Bucket: bucket, Delete: { Objects: [{ Key: key, VersionId: "v-2" }], Quiet: true } },
    ]);
  });

  it("a version S3 would not delete fails the removal, so the event is retried", async () => {
    s3Mock.on(DeleteObjectCommand).resolves({});
    s3Mock.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: key, VersionId: "v-1" }] });
    s3Mock.on(DeleteObjectsCommand).resolves({
      Errors: [{ Key: key, VersionId: "v-1", Code: "AccessDenied", Message: "Access Denied" }],
    });

    let failure: unknown;
    try {
      await storage.removeIncoming(fileId);
    } catch (error) {
      failure = error;
    }

    expect(failure).to.be.instanceOf(UploadStorageError);
  });
});
