/**
 * The local S3 endpoint in front of fauxqs: a single PUT larger than fauxqs's 11 MiB body limit is
 * taken whole (as S3 takes up to 5 GB in one PUT), small PUTs and every other call pass through
 * unchanged, and a body cut short leaves no object behind.
 */
import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { expect } from "chai";
import { GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { localCredentials, localRegion } from "../../local/awsClients";
import { startEmulators, type Emulators } from "../../local/emulators";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const mebibyte = 1024 ** 2;

/** Random bytes: a reordered or repeated part would not go unseen. */
const bodyOf = (bytes: number): Buffer => randomBytes(bytes);

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("local S3 endpoint: PUTs beyond the emulator's body limit", function () {
  this.timeout(60_000);
  let emulators: Emulators;
  let s3: S3Client;
  const bucket = "s3-endpoint-test";

  before(async () => {
    emulators = await startEmulators();
    emulators.fauxqs.createBucket(bucket);
    s3 = new S3Client({
      region: localRegion,
      credentials: localCredentials,
      endpoint: emulators.s3Endpoint,
      forcePathStyle: true,
    });
  });

  after(async () => {
    s3?.destroy();
    await emulators?.stop();
  });

  async function read(
    key: string,
  ): Promise<{ body: Buffer; contentType?: string; metadata?: Record<string, string> }> {
    const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return {
      body: Buffer.from(await answer.Body!.transformToByteArray()),
      contentType: answer.ContentType,
      metadata: answer.Metadata,
    };
  }

  it("takes a 20 MiB PUT whole, as a presigned upload sends it, with its content type and metadata", async () => {
    // Prepare
    const body = bodyOf(20 * mebibyte);
    const key = "large/20-mib.csv";

    // Act
    const direct = await fetch(`${emulators.messagingEndpoint}/${bucket}/direct.csv`, {
      method: "PUT",
      headers: { "content-type": "text/csv" },
      body,
    });
    const put = await fetch(`${emulators.s3Endpoint}/${bucket}/${key}?x-id=PutObject`, {
      method: "PUT",
      headers: { "content-type": "text/csv", "x-amz-meta-origin": "back-office" },
      body,
    });

    // Assess: the emulator alone refuses it; through the endpoint the object is the bytes sent.
    expect(direct.status).to.equal(413);
    expect(put.status, await put.text()).to.equal(200);
    expect(put.headers.get("etag")).to.match(/^"[0-9a-f]{32}-3"$/);
    const stored = await read(key);
    expect(stored.body.length).to.equal(body.length);
    expect(sha256(stored.body)).to.equal(sha256(body));
    expect(stored.contentType).to.equal("text/csv");
    expect(stored.metadata).to.deep.equal({ origin: "back-office" });
  });

  it("passes a PUT within one part through unchanged: the ETag is the body's MD5", async () => {
    // Prepare
    const body = bodyOf(mebibyte);

    // Act
    const put = await fetch(`${emulators.s3Endpoint}/${bucket}/small.csv`, {
      method: "PUT",
      headers: { "content-type": "text/csv" },
      body,
    });

    // Assess
    expect(put.status).to.equal(200);
    expect(put.headers.get("etag")).to.equal(`"${createHash("md5").update(body).digest("hex")}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "small.csv" }));
    expect(head.ContentLength).to.equal(body.length);
  });

  it("leaves no object when the client goes away before the whole body is sent", async () => {
    // Prepare: 20 MiB announced, 12 MiB sent (more than one part), then the connection dropped.
    const key = "cut/short.csv";
    const endpoint = new URL(emulators.s3Endpoint);

    // Act
    await new Promise<void>((resolve) => {
      const request = httpRequest({
        host: endpoint.hostname,
        port: endpoint.port,
        method: "PUT",
        path: `/${bucket}/${key}`,
        headers: { "content-type": "text/csv", "content-length": 20 * mebibyte },
      });
      request.on("error", () => resolve());
      request.on("close", () => resolve());
      request.write(bodyOf(12 * mebibyte), () => setTimeout(() => request.destroy(), 200));
    });

    // Assess: the upload was aborted, never completed.
    const head = await s3
      .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
      .catch((error: Error) => error);
    expect(head).to.be.instanceOf(Error);
    expect((head as Error).name).to.equal("NotFound");
  });
});
