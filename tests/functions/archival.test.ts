/**
 * The archival job against real emulators: dynalite for the tables (created from the deployed
 * definitions, byDecidedDay index included) and fauxqs for the audit bucket. The clock is fixed at
 * 2025-11-15T12:00Z, so with 24 hours the cutoff is 2025-11-14T12:00Z.
 *
 * What these tests cannot prove: S3 Object Lock, versioning and SSE-KMS (fauxqs ignores bucket
 * configuration), or that DynamoDB's own `=` on whole maps behaves like the leaf-by-leaf condition
 * used here (dynalite cannot compare whole maps; see unchangedCondition.ts).
 */
import { createHash } from "node:crypto";
import { UpdateItemCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import {
  runArchival,
  type ArchivalDependencies,
  type ArchivalSummary,
} from "../../functions/archival/archivalRun";
import { watermarkKey } from "../../functions/archival/manifest";
import { manifestKey, partKey } from "../../functions/shared/archiveLayout";
import {
  archivedIds,
  cutoffDay,
  decidedOn,
  getItem,
  listKeys,
  objectBytes,
  oldDay,
  putItems,
  readPartition,
  recordingLog,
  recordingMetrics,
  remainingTime,
  scanIds,
  scanItems,
  startArchiveBench,
  testNow,
  undecidedTransaction,
  type ArchiveBench,
  type ArchiveScene,
  type ArchivedPartition,
  type PlainItem,
  type RecordedLog,
  type RecordedMetrics,
} from "./support/archiveFixture";

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  throw new Error("expected a rejection");
}

class InjectedCrash extends Error {
  constructor(where: string) {
    super(`injected crash ${where}`);
    this.name = "InjectedCrash";
  }
}

function ids(items: readonly PlainItem[]): string[] {
  return items.map((item) => String(item.transactionId)).sort();
}

/** The manifest matches the objects byte for byte, and lists nothing but the parts in order. */
function expectConsistentManifest(
  partition: ArchivedPartition,
  day: string,
  parts: number,
  records: number,
): void {
  const manifest = partition.manifest;
  expect(manifest, "manifest").to.not.equal(undefined);
  if (!manifest) return;
  expect(manifest.day).to.equal(day);
  expect(manifest.partition).to.equal(`dt=${day}`);
  expect(manifest.records).to.equal(records);
  expect(manifest.parts.map((part) => part.key)).to.deep.equal(
    Array.from({ length: parts }, (_, index) => partKey(day, index)),
  );
  manifest.parts.forEach((part, index) => {
    const stored = partition.parts[index];
    expect(part.state, part.key).to.equal("complete");
    expect(part.records, part.key).to.equal(stored.lines.length);
    expect(part.bytes, part.key).to.equal(stored.bytes.byteLength);
    expect(part.sha256, part.key).to.equal(sha256(stored.bytes));
  });
  expect(partition.keys).to.deep.equal([...manifest.parts.map((part) => part.key), manifestKey(day)].sort());
}

/**
 * Every call the job made is one the deployed role allows (components/archive/policies.ts): Query
 * on byDecidedDay only, BatchGetItem and DeleteItem on the transactions table, PutItem on the
 * archived-transactions table; GetObject, PutObject and ListObjectsV2 under transactions/ and state/.
 */
function expectOnlyGrantedCalls(bench: ArchiveBench, scene: ArchiveScene): void {
  const { transactionsTable, archivedTransactionsTable, archiveBucket } = scene.config;
  expect(bench.dynamoDbCalls.calls).to.not.have.length(0);
  expect(bench.s3Calls.calls).to.not.have.length(0);
  for (const call of bench.dynamoDbCalls.calls) {
    const input = call.input;
    switch (call.commandName) {
      case "QueryCommand":
        expect(input).to.deep.include({ TableName: transactionsTable, IndexName: "byDecidedDay" });
        break;
      case "BatchGetItemCommand":
        expect(Object.keys(input.RequestItems as object)).to.deep.equal([transactionsTable]);
        break;
      case "DeleteItemCommand":
        expect(input.TableName).to.equal(transactionsTable);
        break;
      case "PutItemCommand":
        expect(input.TableName).to.equal(archivedTransactionsTable);
        break;
      default:
        expect.fail(`DynamoDB ${call.commandName} is not granted to the archival role`);
    }
  }
  const underPrefixes = (value: unknown): boolean =>
    typeof value === "string" && (value.startsWith("transactions/") || value.startsWith("state/"));
  for (const call of bench.s3Calls.calls) {
    expect(call.input.Bucket).to.equal(archiveBucket);
    if (call.commandName === "ListObjectsV2Command") {
      expect(underPrefixes(call.input.Prefix), String(call.input.Prefix)).to.equal(true);
    } else if (call.commandName === "GetObjectCommand" || call.commandName === "PutObjectCommand") {
      expect(underPrefixes(call.input.Key), String(call.input.Key)).to.equal(true);
    } else {
      expect.fail(`S3 ${call.commandName} is not granted to the archival role`);
    }
  }
}

