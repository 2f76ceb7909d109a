/**
 * The screening-lists refresh against a local HTTP server serving the official files and a real
 * S3 API (fauxqs): what it writes, what it refuses (a truncated file, a collapsed entry count, an
 * HTML error page, a failed download), and that the compliance function's bucket source reads
 * what it wrote. What this cannot prove: the publishers' real URLs and TLS, SSE-KMS (fauxqs
 * ignores it), and the IAM and network path of a deployed function.
 */
import { expect } from "chai";
import { gzipSync, gunzipSync } from "zlib";
import { readFileSync } from "fs";
import { createServer, type Server } from "http";
import type { AddressInfo } from "net";
import path from "path";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startEmulators, type Emulators } from "../../local/emulators";
import { localCredentials, localRegion } from "../../local/awsClients";
import { latestPointerKey, latestPointerSchema } from "../../functions/compliance/sanctions/indexStoreLayout";
import { BucketScreenerSource } from "../../functions/compliance/sanctions/screeningIndexSource";
import { parseScreeningIndex } from "../../functions/compliance/sanctions/screeningIndex";
import {
  refreshScreeningLists,
  type RefreshDependencies,
} from "../../functions/screening-lists-refresh/refreshScreeningLists";
import type { ListSource } from "../../functions/screening-lists-refresh/listSources";

const sdnBytes = gunzipSync(
  readFileSync(
    path.join(__dirname, "..", "..", "functions", "compliance", "lists", "ofac", "sdn-2024-05-03.csv.gz"),
  ),
);
const euBytes = readFileSync(path.join(__dirname, "..", "fixtures", "sanctions", "eu-fsf-excerpt.xml"));
const fixedNow = new Date("2024-05-04T06:00:00Z");
const thresholds = { review: 0.91, block: 0.97 };

/** What the local server answers for a path: status, body and headers. */
interface Served {
  status: number;
  body: Buffer;
  headers?: Record<string, string>;
}

