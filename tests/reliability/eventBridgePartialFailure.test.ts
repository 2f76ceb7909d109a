/**
 * EventBridge PutEvents partial failure: the local bus refuses chosen entries of a call it
 * otherwise accepts, answering them with ErrorCode/ErrorMessage and FailedEntryCount > 0, as AWS
 * does under throttling or an internal failure (LocalEventBusOptions.refuseEntry). Every publisher
 * is exposed: the webhook intake (one entry per call: it must answer non-2xx, and the provider's
 * retry then succeeds), csv-transform (ten entries per call: it must send again only the refused
 * ones) and the state machine's PublishProcessed (EventBridge.FailedEntry, retried by its Retry).
 *
 * Which entries are refused is fixed by a seed (SeededFaultSchedule): the n-th entry of a detail
 * type meets the same fate in every run, recognised when sent again by a hash of its detail type
 * and detail; which transaction's entry comes n-th depends on how concurrent work interleaves.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { DetailType } from "../../functions/shared/eventRouting";
import type { RefusedEntry } from "../../local/eventBus";
import { localResourceNames } from "../../local/localPipeline";
import { deadLetterQueues } from "../../tools/replay/deadLetters";
import { replayDeadLetters } from "../../tools/replay/replayDeadLetters";
import { awsClientConfig } from "../../tools/stackOutputs";
import { transactionBody } from "../e2e/support/transactionBodies";
import { csvFile } from "./support/csvFiles";
import { startFaultyStack, type FaultyStack } from "./support/faultyStack";
import { eventCounts, expectDecidedOnceOrDeadLettered } from "./support/pipelineLedger";
import { deliverAll, finalAnswer } from "./support/providerDeliveries";
import { Occurrences, SeededFaultSchedule } from "./support/seededChoice";

const seed = "eventbridge-partial-failure";
const amounts = ["12.00", "480.00", "1000.00", "7250.50", "10000.01", "48000.00"];
/** The entry codes AWS documents as worth retrying. */
const retryableCodes = ["ThrottlingException", "InternalFailure"];

/** Whether the bus refuses an entry; `fingerprint` is the same for every sending of the entry. */
type RefusalRule = (entry: PutEventsRequestEntry, fingerprint: string) => boolean;

function transactionKeyOf(entry: PutEventsRequestEntry): string {
  return String((JSON.parse(entry.Detail ?? "{}") as { transactionId?: unknown }).transactionId);
}

