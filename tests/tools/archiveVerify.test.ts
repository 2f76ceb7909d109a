/**
 * The archive verify CLI against a partition the real archival job wrote into fauxqs: an intact
 * partition passes; a tampered part, a missing part, an extra object and a missing manifest are
 * each reported and fail with exit code 1; usage errors exit 2 before touching S3.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { expect } from "chai";
import { runArchival } from "../../functions/archival/archivalRun";
import { manifestKey, partKey } from "../../functions/shared/archiveLayout";
import { localCredentials, localRegion } from "../../local/awsClients";
import { formatPartitionCheck, verifyPartition } from "../../tools/archiveVerification";
import { ExitCode, parseVerifyArguments, runArchiveVerify, UsageError } from "../../tools/archiveVerify";
import {
  decidedOn,
  listKeys,
  objectBytes,
  oldDay,
  putItems,
  recordingLog,
  recordingMetrics,
  remainingTime,
  startArchiveBench,
  testNow,
  type ArchiveBench,
} from "../functions/support/archiveFixture";

interface CapturedRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe("archive verify CLI", function () {
  this.timeout(30_000);
  let bench: ArchiveBench;
  /** A bucket holding the intact partition of `oldDay`: 3 parts (250, 250, 100 records). */
  let pristine: string;
  let copies = 0;
  const savedEnvironment = { ...process.env };

  before(async () => {
    bench = await startArchiveBench();
    const scene = await bench.newScene({ chunkSize: 250 });
    await putItems(
      bench.testDynamoDb,
      scene.config.transactionsTable,
      decidedOn(oldDay, 600, "verify", 60_000),
    );
    await runArchival(
      {
        config: scene.config,
        dynamoDb: bench.dynamoDb,
        s3: bench.s3,
        log: recordingLog(),
        metrics: recordingMetrics(),
        now: () => testNow,
        minimumTimeMarginMs: 1000,
      },
      remainingTime(),
    );
    pristine = scene.config.archiveBucket;
    // The CLI builds its own client from the usual SDK sources.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    });
  });

  after(async () => {
    for (const key of Object.keys(process.env)) if (!(key in savedEnvironment)) delete process.env[key];
    Object.assign(process.env, savedEnvironment);
    await bench?.stop();
  });

  /** A fresh bucket with a copy of the pristine partition, to tamper with. */
  async function copyOfPartition(): Promise<string> {
    copies += 1;
    const bucket = `verify-copy-${process.pid}-${copies}`;
    await bench.testS3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const key of await listKeys(bench.testS3, pristine, "transactions/")) {
      await bench.testS3.send(
        new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: `${pristine}/${key}` }),
      );
    }
    return bucket;
  }

  async function cli(...argv: string[]): Promise<CapturedRun> {
    let stdout = "";
    let stderr = "";
    const code = await runArchiveVerify(argv, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
    });
    return { code, stdout, stderr };
  }

  function localArguments(bucket: string): string[] {
    return [
      "--bucket",
      bucket,
      "--date",
      oldDay,
      "--endpoint",
      bench.emulators.messagingEndpoint,
      "--region",
      localRegion,
    ];
  }

  it("passes an intact partition and prints every part", async () => {
    const check = await verifyPartition(bench.testS3, pristine, oldDay);
    expect(check.ok).to.equal(true);
    expect(check.parts.map((part) => [part.key, part.actualRecords, part.problems])).to.deep.equal([
      [partKey(oldDay, 0), 250, []],
      [partKey(oldDay, 1), 250, []],
      [partKey(oldDay, 2), 100, []],
    ]);
    expect(check.extraObjects).to.deep.equal([]);

    const run = await cli(...localArguments(pristine));
    expect(run.code).to.equal(ExitCode.ok);
    expect(run.stdout).to.match(
      /^part-00001\.json\.gz\s+complete\s+250\/250\s+\d+\/\d+\s+[0-9a-f]{12} ok\s+ok$/m,
    );
    expect(run.stdout).to.include("600/600 record(s) verified. OK");
    expect(run.stderr).to.equal("");
  });

  it("detects a tampered part: same key, different bytes", async () => {
    const bucket = await copyOfPartition();
    const original = await objectBytes(bench.testS3, bucket, partKey(oldDay, 1));
    const text = gunzipSync(original as Buffer).toString("utf8");
    const forged = gzipSync(Buffer.from(text.replace('"status":"APPROVED"', '"status":"REJECTED"'), "utf8"));
    await bench.testS3.send(new PutObjectCommand({ Bucket: bucket, Key: partKey(oldDay, 1), Body: forged }));

    const check = await verifyPartition(bench.testS3, bucket, oldDay);
    expect(check.ok).to.equal(false);
    const tampered = check.parts[1];
    expect(tampered.problems).to.include("SHA-256 differs from the manifest");
    // Same number of records: only the hash gives the forgery away.
    expect(tampered.actualRecords).to.equal(250);
    expect(check.parts[0].problems).to.deep.equal([]);

    const run = await cli(...localArguments(bucket));
    expect(run.code).to.equal(ExitCode.mismatch);
    expect(run.stdout).to.match(/^part-00001\.json\.gz\s+complete.*MISMATCH.*SHA-256 differs/m);
    expect(run.stdout).to.include("1 failed");
    expect(run.stdout).to.include("FAILED");
  });

  it("detects a part truncated to garbage", async () => {
    const bucket = await copyOfPartition();
    await bench.testS3.send(
      new PutObjectCommand({ Bucket: bucket, Key: partKey(oldDay, 0), Body: Buffer.from("not gzip at all") }),
    );
    const check = await verifyPartition(bench.testS3, bucket, oldDay);
    expect(check.ok).to.equal(false);
    expect(check.parts[0].problems.join("; ")).to.match(/size 15 bytes.*SHA-256 differs.*not gzip/);
  });

  it("detects a missing part", async () => {
    const bucket = await copyOfPartition();
    await bench.testS3.send(new DeleteObjectCommand({ Bucket: bucket, Key: partKey(oldDay, 2) }));
    const check = await verifyPartition(bench.testS3, bucket, oldDay);
    expect(check.ok).to.equal(false);
    expect(check.parts[2].problems).to.deep.equal(["object missing"]);

    const run = await cli(...localArguments(bucket));
    expect(run.code).to.equal(ExitCode.mismatch);
    expect(run.stdout).to.match(/^part-00002\.json\.gz\s+complete\s+-\/100\s+-\/\d+\s+-\s+object missing$/m);
  });

  it("detects an object in the partition that the manifest does not list", async () => {
    const bucket = await copyOfPartition();
    await bench.testS3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: partKey(oldDay, 3),
        Body: gzipSync('{"transactionId":"x"}\n'),
      }),
    );
    const check = await verifyPartition(bench.testS3, bucket, oldDay);
    expect(check.ok).to.equal(false);
    expect(check.extraObjects).to.deep.equal([partKey(oldDay, 3)]);
    expect(check.parts.every((part) => part.problems.length === 0)).to.equal(true);
    expect(formatPartitionCheck(check)).to.include(
      `EXTRA  ${partKey(oldDay, 3)} is not listed in the manifest`,
    );

    const run = await cli(...localArguments(bucket));
    expect(run.code).to.equal(ExitCode.mismatch);
  });

  it("fails a partition without a manifest, and one whose manifest was edited", async () => {
    const bucket = await copyOfPartition();
    const manifest = JSON.parse(String(await objectBytes(bench.testS3, bucket, manifestKey(oldDay))));
    manifest.records = 599;
    await bench.testS3.send(
      new PutObjectCommand({ Bucket: bucket, Key: manifestKey(oldDay), Body: JSON.stringify(manifest) }),
    );
    const edited = await verifyPartition(bench.testS3, bucket, oldDay);
    expect(edited.ok).to.equal(false);
    expect(edited.problems).to.deep.equal(["manifest total 599 records, its parts add up to 600"]);

    await bench.testS3.send(new DeleteObjectCommand({ Bucket: bucket, Key: manifestKey(oldDay) }));
    const missing = await verifyPartition(bench.testS3, bucket, oldDay);
    expect(missing.ok).to.equal(false);
    expect(missing.problems).to.deep.equal([`no manifest at ${manifestKey(oldDay)}`]);
    expect(missing.extraObjects).to.have.length(3);
  });

  it("passes a part still finishing its deletes, and says so", async () => {
    const bucket = await copyOfPartition();
    const manifest = JSON.parse(String(await objectBytes(bench.testS3, bucket, manifestKey(oldDay))));
    manifest.parts[2].state = "written";
    await bench.testS3.send(
      new PutObjectCommand({ Bucket: bucket, Key: manifestKey(oldDay), Body: JSON.stringify(manifest) }),
    );
    const check = await verifyPartition(bench.testS3, bucket, oldDay);
    expect(check.ok).to.equal(true);
    expect(formatPartitionCheck(check)).to.include("1 part(s) still finishing their deletes. OK");
  });

  it("exits 1 with a message when the bucket cannot be read", async () => {
    const run = await cli(...localArguments("no-such-bucket-anywhere"));
    expect(run.code).to.equal(ExitCode.mismatch);
    expect(run.stderr).to.match(/could not read s3:\/\/no-such-bucket-anywhere: NoSuchBucket/);
  });

  describe("usage errors exit 2 and say what is wrong", () => {
    const cases: [string, string[], RegExp][] = [
      ["no arguments", [], /--bucket is required/],
      ["no date", ["--bucket", "b"], /--date is required/],
      [
        "a date that is not a day",
        ["--bucket", "b", "--date", "2025-02-30"],
        /--date must be a calendar day/,
      ],
      [
        "a date in another format",
        ["--bucket", "b", "--date", "13/11/2025"],
        /--date must be a calendar day/,
      ],
      ["an unknown option", ["--bucket", "b", "--date", oldDay, "--force"], /Unknown option '--force'/],
      [
        "a stray positional argument",
        ["--bucket", "b", "--date", oldDay, "extra"],
        /Unexpected argument 'extra'/,
      ],
      [
        "a bad endpoint",
        ["--bucket", "b", "--date", oldDay, "--endpoint", "not a url"],
        /--endpoint must be a URL/,
      ],
    ];
    for (const [title, argv, expected] of cases) {
      it(title, async () => {
        expect(() => parseVerifyArguments(argv)).to.throw(UsageError, expected);
        const run = await cli(...argv);
        expect(run.code).to.equal(ExitCode.usage);
        expect(run.stderr).to.match(expected);
        expect(run.stderr).to.include("Usage: npm run archive:verify --");
        expect(run.stdout).to.equal("");
      });
    }

    it("--help prints the usage and exits 0", async () => {
      const run = await cli("--help");
      expect(run.code).to.equal(ExitCode.ok);
      expect(run.stdout).to.include("Usage: npm run archive:verify --");
    });
  });

  /** Runs a command without blocking this process, whose emulators the command talks to. */
  function command(
    file: string,
    argv: string[],
    cwd: string,
  ): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(file, argv, {
        cwd,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      child.on("error", reject);
      child.on("close", (status) => resolvePromise({ status, stdout, stderr }));
    });
  }

  it("runs as a command: `tsx tools/archiveVerify.ts` exits with the verification's code", async () => {
    const root = resolve(__dirname, "../..");
    const tsx = resolve(root, "node_modules/.bin/tsx");
    const [intact, usage] = await Promise.all([
      command(tsx, ["tools/archiveVerify.ts", ...localArguments(pristine)], root),
      command(tsx, ["tools/archiveVerify.ts", "--date", "yesterday"], root),
    ]);
    expect(intact.status, intact.stderr).to.equal(0);
    expect(intact.stdout).to.include("OK");
    expect(usage.status).to.equal(2);
    expect(usage.stderr).to.include("--bucket is required");
  });
});