describe("screening-lists refresh (local HTTP server + fauxqs S3)", function () {
  this.timeout(60_000);
  let emulators: Emulators;
  let s3: S3Client;
  let server: Server;
  let baseUrl: string;
  const served = new Map<string, Served>();
  let bucketCounter = 0;
  let bucket: string;

  before(async () => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    emulators = await startEmulators();
    s3 = new S3Client({
      region: localRegion,
      credentials: localCredentials,
      endpoint: emulators.messagingEndpoint,
      forcePathStyle: true,
    });
    server = createServer((request, response) => {
      const answer = served.get(request.url ?? "") ?? { status: 404, body: Buffer.from("not found") };
      response.writeHead(answer.status, { "content-length": String(answer.body.length), ...answer.headers });
      response.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    s3?.destroy();
    await emulators?.stop();
  });

  beforeEach(async () => {
    bucketCounter += 1;
    bucket = `screening-lists-${bucketCounter}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    served.clear();
    served.set("/sdn.csv", {
      status: 200,
      body: sdnBytes,
      headers: { "last-modified": "Fri, 03 May 2024 20:15:00 GMT" },
    });
    served.set("/eu.xml", { status: 200, body: euBytes });
  });

  const sdnSource = (): ListSource => ({
    list: "OFAC-SDN",
    url: `${baseUrl}/sdn.csv`,
    format: "ofac-sdn-csv",
  });
  const euSource = (): ListSource => ({ list: "EU-FSF", url: `${baseUrl}/eu.xml`, format: "eu-fsf-xml" });

  function deps(): RefreshDependencies {
    return { s3, bucket, fetch, now: () => fixedNow, minimumRetainedShare: 0.9, downloadTimeoutMs: 10_000 };
  }

  async function objectText(key: string): Promise<string | undefined> {
    try {
      const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await answer.Body?.transformToString("utf8");
    } catch {
      return undefined;
    }
  }

  async function writeFirstVersion(): Promise<void> {
    const first = await refreshScreeningLists([sdnSource()], deps());
    expect(first.status).to.equal("written");
  }

  it("writes a versioned index of both lists and points latest.json at it", async () => {
    // Act
    const outcome = await refreshScreeningLists([sdnSource(), euSource()], deps());
    // Assess
    expect(outcome.status).to.equal("written");
    const pointer = latestPointerSchema.parse(JSON.parse((await objectText(latestPointerKey)) ?? "null"));
    expect(pointer.lists).to.deep.equal([
      {
        list: "OFAC-SDN",
        publishedAt: "2024-05-03",
        entryCount: 14965,
        contentHash: "210ca6b4a8187a34e0850be69ecc6e918f23ad7778b8b5b2f9c9d5fbbaf4e0cb",
      },
      { list: "EU-FSF", publishedAt: "2024-05-02", entryCount: 3, contentHash: pointer.lists[1].contentHash },
    ]);
    const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: pointer.key }));
    const index = parseScreeningIndex(
      JSON.parse(gunzipSync(Buffer.from(await stored.Body!.transformToByteArray())).toString("utf8")),
    );
    expect(index.version).to.equal(pointer.version);
    expect(index.parties).to.have.length(14968);
  });

  it("writes nothing new when the lists have not changed", async () => {
    await writeFirstVersion();
    const before = await objectText(latestPointerKey);
    const again = await refreshScreeningLists([sdnSource()], deps());
    expect(again.status).to.equal("unchanged");
    expect(await objectText(latestPointerKey)).to.equal(before);
  });

  it("refuses a truncated file (connection dropped mid-body) and keeps the current version", async () => {
    await writeFirstVersion();
    const before = await objectText(latestPointerKey);
    // Cut mid-line: the file no longer ends with a line break (the server announces the cut length).
    served.set("/sdn.csv", { status: 200, body: sdnBytes.subarray(0, Math.floor(sdnBytes.length / 2)) });
    const refusal = await refreshScreeningLists([sdnSource()], deps()).catch((error: unknown) => error);
    expect(refusal).to.have.property("name", "ScreeningListRefusedError");
    expect(String(refusal)).to.match(/cut short/);
    expect(await objectText(latestPointerKey)).to.equal(before);
  });

  it("refuses a file cut at a line break whose entry count collapsed against the current version", async () => {
    await writeFirstVersion();
    const before = await objectText(latestPointerKey);
    // The first 10,000 complete lines: well-formed, but a third of the list gone.
    let end = 0;
    for (let line = 0; line < 10_000; line += 1) end = sdnBytes.indexOf("\r\n", end) + 2;
    served.set("/sdn.csv", { status: 200, body: sdnBytes.subarray(0, end) });
    const refusal = await refreshScreeningLists([sdnSource()], deps()).catch((error: unknown) => error);
    expect(String(refusal)).to.match(/OFAC-SDN refused: entry count collapsed from 14965 to 10000/);
    expect(await objectText(latestPointerKey)).to.equal(before);
  });

  it("accepts a list that shrank within the allowed share (delistings happen)", async () => {
    await writeFirstVersion();
    let end = 0;
    for (let line = 0; line < 14_000; line += 1) end = sdnBytes.indexOf("\r\n", end) + 2;
    served.set("/sdn.csv", { status: 200, body: sdnBytes.subarray(0, end) });
    const outcome = await refreshScreeningLists([sdnSource()], deps());
    expect(outcome.status).to.equal("written");
  });

  it("refuses a body shorter than its announced length", async () => {
    const cut = sdnBytes.subarray(0, 1000);
    served.set("/sdn.csv", {
      status: 200,
      body: cut,
      headers: { "content-length": String(sdnBytes.length) },
    });
    // The server would hang waiting to send the rest; answer a compressed-free short body instead.
    const outcome = await refreshScreeningLists([sdnSource()], {
      ...deps(),
      fetch: async () =>
        new Response(cut, { status: 200, headers: { "content-length": String(sdnBytes.length) } }),
    }).catch((error: unknown) => error);
    expect(String(outcome)).to.match(/received 1000 bytes of the 3909739 announced: cut short/);
  });

  it("refuses an error page served with 200, an HTTP error and an unreachable server", async () => {
    served.set("/sdn.csv", { status: 200, body: Buffer.from("<html><body>Maintenance</body></html>\r\n") });
    expect(
      String(await refreshScreeningLists([sdnSource()], deps()).catch((error: unknown) => error)),
    ).to.match(/OFAC-SDN refused: .*columns/);
    served.set("/sdn.csv", { status: 503, body: Buffer.from("busy") });
    expect(
      String(await refreshScreeningLists([sdnSource()], deps()).catch((error: unknown) => error)),
    ).to.match(/HTTP 503/);
    const unreachable = { ...sdnSource(), url: "http://127.0.0.1:1/sdn.csv" };
    expect(
      String(await refreshScreeningLists([unreachable], deps()).catch((error: unknown) => error)),
    ).to.match(/download failed/);
    expect(await objectText(latestPointerKey)).to.equal(undefined);
  });

  describe("the compliance function's bucket source", () => {
    const warnings: string[] = [];
    const source = (fallbackCalls: { count: number }) =>
      new BucketScreenerSource({
        s3,
        bucket,
        thresholds,
        recheckMs: 5 * 60_000,
        fallback: () => {
          fallbackCalls.count += 1;
          return parseScreeningIndex({
            format: 1,
            version: "EU-FSF@2024-05-02#000000000000",
            builtAt: fixedNow.toISOString(),
            lists: [
              { list: "EU-FSF", publishedAt: "2024-05-02", entryCount: 0, contentHash: "0".repeat(64) },
            ],
            parties: [],
          });
        },
        warn: (message) => warnings.push(message),
      });

    it("uses the bundled fallback until a version exists, then picks the new one up at the next re-check", async () => {
      const fallbackCalls = { count: 0 };
      const reader = source(fallbackCalls);
      const start = new Date("2024-05-04T06:00:00Z");
      expect((await reader.screener(start)).version).to.equal("EU-FSF@2024-05-02#000000000000");
      expect(fallbackCalls.count).to.equal(1);
      await writeFirstVersion();
      // Within the re-check interval: still the loaded one.
      expect((await reader.screener(new Date(start.getTime() + 60_000))).version).to.match(/^EU-FSF/);
      const refreshed = await reader.screener(new Date(start.getTime() + 5 * 60_000));
      expect(refreshed.version).to.equal("OFAC-SDN@2024-05-03#210ca6b4a818");
      expect(refreshed.screen("Mousa Mohammed Abu Marzook")?.entryNumber).to.equal("3754");
    });

    it("keeps the loaded version when the stored object does not match its hash", async () => {
      await writeFirstVersion();
      const reader = source({ count: 0 });
      const start = new Date("2024-05-04T06:00:00Z");
      const loaded = await reader.screener(start);
      const pointer = latestPointerSchema.parse(JSON.parse((await objectText(latestPointerKey)) ?? "null"));
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: pointer.key, Body: gzipSync(Buffer.from("{}")) }),
      );
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: latestPointerKey,
          Body: JSON.stringify({ ...pointer, version: "OFAC-SDN@2024-05-10#ffffffffffff" }),
        }),
      );
      warnings.length = 0;
      const after = await reader.screener(new Date(start.getTime() + 10 * 60_000));
      expect(after).to.equal(loaded);
      expect(warnings).to.deep.equal(["Screening-index re-check failed: keeping the loaded version"]);
    });
  });
});