describe("reliability: EventBridge refusing some entries of a PutEvents call", function () {
  this.timeout(120_000);
  let target: FaultyStack;
  let rule: RefusalRule = () => false;
  const sendings = new Occurrences();
  /** Entries this test's rule refused, by detail type and key. */
  let refused: { detailType: string; key: string }[] = [];

  before(async () => {
    target = await startFaultyStack({
      faults: {
        refuseEventEntry(entry): RefusedEntry | undefined {
          const fingerprint = createHash("sha256")
            .update(`${entry.DetailType}\n${entry.Detail}`)
            .digest("hex");
          const sending = sendings.note(fingerprint);
          if (!rule(entry, fingerprint)) return undefined;
          refused.push({ detailType: entry.DetailType ?? "", key: transactionKeyOf(entry) });
          const code = retryableCodes[sending % retryableCodes.length];
          return { ErrorCode: code, ErrorMessage: `injected ${code} on sending ${sending}` };
        },
      },
    });
  });

  beforeEach(() => {
    refused = [];
  });

  afterEach(() => {
    rule = () => false;
  });

  after(async () => {
    await target?.close();
  });

  it("publishes each transaction once and decides it once when 30 % of entries are refused on their first two sendings", async () => {
    // Prepare
    const schedule = new SeededFaultSchedule(seed, 0.3, 2);
    rule = (entry, fingerprint) => schedule.fails(entry.DetailType ?? "", fingerprint);
    const { client, pipeline } = target;
    const scope = client.transactionId("refused");
    const bodies = Array.from({ length: 40 }, (_, index) =>
      transactionBody(`${scope}-${index}`, { amount: amounts[index % amounts.length] }),
    );
    const file = csvFile(`${scope}-csv`, 100);

    // Act
    const [deliveries, upload] = await Promise.all([deliverAll(client, bodies), client.uploadCsv(file.body)]);
    await pipeline.idle();

    // Assess: a refused intake publish is answered 503 and the provider's retry is accepted.
    expect(deliveries.map((delivery) => finalAnswer(delivery).status)).to.deep.equal(bodies.map(() => 202));
    const retried = deliveries.filter((delivery) => delivery.answers.length > 1);
    expect(retried.length, "deliveries refused at least once").to.be.greaterThan(5);
    for (const delivery of retried) {
      for (const answer of delivery.answers.slice(0, -1)) {
        expect(answer.status, answer.text).to.equal(503);
        expect((answer.body as { error?: { code?: string } }).error?.code).to.equal("EVENT_NOT_ACCEPTED");
      }
    }
    expect(upload.status, upload.text).to.equal(202);
    expect(pipeline.failedS3Deliveries()).to.deep.equal([]);

    // Nothing published twice, nothing lost, each decided once.
    const keys = new Set([...deliveries.map((delivery) => delivery.key), ...file.keys]);
    const received = eventCounts(pipeline, DetailType.received);
    expect([...keys].filter((key) => received.get(key) !== 1)).to.deep.equal([]);
    await expectDecidedOnceOrDeadLettered(pipeline, client, { decided: keys, scope, failedExecutions: 0 });
    const completed = await client.waitForFile(upload.body.file_id, ["COMPLETED"]);
    expect(completed.body).to.include({ status: "COMPLETED", valid_rows: 100, decided_rows: 100 });

    // Every publisher met refusals.
    const refusedOf = (detailType: string, test: (key: string) => boolean) =>
      refused.filter((entry) => entry.detailType === detailType && test(entry.key)).length;
    expect(
      refusedOf(DetailType.received, (key) => key.startsWith("local#")),
      "webhook intake",
    ).to.be.greaterThan(5);
    expect(
      refusedOf(DetailType.received, (key) => key.startsWith("csv#")),
      "csv-transform",
    ).to.be.greaterThan(20);
    expect(
      refusedOf(DetailType.processed, () => true),
      "PublishProcessed",
    ).to.be.greaterThan(20);
  });

  // When PublishProcessed fails for good after RecordDecision, the execution is dead-lettered with
  // the decision already recorded; the restart (npm run replay) finds it recorded but not marked
  // published, and publishes the recorded decision, so the notifier counts the row and the file
  // completes.
  it("publishes a decision's Transaction Processed once the fault is gone, when it was refused on every attempt and the transaction replayed", async () => {
    // Prepare: the Processed entry of one CSV row is refused on every sending while the fault lasts.
    let faultOn = true;
    const { client, pipeline } = target;
    const scope = client.transactionId("never-processed");
    const file = csvFile(scope, 6);
    const victim = file.keys[2];
    rule = (entry) =>
      faultOn && entry.DetailType === DetailType.processed && transactionKeyOf(entry) === victim;

    // Act
    const upload = await client.uploadCsv(file.body);
    await pipeline.idle();
    faultOn = false;
    const sqs = new SQSClient(awsClientConfig(target.stack.outputs, "sqs"));
    const eventBridge = new EventBridgeClient(awsClientConfig(target.stack.outputs, "eventBridge"));
    try {
      const summary = await replayDeadLetters(
        { sqs, eventBridge },
        {
          queues: deadLetterQueues(target.stack.outputs),
          eventBusName: localResourceNames.eventBus,
          waitTimeSeconds: 0,
        },
      );
      expect(summary.replayed).to.equal(1);
    } finally {
      sqs.destroy();
      eventBridge.destroy();
    }
    await pipeline.idle();

    // Assess
    await expectDecidedOnceOrDeadLettered(pipeline, client, { decided: new Set(file.keys), scope });
    const completed = await client.getFile(upload.body.file_id);
    expect(completed.body).to.include({ status: "COMPLETED", decided_rows: 6 });
  });
});
