/**
 * The archival handler as Lambda runs it: a cold start reading its environment (endpoints of the
 * emulators, table and bucket names, chunk size), invoked with a scheduled event and a Lambda
 * context, the real clock deciding what is old enough.
 */
import { expect } from "chai";
import type { ArchivalSummary } from "../../functions/archival/archivalRun";
import { dayOf } from "../../functions/archival/archiveDays";
import { EnvironmentName } from "../../functions/shared/environmentNames";
import { forgetFunctionModules, loadFunctionModule } from "../../local/functionLoader";
import { localLambdaContext } from "../../local/lambdaInvokeShim";
import { verifyPartition } from "../../tools/archiveVerification";
import { setFunctionEnvironment } from "../support/functionEnvironment";
import {
  decidedOn,
  putItems,
  scanIds,
  scheduledEvent,
  startArchiveBench,
  type ArchiveBench,
  type ArchiveScene,
} from "./support/archiveFixture";

type ArchivalModule = typeof import("../../functions/archival/index");

describe("archival handler (cold start, scheduled event)", function () {
  this.timeout(30_000);
  const savedEnvironment = { ...process.env };
  let bench: ArchiveBench;
  let scene: ArchiveScene;

  function restoreEnvironment(): void {
    for (const key of Object.keys(process.env)) if (!(key in savedEnvironment)) delete process.env[key];
    Object.assign(process.env, savedEnvironment);
  }

  before(async () => {
    bench = await startArchiveBench();
    scene = await bench.newScene();
    setFunctionEnvironment({
      tableName: scene.config.transactionsTable,
      dynamoDbEndpoint: bench.emulators.dynamoDbEndpoint,
    });
    Object.assign(process.env, {
      [EnvironmentName.archivedTransactionsTable]: scene.config.archivedTransactionsTable,
      [EnvironmentName.archiveBucket]: scene.config.archiveBucket,
      [EnvironmentName.s3Endpoint]: bench.emulators.messagingEndpoint,
      [EnvironmentName.archiveChunkSize]: "10",
    });
  });

  after(async () => {
    forgetFunctionModules();
    restoreEnvironment();
    await bench?.stop();
  });

  it("archives what was decided three days ago in parts of ARCHIVE_CHUNK_SIZE and answers a summary", async () => {
    const day = dayOf(new Date(Date.now() - 3 * 86_400_000));
    const items = decidedOn(day, 25, "handler", 60_000, "01:00:00");
    await putItems(bench.testDynamoDb, scene.config.transactionsTable, items);

    forgetFunctionModules();
    const { handler } = loadFunctionModule<ArchivalModule>("archival/index");
    const summary: ArchivalSummary = await handler(scheduledEvent, localLambdaContext("archival", 120_000));

    expect(summary).to.deep.include({ partsWritten: 3, archived: 25, keptChanged: 0, complete: true });
    expect(summary.daysProcessed).to.equal(31);
    expect(await scanIds(bench.testDynamoDb, scene.config.transactionsTable)).to.deep.equal([]);
    const check = await verifyPartition(bench.testS3, scene.config.archiveBucket, day);
    expect(check.ok).to.equal(true);
    expect(check.parts.map((part) => part.expectedRecords)).to.deep.equal([10, 10, 5]);
  });

  it("stops at once, doing nothing, when invoked with less time left than its 30 s margin", async () => {
    forgetFunctionModules();
    const { handler } = loadFunctionModule<ArchivalModule>("archival/index");
    const summary = await handler(null, localLambdaContext("archival", 20_000));
    expect(summary).to.deep.include({ daysProcessed: 0, partsWritten: 0, complete: false });
  });

  it("fails the cold start naming ARCHIVE_BUCKET_NAME when it is not set", () => {
    const bucket = process.env[EnvironmentName.archiveBucket];
    delete process.env[EnvironmentName.archiveBucket];
    try {
      forgetFunctionModules();
      // A cold start loads its own copy of shared/errors, so the class is matched by name.
      expect(() => loadFunctionModule<ArchivalModule>("archival/index"))
        .to.throw(/Missing required environment variable ARCHIVE_BUCKET_NAME/)
        .with.property("name", "MissingEnvironmentError");
    } finally {
      process.env[EnvironmentName.archiveBucket] = bucket;
    }
  });
});