describe("archival job (dynalite + fauxqs)", function () {
  this.timeout(60_000);
  let bench: ArchiveBench;

  before(async () => {
    bench = await startArchiveBench();
  });

  after(async () => {
    await bench?.stop();
  });

  interface Harness {
    readonly log: RecordedLog;
    readonly metrics: RecordedMetrics;
    readonly deps: ArchivalDependencies;
  }

  function harness(scene: ArchiveScene, extra: Partial<ArchivalDependencies> = {}): Harness {
    const log = recordingLog();
    const metrics = recordingMetrics();
    return {
      log,
      metrics,
      deps: {
        config: scene.config,
        dynamoDb: bench.dynamoDb,
        s3: bench.s3,
        log,
        metrics,
        now: () => testNow,
        minimumTimeMarginMs: 1000,
        ...extra,
      },
    };
  }

  describe("a day of 5,000 decided transactions, in parts of 500", function () {
    // 5,000 items through the emulators take a minute or more on a busy machine.
    this.timeout(240_000);
    const eligible = decidedOn(oldDay, 5000, "old", 17_000);
    // Decided on the cutoff day but after the cutoff instant, and today: not old enough.
    const notYetEligible = [
      ...decidedOn(cutoffDay, 10, "after-cutoff", 60_000, "12:00:00"),
      ...decidedOn("2025-11-15", 10, "today", 60_000, "09:00:00"),
    ];
    const undecided = Array.from({ length: 10 }, (_, index) => undecidedTransaction(`undecided-${index}`));
    const intakeRecords = eligible.slice(0, 50).map((item) => ({
      transactionId: item.transactionId,
      state: "ACCEPTED",
      receivedAt: item.receivedAt,
      expiresAt: 1_763_600_000,
    }));
    let scene: ArchiveScene;
    let run: Harness;
    let summary: ArchivalSummary;
    let partition: ArchivedPartition;

    before(async () => {
      scene = await bench.newScene({ chunkSize: 500 });
      await putItems(bench.testDynamoDb, scene.config.transactionsTable, [
        ...eligible,
        ...notYetEligible,
        ...undecided,
      ]);
      await putItems(bench.testDynamoDb, scene.intakeTable, intakeRecords);
      run = harness(scene);
      summary = await runArchival(run.deps, remainingTime());
      partition = await readPartition(bench.testS3, scene.config.archiveBucket, oldDay);
    });

    it("archives exactly the 5,000 eligible transactions in ceil(5000 / 500) = 10 parts", () => {
      expect(summary).to.deep.include({
        cutoff: "2025-11-14T12:00:00.000Z",
        partsWritten: 10,
        partsRecovered: 0,
        archived: 5000,
        keptChanged: 0,
        complete: true,
      });
      // 2025-10-15 (30 days before the cutoff day) through 2025-11-14.
      expect(summary.daysProcessed).to.equal(31);
    });

    it("writes every archived id exactly once, in index order, each line the item as stored", () => {
      const archived = archivedIds(partition);
      expect(archived).to.have.length(5000);
      expect(new Set(archived).size).to.equal(5000);
      expect(archived).to.deep.equal(eligible.map((item) => item.transactionId));
      expect(partition.parts.map((part) => part.lines.length)).to.deep.equal(Array(10).fill(500));
      expect(partition.parts[3].lines[17]).to.deep.equal(eligible[3 * 500 + 17]);
    });

    it("lists each part in the manifest with its record count, byte length and SHA-256, all complete", () => {
      expectConsistentManifest(partition, oldDay, 10, 5000);
    });

    it("keeps only the not-yet-eligible and undecided transactions in the hot table", async () => {
      expect(await scanIds(bench.testDynamoDb, scene.config.transactionsTable)).to.deep.equal(
        ids([...notYetEligible, ...undecided]),
      );
    });

    it("writes nothing for the cutoff day, whose transactions are all after the cutoff", async () => {
      expect(
        await listKeys(bench.testS3, scene.config.archiveBucket, `transactions/dt=${cutoffDay}/`),
      ).to.deep.equal([]);
    });

    it("records where each archived transaction went, kept for the retention period", async () => {
      const records = await scanItems(bench.testDynamoDb, scene.config.archivedTransactionsTable);
      expect(records).to.have.length(5000);
      const first = records.find((record) => record.transactionId === eligible[0].transactionId);
      expect(first).to.deep.equal({
        transactionId: eligible[0].transactionId,
        day: oldDay,
        partition: `dt=${oldDay}`,
        objectKey: partKey(oldDay, 0),
        archivedAt: testNow.toISOString(),
        expiresAt: testNow.getTime() / 1000 + 400 * 86_400,
      });
      const last = records.find((record) => record.transactionId === eligible[4999].transactionId);
      expect(last?.objectKey).to.equal(partKey(oldDay, 9));
    });

    it("leaves the intake dedupe records alone", async () => {
      expect(await scanIds(bench.testDynamoDb, scene.intakeTable)).to.deep.equal(ids(intakeRecords));
    });

    it("makes only calls the deployed role allows (no Scan, no GetItem, S3 only under its prefixes)", () => {
      expectOnlyGrantedCalls(bench, scene);
    });

    it("never scans: queries byDecidedDay, reads at most 100 keys per consistent BatchGetItem", () => {
      const calls = bench.dynamoDbCalls.calls.map((call) => call.commandName);
      expect(calls).to.not.include("ScanCommand");
      const queries = bench.dynamoDbCalls.named("QueryCommand");
      expect(queries.length).to.be.greaterThan(0);
      for (const query of queries) expect(query.input.IndexName).to.equal("byDecidedDay");
      const batchGets = bench.dynamoDbCalls.named("BatchGetItemCommand");
      expect(batchGets).to.have.length(50);
      for (const call of batchGets) {
        const request = (
          call.input.RequestItems as Record<string, { Keys: unknown[]; ConsistentRead: boolean }>
        )[scene.config.transactionsTable];
        expect(request.Keys.length).to.be.at.most(100);
        expect(request.ConsistentRead).to.equal(true);
      }
      expect(bench.dynamoDbCalls.count("DeleteItemCommand")).to.equal(5000);
      for (const call of bench.dynamoDbCalls.named("DeleteItemCommand").slice(0, 5)) {
        expect(call.input.ConditionExpression)
          .to.be.a("string")
          .and.match(/ = :v\d+/);
      }
    });

    it("moves the watermark past the drained days, but not past the cutoff day", async () => {
      const watermark = await objectBytes(bench.testS3, scene.config.archiveBucket, watermarkKey);
      expect(JSON.parse(String(watermark))).to.deep.include({ nextDay: cutoffDay });
      expect(summary.nextDay).to.equal(cutoffDay);
    });

    it("emits the run's metrics and logs each part", () => {
      expect(run.metrics.total("ArchivalRuns")).to.equal(1);
      expect(run.metrics.total("TransactionsArchived")).to.equal(5000);
      expect(run.metrics.total("ArchiveParts")).to.equal(10);
      expect(run.metrics.total("ArchivedItemsKeptChanged")).to.equal(0);
      expect(run.metrics.total("ArchivalIncomplete")).to.equal(0);
      const parts = run.log.entries.filter((entry) => entry.message === "Archive part written");
      // Parts run concurrently, so they finish (and log) in any order.
      expect(parts.map((entry) => String(entry.attributes.objectKey)).sort()).to.deep.equal(
        Array.from({ length: 10 }, (_, index) => partKey(oldDay, index)),
      );
      // Ids and counts only: no item content ever reaches the logs.
      expect(JSON.stringify(run.log.entries)).to.not.include("customer-");
    });

    it("re-running with nothing left to do writes nothing", async () => {
      bench.dynamoDbCalls.reset();
      bench.s3Calls.reset();
      const again = await runArchival(harness(scene).deps, remainingTime());
      expect(again).to.deep.include({ partsWritten: 0, partsRecovered: 0, archived: 0, complete: true });
      expect(again.nextDay).to.equal(cutoffDay);
      expect(bench.s3Calls.count("PutObjectCommand")).to.equal(0);
      expect(bench.dynamoDbCalls.count("PutItemCommand")).to.equal(0);
      expect(bench.dynamoDbCalls.count("DeleteItemCommand")).to.equal(0);
      expectConsistentManifest(
        await readPartition(bench.testS3, scene.config.archiveBucket, oldDay),
        oldDay,
        10,
        5000,
      );
    });
  });

  describe("crash safety: 300 transactions in parts of 125, a crash in part 1, then a re-run", () => {
    interface CrashCase {
      readonly where: string;
      readonly hooks: (crash: () => never) => ArchivalDependencies["hooks"];
      /** Parts the manifest lists after the crash, and the state of part 1 there. */
      readonly listedAfterCrash: number;
      /** Transactions still in the table after the crash (part 0 is done: 300 - 125). */
      readonly leftAfterCrash: number;
      readonly recovered: number;
    }

    const cases: CrashCase[] = [
      {
        where: "after the part object is written, before the manifest lists it",
        hooks: (crash) => ({ afterPartVerified: (part) => (part.index === 1 ? crash() : undefined) }),
        listedAfterCrash: 1,
        leftAfterCrash: 175,
        recovered: 0,
      },
      {
        where: "after the manifest lists the part, before any of its deletes",
        hooks: (crash) => ({ afterManifestWritten: (part) => (part.index === 1 ? crash() : undefined) }),
        listedAfterCrash: 2,
        leftAfterCrash: 175,
        recovered: 1,
      },
      {
        where: "in the middle of the part's deletes",
        hooks: (crash) => {
          let deletes = 0;
          return {
            beforeDelete: (_id, part) => {
              if (part.index !== 1) return;
              deletes += 1;
              if (deletes > 40) crash();
            },
          };
        },
        listedAfterCrash: 2,
        // Exactly the 40 items past the hook were deleted; nothing else was started after the crash.
        leftAfterCrash: 135,
        recovered: 1,
      },
    ];

    for (const crashCase of cases) {
      it(`a crash ${crashCase.where} loses nothing and duplicates nothing`, async () => {
        const scene = await bench.newScene({ chunkSize: 125 });
        const items = decidedOn(oldDay, 300, "crash", 60_000);
        await putItems(bench.testDynamoDb, scene.config.transactionsTable, items);
        const bucket = scene.config.archiveBucket;

        // One part at a time, so the crash point (and what is left after it) is exact.
        const crashed = harness(scene, {
          partConcurrency: 1,
          hooks: crashCase.hooks(() => {
            throw new InjectedCrash(crashCase.where);
          }),
        });
        const error = await rejectionOf(runArchival(crashed.deps, remainingTime()));
        expect(error.name).to.equal("InjectedCrash");

        const afterCrash = await readPartition(bench.testS3, bucket, oldDay);
        expect(afterCrash.manifest?.parts.map((part) => part.state)).to.deep.equal(
          crashCase.listedAfterCrash === 1 ? ["complete"] : ["complete", "written"],
        );
        const orphan = await objectBytes(bench.testS3, bucket, partKey(oldDay, 1));
        expect(orphan, "part 1 was written before the crash").to.not.equal(undefined);
        const left = await scanIds(bench.testDynamoDb, scene.config.transactionsTable);
        expect(left).to.have.length(crashCase.leftAfterCrash);

        const rerun = harness(scene);
        bench.dynamoDbCalls.reset();
        bench.s3Calls.reset();
        const summary = await runArchival(rerun.deps, remainingTime());
        expectOnlyGrantedCalls(bench, scene);
        expect(summary).to.deep.include({
          complete: true,
          keptChanged: 0,
          partsRecovered: crashCase.recovered,
        });
        expect(summary.archived).to.equal(left.length);

        const partition = await readPartition(bench.testS3, bucket, oldDay);
        const archived = archivedIds(partition);
        expect(archived, "every transaction archived exactly once").to.deep.equal(
          items.map((item) => item.transactionId),
        );
        expectConsistentManifest(partition, oldDay, 3, 300);
        // Deterministic keys and bytes: the re-run rewrote part 1 with exactly the same object.
        expect(sha256(partition.parts[1].bytes)).to.equal(sha256(orphan as Buffer));
        expect(await scanIds(bench.testDynamoDb, scene.config.transactionsTable)).to.deep.equal([]);
        expect(await scanIds(bench.testDynamoDb, scene.config.archivedTransactionsTable)).to.deep.equal(
          ids(items),
        );
      });
    }
  });

  describe("a transaction changed between its read and its delete", () => {
    it("stays in the table as changed, and a later run archives its new version", async () => {
      const scene = await bench.newScene({ chunkSize: 250 });
      const items = decidedOn(oldDay, 300, "changing", 60_000);
      await putItems(bench.testDynamoDb, scene.config.transactionsTable, items);
      const table = scene.config.transactionsTable;
      const changes: Record<
        string,
        { expression: string; names: Record<string, string>; value: AttributeValue }
      > = {
        [String(items[3].transactionId)]: {
          expression: "SET #a = :value",
          names: { "#a": "status" },
          value: { S: "REVIEW" },
        },
        [String(items[120].transactionId)]: {
          expression: "SET #a.#b.#c = :value",
          names: { "#a": "decision", "#b": "fraud", "#c": "score" },
          value: { N: "85" },
        },
        [String(items[249].transactionId)]: {
          expression: "SET #a.#b = :value",
          names: { "#a": "metadata", "#b": "chargeback" },
          value: { M: { reason: { S: "fraudulent" } } },
        },
        [String(items[280].transactionId)]: {
          expression: "SET #a.#b.#c[0].#d = :value",
          names: { "#a": "decision", "#b": "fraud", "#c": "signals", "#d": "points" },
          value: { N: "21" },
        },
      };
      const changed = harness(scene, {
        hooks: {
          beforeDelete: async (transactionId) => {
            const change = changes[transactionId];
            if (!change) return;
            await bench.testDynamoDb.send(
              new UpdateItemCommand({
                TableName: table,
                Key: { transactionId: { S: transactionId } },
                UpdateExpression: change.expression,
                ExpressionAttributeNames: change.names,
                ExpressionAttributeValues: { ":value": change.value },
              }),
            );
          },
        },
      });

      bench.dynamoDbCalls.reset();
      bench.s3Calls.reset();
      const first = await runArchival(changed.deps, remainingTime());
      expectOnlyGrantedCalls(bench, scene);
      expect(first).to.deep.include({ archived: 296, keptChanged: 4, partsWritten: 2, complete: true });
      expect(first.nextDay, "the day is not drained yet").to.equal(oldDay);
      expect(await scanIds(bench.testDynamoDb, table)).to.deep.equal(Object.keys(changes).sort());
      const status = await getItem(bench.testDynamoDb, table, String(items[3].transactionId));
      expect(status?.status).to.equal("REVIEW");
      const nested = await getItem(bench.testDynamoDb, table, String(items[120].transactionId));
      expect((nested?.decision as { fraud: { score: number } }).fraud.score).to.equal(85);
      expect(changed.metrics.total("ArchivedItemsKeptChanged")).to.equal(4);
      const warnings = changed.log.entries.filter((entry) => entry.level === "warn");
      expect(warnings.map((entry) => entry.attributes.transactionId).sort()).to.deep.equal(
        Object.keys(changes).sort(),
      );

      const later = await runArchival(harness(scene).deps, remainingTime());
      expect(later).to.deep.include({ archived: 4, keptChanged: 0, partsWritten: 1, complete: true });
      expect(later.nextDay).to.equal(cutoffDay);
      expect(await scanIds(bench.testDynamoDb, table)).to.deep.equal([]);
      const partition = await readPartition(bench.testS3, scene.config.archiveBucket, oldDay);
      expectConsistentManifest(partition, oldDay, 3, 304);
      // The version read first and the changed version, each archived once, in different parts.
      expect(partition.parts[2].lines.map((line) => line.transactionId).sort()).to.deep.equal(
        Object.keys(changes).sort(),
      );
      expect(partition.parts[0].lines[3].status).to.equal("APPROVED");
      expect(
        partition.parts[2].lines.find((line) => line.transactionId === items[3].transactionId)?.status,
      ).to.equal("REVIEW");
    });
  });

  describe("parts archived concurrently (4 at a time, disjoint pages of keys)", () => {
    it("has several parts in flight and still lists them in index order", async () => {
      const scene = await bench.newScene({ chunkSize: 100 });
      const items = decidedOn(oldDay, 600, "concurrent", 60_000);
      await putItems(bench.testDynamoDb, scene.config.transactionsTable, items);
      let secondVerified!: () => void;
      const secondPartVerified = new Promise<void>((resolve) => (secondVerified = resolve));
      const listedOrder: number[] = [];
      const run = harness(scene, {
        partConcurrency: 4,
        hooks: {
          // Part 0 waits until part 1 is written: only concurrent parts get past this.
          afterPartVerified: async (part) => {
            if (part.index === 1) secondVerified();
            if (part.index === 0) await secondPartVerified;
          },
          afterManifestWritten: (part) => {
            listedOrder.push(part.index);
          },
        },
      });
      const summary = await runArchival(run.deps, remainingTime());
      expect(summary).to.deep.include({ partsWritten: 6, archived: 600, complete: true });
      expect(listedOrder).to.deep.equal([0, 1, 2, 3, 4, 5]);
      const partition = await readPartition(bench.testS3, scene.config.archiveBucket, oldDay);
      expectConsistentManifest(partition, oldDay, 6, 600);
      expect(archivedIds(partition)).to.deep.equal(items.map((item) => item.transactionId));
    });

    it("a failed query of the next page waits for the parts in flight before failing the run", async () => {
      const scene = await bench.newScene({ chunkSize: 100 });
      await putItems(
        bench.testDynamoDb,
        scene.config.transactionsTable,
        decidedOn(oldDay, 300, "query-fails", 60_000),
      );
      let queries = 0;
      let queryFailed!: () => void;
      const secondQueryFailed = new Promise<void>((resolve) => (queryFailed = resolve));
      bench.dynamoDb.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as { ExpressionAttributeValues?: Record<string, { S?: string }> };
          if (
            context.commandName === "QueryCommand" &&
            input.ExpressionAttributeValues?.[":day"]?.S === oldDay
          ) {
            queries += 1;
            if (queries === 2) {
              queryFailed();
              throw new Error("injected query failure");
            }
          }
          return next(args);
        },
        { step: "initialize", name: "failSecondQuery" },
      );
      const run = harness(scene, {
        partConcurrency: 4,
        // Part 0 deletes only once the next page's query has failed.
        hooks: { beforeDelete: (_id, part) => (part.index === 0 ? secondQueryFailed : undefined) },
      });
      let archivedWhenFailed: number | undefined;
      try {
        await runArchival(run.deps, remainingTime());
      } catch (error) {
        archivedWhenFailed = run.metrics.total("TransactionsArchived");
        expect(error).to.be.instanceOf(Error);
        expect((error as Error).name).to.equal("ArchivalStoreError");
        expect(String((error as Error).cause)).to.include("injected query failure");
      } finally {
        bench.dynamoDb.middlewareStack.remove("failSecondQuery");
      }
      expect(archivedWhenFailed, "part 0 had finished when the run failed").to.equal(100);
    });

    it("a crash in one part while others are in flight loses nothing and duplicates nothing", async () => {
      const scene = await bench.newScene({ chunkSize: 100 });
      const items = decidedOn(oldDay, 800, "concurrent-crash", 20_000);
      await putItems(bench.testDynamoDb, scene.config.transactionsTable, items);
      const bucket = scene.config.archiveBucket;
      let deletes = 0;
      const crashed = harness(scene, {
        partConcurrency: 4,
        itemConcurrency: 4,
        hooks: {
          beforeDelete: (_id, part) => {
            if (part.index !== 5) return;
            deletes += 1;
            if (deletes > 30) throw new InjectedCrash("in part 5's deletes");
          },
        },
      });
      const error = await rejectionOf(runArchival(crashed.deps, remainingTime()));
      expect(error.name).to.equal("InjectedCrash");

      const afterCrash = await readPartition(bench.testS3, bucket, oldDay);
      const listed = afterCrash.manifest?.parts.map((part) => part.key) ?? [];
      expect(listed, "the manifest lists a gapless prefix of parts").to.deep.equal(
        Array.from({ length: listed.length }, (_, index) => partKey(oldDay, index)),
      );
      expect(listed.length).to.be.greaterThan(5);

      const rerun = harness(scene);
      await runArchival(rerun.deps, remainingTime());
      const partition = await readPartition(bench.testS3, bucket, oldDay);
      expect(archivedIds(partition), "every transaction archived exactly once").to.deep.equal(
        items.map((item) => item.transactionId),
      );
      expectConsistentManifest(partition, oldDay, 8, 800);
      expect(await scanIds(bench.testDynamoDb, scene.config.transactionsTable)).to.deep.equal([]);
      expect(await scanIds(bench.testDynamoDb, scene.config.archivedTransactionsTable)).to.deep.equal(
        ids(items),
      );
    });
  });

  describe("the Lambda time budget", () => {
    it("does nothing at all when the remaining time is already below the margin", async () => {
      const scene = await bench.newScene({ chunkSize: 500 });
      await putItems(
        bench.testDynamoDb,
        scene.config.transactionsTable,
        decidedOn(oldDay, 50, "late", 60_000),
      );
      bench.dynamoDbCalls.reset();
      bench.s3Calls.reset();
      const run = harness(scene);
      const summary = await runArchival(
        run.deps,
        remainingTime(() => 10),
      );
      expect(summary).to.deep.include({ daysProcessed: 0, partsWritten: 0, archived: 0, complete: false });
      expect(bench.s3Calls.count("PutObjectCommand")).to.equal(0);
      expect(bench.dynamoDbCalls.count("DeleteItemCommand")).to.equal(0);
      expect(run.metrics.total("ArchivalIncomplete")).to.equal(1);
    });

    it("stops cleanly between parts when time runs short, and the next run finishes", async () => {
      const scene = await bench.newScene({ chunkSize: 125 });
      const items = decidedOn(oldDay, 300, "budget", 60_000);
      await putItems(bench.testDynamoDb, scene.config.transactionsTable, items);
      const run = harness(scene, { partConcurrency: 1 });
      // Plenty of time until the first part is done, then less than the 1 s margin.
      const summary = await runArchival(
        run.deps,
        remainingTime(() => (run.metrics.total("ArchiveParts") >= 1 ? 500 : 600_000)),
      );
      expect(summary).to.deep.include({ partsWritten: 1, archived: 125, complete: false });
      expect(summary.nextDay, "the empty days before are passed, the stopped day is not").to.equal(oldDay);
      const stopped = await readPartition(bench.testS3, scene.config.archiveBucket, oldDay);
      expectConsistentManifest(stopped, oldDay, 1, 125);
      expect(await scanIds(bench.testDynamoDb, scene.config.transactionsTable)).to.have.length(175);
      expect(run.log.entries.map((entry) => entry.message)).to.include(
        "Archival run stopped before the timeout; the next run resumes",
      );

      const next = await runArchival(harness(scene).deps, remainingTime());
      expect(next).to.deep.include({ partsWritten: 2, archived: 175, complete: true, nextDay: cutoffDay });
      const partition = await readPartition(bench.testS3, scene.config.archiveBucket, oldDay);
      expectConsistentManifest(partition, oldDay, 3, 300);
      expect(archivedIds(partition)).to.deep.equal(items.map((item) => item.transactionId));
      expect(await scanIds(bench.testDynamoDb, scene.config.transactionsTable)).to.deep.equal([]);
    });
  });
});
