/**
 * Fault injection on the local emulators: what an execution loses, the reconciler finds again.
 * Each case breaks one thing a 202 depends on (the event never reaches the state machine, the
 * execution dies mid-flight with no Catch, a CSV row fails every time), then drives the reconciler
 * with a pinned clock, one schedule interval at a time, instead of waiting: every transaction ends
 * decided or dead-lettered, and its file COMPLETED.
 */
import { expect } from "chai";
import { localResourceNames, type LocalFunctionName } from "../../local/localPipeline";
import type { LambdaHandler } from "../../local/lambdaInvokeShim";
import { startFaultyStack, type FaultyStack } from "../reliability/support/faultyStack";
import { csvFile } from "../reliability/support/csvFiles";
import { namedError, transactionIdOf } from "../reliability/support/handlerFaults";
import { transactionBody } from "./support/transactionBodies";

const minutes = (n: number) => n * 60_000;

/** The key of the transaction a lane rule's input is about. */
function keyOfExecution(input: unknown): string {
  return String((input as { detail?: { transactionId?: unknown } }).detail?.transactionId);
}

describe("reconciler on the local emulators (fault injection)", function () {
  this.timeout(120_000);

  let target: FaultyStack | undefined;
  afterEach(async () => {
    await target?.close();
    target = undefined;
  });

  /** Runs the reconciler `runs` times, each a threshold (15 min) plus a minute after the last. */
  async function reconcileRuns(stack: FaultyStack, runs: number, from = Date.now()) {
    const summaries = [];
    for (let run = 1; run <= runs; run += 1) {
      summaries.push(await stack.pipeline.reconcile(new Date(from + run * minutes(16))));
      await stack.pipeline.idle();
    }
    return summaries;
  }

  it("a lost event: the webhook's 202 stays RECEIVED until the reconciler re-drives it, then it is decided once", async () => {
    const lost = new Set<string>();
    const executions = new Map<string, number>();
    target = await startFaultyStack({
      faults: {
        onExecutionStart(input) {
          const key = keyOfExecution(input);
          executions.set(key, (executions.get(key) ?? 0) + 1);
          if (lost.has(key)) return undefined;
          lost.add(key);
          return "lose";
        },
      },
    });
    const { client, pipeline } = target;
    const answer = await client.postWebhook(JSON.stringify(transactionBody("lost-event-1")));
    expect(answer.status).to.equal(202);
    const key = client.key("lost-event-1");
    await pipeline.idle();
    expect((await client.getTransaction(key)).body.status).to.equal("RECEIVED");

    // Not yet due: accepted less than the threshold ago.
    const early = await pipeline.reconcile(new Date(Date.now() + minutes(5)));
    expect(early.transactions.examined).to.equal(0);

    const [first, second, third] = await reconcileRuns(target, 3);
    expect(first.transactions).to.include({ redriven: 1, deadLettered: 0 });
    expect((await client.getTransaction(key)).body.status).to.equal("APPROVED");
    // Decided: it left the index with its decision, so nothing is examined or published again.
    expect(second.transactions).to.include({ examined: 0, settled: 0, redriven: 0 });
    expect(third.transactions.examined).to.equal(0);
    expect(executions.get(key)).to.equal(2);
  });

  it("decided transactions leave the index as they are decided: a run examines only the undecided one", async () => {
    const lostKey = "lost-after-many";
    target = await startFaultyStack({
      faults: {
        onExecutionStart(input) {
          return keyOfExecution(input).endsWith(`#${lostKey}`) ? "lose" : undefined;
        },
      },
    });
    const { client, pipeline } = target;
    const decided = Array.from({ length: 30 }, (_, index) => `decided-${index + 1}`);
    for (const id of decided) {
      expect((await client.postWebhook(JSON.stringify(transactionBody(id)))).status).to.equal(202);
    }
    // Accepted last: newest in its shard, behind any decided record left there.
    expect((await client.postWebhook(JSON.stringify(transactionBody(lostKey)))).status).to.equal(202);
    await pipeline.idle();
    for (const id of decided) {
      expect((await client.getTransaction(client.key(id))).body.status).to.equal("APPROVED");
    }

    const [first] = await reconcileRuns(target, 1);
    // Nothing decided is left to sweep: the run's budget goes to the undecided transaction alone.
    expect(first.transactions).to.include({ examined: 1, settled: 0, redriven: 1 });
  });

  it("a re-driven high-value transaction is alerted once: the received alert is not sent again, the decision alert once", async () => {
    let lostOnce = false;
    target = await startFaultyStack({
      faults: {
        onExecutionStart() {
          if (lostOnce) return undefined;
          lostOnce = true;
          return "lose";
        },
      },
    });
    const { client, pipeline } = target;
    const body = transactionBody("high-1", { amount: "23000.00" });
    expect((await client.postWebhook(JSON.stringify(body))).status).to.equal(202);
    await pipeline.idle();
    await reconcileRuns(target, 2);
    expect((await client.getTransaction(client.key("high-1"))).body.status).to.be.oneOf([
      "APPROVED",
      "REVIEW",
    ]);

    const alerts = (
      pipeline.emulators.fauxqs.inspectQueue(localResourceNames.alertsInbox)?.messages.ready ?? []
    ).map((message) => message.body);
    expect(alerts.filter((text) => text.includes("HIGH_VALUE_RECEIVED"))).to.have.length(1);
    expect(alerts.filter((text) => text.includes('"status"'))).to.have.length(1);
  });

  it("an execution killed mid-flight (no Catch runs, nothing dead-lettered) is re-driven and decided", async () => {
    const aborts = new Map<string, () => void>();
    let killed = 0;
    target = await startFaultyStack({
      faults: {
        onExecutionStart(input, abort) {
          aborts.set(keyOfExecution(input), abort);
          return undefined;
        },
        wrapHandler(name: LocalFunctionName, handler: LambdaHandler): LambdaHandler {
          if (name !== "fraud-detection") return handler;
          return async (event, context) => {
            const key = transactionIdOf(event);
            if (killed === 0 && key.endsWith("#killed-1")) {
              killed += 1;
              // The execution stops here for good, as one past its execution timeout does.
              aborts.get(key)?.();
              throw namedError("ExecutionKilled", "the execution was stopped");
            }
            return handler(event, context);
          };
        },
      },
    });
    const { client, pipeline } = target;
    expect((await client.postWebhook(JSON.stringify(transactionBody("killed-1")))).status).to.equal(202);
    const key = client.key("killed-1");
    await pipeline.idle();
    expect(killed).to.equal(1);
    expect((await client.getTransaction(key)).body.status).to.equal("RECEIVED");
    expect(
      pipeline.emulators.fauxqs.inspectQueue(localResourceNames.deadLetterQueue)?.messages.ready,
    ).to.have.length(0);

    const [first] = await reconcileRuns(target, 1);
    expect(first.transactions.redriven).to.equal(1);
    expect((await client.getTransaction(key)).body.status).to.equal("APPROVED");
  });

  it("a CSV row that fails every time is dead-lettered with its reason after the re-drives, and its file completes with the count", async () => {
    // Letters only: a prefix of digits could read as a card number and the row be refused.
    const file = csvFile("dead-letter-row", 3);
    const failing = file.keys[1];
    target = await startFaultyStack({
      faults: {
        wrapHandler(name: LocalFunctionName, handler: LambdaHandler): LambdaHandler {
          if (name !== "compliance") return handler;
          return async (event, context) => {
            if (transactionIdOf(event) === failing)
              throw namedError("ScreeningBroken", "injected permanent failure");
            return handler(event, context);
          };
        },
      },
    });
    const { client, pipeline } = target;
    const upload = await client.uploadCsv(file.body);
    expect(upload.status).to.equal(202);
    const fileId = String(upload.body.file_id);
    await pipeline.idle();
    const loaded = await client.getFile(fileId);
    expect(loaded.body).to.include({ status: "LOADED", published_rows: 3, decided_rows: 2 });

    // Three re-drives (each failing again), then the fourth run gives up.
    const runs = await reconcileRuns(target, 4);
    expect(runs.map((run) => run.transactions.redriven)).to.deep.equal([1, 1, 1, 0]);
    expect(runs[3].transactions.deadLettered).to.equal(1);

    const completed = await client.getFile(fileId);
    expect(completed.body).to.include({ status: "COMPLETED", dead_lettered_rows: 1, decided_rows: 3 });
    const deadLetters = (
      pipeline.emulators.fauxqs.inspectQueue(localResourceNames.deadLetterQueue)?.messages.ready ?? []
    )
      .map(
        (message) =>
          JSON.parse(message.body) as { error?: { Error?: string; Cause?: string }; transactionId?: string },
      )
      .filter((body) => body.error?.Error === "TransactionNotDecided");
    expect(deadLetters).to.have.length(1);
    expect(deadLetters[0].transactionId).to.equal(failing);
    expect(deadLetters[0].error?.Cause).to.match(/after 3 re-drives/);
    // Out of the index: a later run finds nothing.
    const later = await pipeline.reconcile(new Date(Date.now() + minutes(200)));
    expect(later.transactions.examined).to.equal(0);
  });
});
