/**
 * Step functions failing for good on some transactions. Validation throws a plain error (no Retry
 * matches it) for every transaction whose id carries the "poison" marker, and fraud-detection
 * fails with Lambda.ServiceException on every attempt for ids marked "exhaust" (the Retry's three
 * retries run out). Those end in the dead-letter queue with their whole input and the error;
 * every other transaction is decided exactly once; nothing else is dead-lettered. A CSV file with
 * dead-lettered rows waits, LOADED, until they are decided: once the fault is gone, `npm run
 * replay`'s restart decides them once and the file completes.
 *
 * Simulated: the failures are thrown by a wrapper around the real handlers in process.
 */
import { expect } from "chai";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SQSClient } from "@aws-sdk/client-sqs";
import { retriedLambdaErrors } from "../../components/processing/stateMachineDefinition/index";
import { localResourceNames } from "../../local/localPipeline";
import { deadLetterQueues } from "../../tools/replay/deadLetters";
import { replayDeadLetters } from "../../tools/replay/replayDeadLetters";
import { awsClientConfig } from "../../tools/stackOutputs";
import { transactionBody } from "../e2e/support/transactionBodies";
import { csvFile } from "./support/csvFiles";
import { startFaultyStack, type FaultyStack } from "./support/faultyStack";
import { failingHandler, type InvocationLog, type PlannedFailure } from "./support/handlerFaults";
import { deadLetters, expectDecidedOnceOrDeadLettered } from "./support/pipelineLedger";
import { deliverAll, finalAnswer } from "./support/providerDeliveries";

const amounts = ["12.00", "480.00", "1000.00", "7250.50", "10000.01", "48000.00"];

describe("reliability: step functions failing for good on some transactions", function () {
  this.timeout(90_000);
  let target: FaultyStack;
  let faultsOn = true;
  const invocations: Record<"validation" | "fraud-detection", InvocationLog> = {
    validation: new Map(),
    "fraud-detection": new Map(),
  };
  const always = (marker: string, error: string) => (transactionId: string) =>
    faultsOn && transactionId.includes(marker)
      ? ({ failingAttempts: Number.POSITIVE_INFINITY, error, afterRunning: false } satisfies PlannedFailure)
      : undefined;

  before(async () => {
    target = await startFaultyStack({
      faults: {
        wrapHandler: (name, handler) => {
          if (name === "validation")
            return failingHandler(handler, always("poison", "Error"), invocations.validation);
          if (name === "fraud-detection")
            return failingHandler(
              handler,
              always("exhaust", retriedLambdaErrors[0]),
              invocations["fraud-detection"],
            );
          return handler;
        },
      },
    });
  });

  after(async () => {
    await target?.close();
  });

  it("dead-letters exactly the failing transactions with their whole input, decides every other once, and a replay finishes them", async () => {
    // Prepare: 40 deliveries, 4 poisoned and 3 exhausting; a 20-row file with 2 poisoned rows.
    const { client, pipeline } = target;
    const label = (index: number) =>
      index % 10 === 3 ? `poison-${index}` : index % 13 === 5 ? `exhaust-${index}` : `fine-${index}`;
    const bodies = Array.from({ length: 40 }, (_, index) =>
      transactionBody(client.transactionId(label(index)), { amount: amounts[index % amounts.length] }),
    );
    const file = csvFile(client.transactionId("permanent-csv"), 20);
    const poisonedRows = new Set([file.keys[4], file.keys[16]]);
    const csvKeys = file.keys.map((key) => (poisonedRows.has(key) ? `${key}-poison` : key));
    const csv = [...poisonedRows].reduce((text, key) => {
      const id = key.slice("csv#".length);
      return text.replace(`\n${id},`, `\n${id}-poison,`);
    }, file.body);

    // Act
    const deliveries = await deliverAll(client, bodies);
    const upload = await client.uploadCsv(csv);
    await pipeline.idle();

    // Assess
    expect(deliveries.map((delivery) => finalAnswer(delivery).status)).to.deep.equal(bodies.map(() => 202));
    expect(upload.status, upload.text).to.equal(202);
    const keys = [...deliveries.map((delivery) => delivery.key), ...csvKeys];
    const failing = new Set(keys.filter((key) => /poison|exhaust/.test(key)));
    expect([...failing].filter((key) => key.includes("poison"))).to.have.length(6);
    expect([...failing].filter((key) => key.includes("exhaust"))).to.have.length(3);
    await expectDecidedOnceOrDeadLettered(pipeline, client, {
      decided: new Set(keys.filter((key) => !failing.has(key))),
      deadLettered: failing,
    });
    const errors = new Map(
      deadLetters(pipeline).map((letter) => [letter.input.detail.transactionId, letter.error]),
    );
    for (const key of failing) {
      expect(errors.get(key)?.Error, key).to.equal(key.includes("poison") ? "Error" : retriedLambdaErrors[0]);
    }
    // A plain error is not retried; a Lambda service error is, three times.
    const attempts = (log: InvocationLog, marker: string) => [
      ...new Set([...log].filter(([id]) => id.includes(marker)).map(([, count]) => count)),
    ];
    expect(attempts(invocations.validation, "poison")).to.deep.equal([1]);
    expect(attempts(invocations["fraud-detection"], "exhaust")).to.deep.equal([4]);
    // The file waits for its two dead-lettered rows.
    const waiting = await client.getFile(upload.body.file_id);
    expect(waiting.body).to.include({ status: "LOADED", valid_rows: 20, decided_rows: 18 });

    // Act: the fault is fixed, and the operator restarts the dead letters.
    faultsOn = false;
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
      expect(summary.replayed).to.equal(failing.size);
    } finally {
      sqs.destroy();
      eventBridge.destroy();
    }
    await pipeline.idle();

    // Assess: everything decided once, the queue empty, the file complete.
    await expectDecidedOnceOrDeadLettered(pipeline, client, {
      decided: new Set(keys),
      failedExecutions: failing.size,
    });
    const completed = await client.getFile(upload.body.file_id);
    expect(completed.body).to.include({ status: "COMPLETED", decided_rows: 20 });
  });
});
