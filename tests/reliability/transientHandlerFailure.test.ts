/**
 * Step functions failing transiently. For a seeded share of the transactions, fraud-detection's
 * first one or two invocations fail with Lambda.ServiceException (some before the function ran,
 * some after it ran and its answer was lost), and validation's first invocation fails with its
 * retryable TransactionStoreError (likewise before or after storing the transaction). The state
 * machine's Retry takes over (intervals shortened to 0): every accepted transaction, webhook or CSV
 * row, is decided exactly once, and nothing reaches the dead-letter queue.
 *
 * Simulated: the Lambda service error is thrown by a wrapper around the real handler in process
 * (local/lambdaInvokeShim.ts names the error after it, as the lambda:invoke integration does).
 */
import { expect } from "chai";
import {
  retriedFunctionErrors,
  retriedLambdaErrors,
} from "../../components/processing/stateMachineDefinition/index";
import { DetailType } from "../../functions/shared/eventRouting";
import type { LambdaHandler } from "../../local/lambdaInvokeShim";
import type { LocalFunctionName } from "../../local/localPipeline";
import { transactionBody } from "../e2e/support/transactionBodies";
import { csvFile } from "./support/csvFiles";
import { startFaultyStack, type FaultyStack } from "./support/faultyStack";
import { failingHandler, type InvocationLog, type PlannedFailure } from "./support/handlerFaults";
import { eventCounts, expectDecidedOnceOrDeadLettered } from "./support/pipelineLedger";
import { deliverAll, finalAnswer } from "./support/providerDeliveries";
import { seededFraction } from "./support/seededChoice";

const seed = "transient-handler-failures";
const amounts = ["12.00", "480.00", "1000.00", "7250.50", "10000.01", "48000.00"];

/** About 40 % of transactions: one or two failed fraud-detection attempts (3 retries are allowed). */
function fraudPlan(transactionId: string): PlannedFailure | undefined {
  const draw = seededFraction(seed, "fraud-detection", transactionId);
  if (draw >= 0.4) return undefined;
  return {
    failingAttempts: draw < 0.2 ? 1 : 2,
    error: retriedLambdaErrors[0],
    afterRunning: seededFraction(seed, "fraud-after", transactionId) < 0.5,
  };
}

/** About 25 % of transactions: validation's first attempt fails with its own retryable error. */
function validationPlan(transactionId: string): PlannedFailure | undefined {
  if (seededFraction(seed, "validation", transactionId) >= 0.25) return undefined;
  return {
    failingAttempts: 1,
    error: retriedFunctionErrors[0],
    afterRunning: seededFraction(seed, "validation-after", transactionId) < 0.5,
  };
}

describe("reliability: step functions failing transiently", function () {
  this.timeout(90_000);
  let target: FaultyStack;
  const invocations: Record<"validation" | "fraud-detection", InvocationLog> = {
    validation: new Map(),
    "fraud-detection": new Map(),
  };

  before(async () => {
    target = await startFaultyStack({
      faults: {
        wrapHandler: (name: LocalFunctionName, handler: LambdaHandler) => {
          if (name === "validation") return failingHandler(handler, validationPlan, invocations.validation);
          if (name === "fraud-detection")
            return failingHandler(handler, fraudPlan, invocations["fraud-detection"]);
          return handler;
        },
      },
    });
  });

  after(async () => {
    await target?.close();
  });

  it("decides every webhook transaction and CSV row exactly once after the state machine's retries", async () => {
    // Prepare
    const { client, pipeline } = target;
    const bodies = Array.from({ length: 48 }, (_, index) =>
      transactionBody(client.transactionId(`transient-${index}`), {
        amount: amounts[index % amounts.length],
      }),
    );
    const file = csvFile(client.transactionId("transient-csv"), 24);

    // Act
    const deliveries = await deliverAll(client, bodies);
    const upload = await client.uploadCsv(file.body);
    await pipeline.idle();

    // Assess: every delivery accepted at once (the faults are behind the intake).
    expect(deliveries.map((delivery) => finalAnswer(delivery).status)).to.deep.equal(bodies.map(() => 202));
    expect(deliveries.every((delivery) => delivery.answers.length === 1)).to.equal(true);
    expect(upload.status, upload.text).to.equal(202);
    const keys = new Set([...deliveries.map((delivery) => delivery.key), ...file.keys]);

    await expectDecidedOnceOrDeadLettered(pipeline, client, { decided: keys });
    const received = eventCounts(pipeline, DetailType.received);
    expect([...keys].filter((key) => received.get(key) !== 1)).to.deep.equal([]);
    const completed = await client.waitForFile(upload.body.file_id, ["COMPLETED"]);
    expect(completed.body).to.include({ status: "COMPLETED", valid_rows: 24, decided_rows: 24 });

    // The faults did happen, and each took exactly the retries it needed.
    for (const [name, plan] of [
      ["validation", validationPlan],
      ["fraud-detection", fraudPlan],
    ] as const) {
      const log = invocations[name];
      const faulted = [...log.keys()].filter((id) => plan(id) !== undefined);
      expect(faulted.length, `${name}: transactions with injected failures`).to.be.greaterThan(5);
      const wrongCounts = [...log].filter(([id, count]) => count !== (plan(id)?.failingAttempts ?? 0) + 1);
      expect(wrongCounts, `${name}: invocations per transaction`).to.deep.equal([]);
    }
    expect(invocations.validation.size).to.equal(keys.size);
  });
});
