/**
 * A 100,000-row file through csv-transform on the emulators, with the default chunking. Bounded
 * memory is asserted where it is decided: how far the load has read into the S3 object when its
 * first chunk is saved (a read-it-all loader would have read all of it). The heap is printed, not
 * asserted: dynalite keeps the 100,000 intake records in this same process. No time is asserted.
 */
import { Transform, type Readable } from "node:stream";
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from "@aws-sdk/client-eventbridge";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { runCsvTransform } from "../../functions/csv-transform/csvTransform";
import { generatedCsv } from "./support/csvFiles";
import { startCsvLoadBench, transformContext, type CsvLoadBench } from "./support/csvLoadBench";

const rowCount = 100_000;
/** Every 1,000th generated row has an amount with too many decimals. */
const invalidEvery = 1_000;

/** Counts the bytes the load pulls out of GetObject's body (a pipe only passes on what is read). */
function countBodyBytes(s3: S3Client, counter: { bytes: number }): void {
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName !== GetObjectCommand.name) return result;
      const output = result.output as { Body?: Readable };
      const source = output.Body;
      if (source === undefined) return result;
      const counting = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          counter.bytes += chunk.length;
          done(null, chunk);
        },
      });
      source.pipe(counting);
      counting.on("close", () => source.destroy());
      output.Body = counting;
      return result;
    },
    { step: "initialize", name: "countBodyBytes" },
  );
}

describe("csv-transform: a 100,000-row file", function () {
  this.timeout(600_000);
  let bench: CsvLoadBench;
  let eventBridge: AwsClientStub<EventBridgeClient>;

  before(async () => {
    bench = await startCsvLoadBench();
    eventBridge = mockClient(bench.eventBridge);
  });

  after(async () => {
    eventBridge.restore();
    await bench?.stop();
  });

  it("streams through in bounded memory, publishing each valid row once", async () => {
    // Prepare
    const chunks: Buffer[] = [];
    for await (const text of generatedCsv(rowCount, invalidEvery)) chunks.push(Buffer.from(text, "utf8"));
    const file = Buffer.concat(chunks);
    chunks.length = 0;
    const fileId = bench.newFileId("hundred-thousand");
    await bench.putValidatedFile(fileId, file);
    const published = new Set<string>();
    let entries = 0;
    let largestCall = 0;
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
      const sent = input.Entries ?? [];
      largestCall = Math.max(largestCall, sent.length);
      for (const entry of sent) {
        entries += 1;
        published.add((JSON.parse(entry.Detail ?? "null") as { transactionId: string }).transactionId);
      }
      return {
        FailedEntryCount: 0,
        Entries: sent.map((_, index) => ({ EventId: `event-${entries}-${index}` })),
      };
    });
    const read = { bytes: 0 };
    countBodyBytes(bench.s3, read);
    let readAtFirstCheckpoint: number | undefined;
    let checkpoints = 0;
    const heapAtStart = process.memoryUsage().heapUsed;
    let heapPeak = heapAtStart;

    // Act
    const result = await runCsvTransform(
      bench.transformDependencies({
        hooks: {
          afterCheckpoint: () => {
            checkpoints += 1;
            readAtFirstCheckpoint ??= read.bytes;
            heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
            // The mock would otherwise keep every call's input for the whole run.
            eventBridge.resetHistory();
          },
        },
      }),
      { continueFile: { fileId } },
      transformContext(),
    );

    // Assess
    const validRows = rowCount - rowCount / invalidEvery;
    expect(result.files[0]).to.deep.include({
      outcome: "loaded",
      publishedRows: validRows,
      alreadyReceivedRows: 0,
    });
    expect(entries).to.equal(validRows);
    expect(published.size).to.equal(validRows);
    expect(largestCall).to.equal(10);
    expect(checkpoints).to.equal(rowCount / 500);
    expect(await bench.readStatus(fileId)).to.deep.include({
      status: "LOADED",
      rows: rowCount,
      validRows,
      invalidRows: rowCount / invalidEvery,
      publishedRows: validRows,
      alreadyReceivedRows: 0,
      checkpointLine: rowCount + 1,
    });
    expect(await bench.readIntakeRecord("csv#gen-99999")).to.deep.include({ deliveryId: `${fileId}:100000` });
    expect(await bench.readIntakeRecord("csv#gen-100000")).to.equal(undefined);
    expect(read.bytes).to.equal(file.length);
    // 500 rows are ~50 KB; the rest is stream buffering. Reading it all first would be ~10 MB.
    expect(readAtFirstCheckpoint).to.be.below(file.length / 20);
    console.log(
      `      ${rowCount} rows (${(file.length / 2 ** 20).toFixed(1)} MiB): ` +
        `${((readAtFirstCheckpoint ?? 0) / 1024).toFixed(0)} KiB read at the first checkpoint, ` +
        `heap peak +${((heapPeak - heapAtStart) / 2 ** 20).toFixed(0)} MiB (dynalite's tables included)`,
    );
  });
});
