/**
 * The replay tool's pure parts: reading each kind of dead letter, the command-line arguments, the
 * rate limiter and the visibility timeout. The end-to-end behaviour is in replay.test.ts.
 */
import type { Message } from "@aws-sdk/client-sqs";
import { expect } from "chai";
import {
  ExitCode,
  formatOutcome,
  parseReplayArguments,
  runReplay,
  UsageError,
  usage,
} from "../../tools/replay";
import { deadLetterQueues, parseDeadLetter, type DeadLetterQueue } from "../../tools/replay/deadLetters";
import {
  dryRunVisibilityTimeoutSeconds,
  RateLimiter,
  visibilityTimeoutSeconds,
  type Clock,
} from "../../tools/replay/replayDeadLetters";

const pipelineQueue: DeadLetterQueue = {
  name: "pipeline",
  url: "http://sqs.local/1/pipeline",
  kind: "pipeline",
};
const routingQueue: DeadLetterQueue = {
  name: "routing/high",
  url: "http://sqs.local/1/high",
  kind: "routing",
};

const detail = {
  transactionId: "acme#tx-1",
  amount: 42.5,
  currency: "USD",
  amountUsd: 42.5,
  transaction: { transactionId: "tx-1", amount: "42.50", currency: "USD", customerId: "customer-secret-1" },
};
const laneInput = {
  id: "event-1",
  source: "transaction-pipeline.intake",
  "detail-type": "Transaction Received",
  time: "2025-03-01T10:00:00Z",
  detail,
  lane: "low",
};

function message(body: unknown, extra: Partial<Message> = {}): Message {
  return {
    MessageId: "message-1",
    ReceiptHandle: "receipt-1",
    Body: typeof body === "string" ? body : JSON.stringify(body),
    Attributes: { SentTimestamp: String(Date.parse("2025-03-01T10:00:05Z")) },
    ...extra,
  };
}

describe("reading dead letters", () => {
  it("reads the state machine's dead letter: transaction, Lambda error message, execution, time", () => {
    const cause = JSON.stringify({
      errorType: "TransactionStoreError",
      errorMessage: "Transactions table conditional put failed",
      trace: ["TransactionStoreError: ...", "    at saveReceivedTransaction (...)"],
    });
    const letter = parseDeadLetter(
      pipelineQueue,
      message({
        input: laneInput,
        error: { Error: "TransactionStoreError", Cause: cause },
        executionId: "arn:aws:states:eu-west-1:1:express:transactions:abc",
        startedAt: "2025-03-01T10:00:01Z",
      }),
    );

    expect(letter).to.deep.include({
      replayable: true,
      transactionId: "acme#tx-1",
      reason: "TransactionStoreError: Transactions table conditional put failed",
      origin: "execution arn:aws:states:eu-west-1:1:express:transactions:abc",
      failedAt: "2025-03-01T10:00:05.000Z",
      messageId: "message-1",
      receiptHandle: "receipt-1",
    });
    expect(letter.replayable && letter.detail).to.deep.equal(detail);
  });

  it("reads an execution input sent as JSON text", () => {
    const letter = parseDeadLetter(
      pipelineQueue,
      message({ input: JSON.stringify(laneInput), error: { Error: "States.Timeout" } }),
    );
    expect(letter.replayable).to.equal(true);
    expect(letter.reason).to.equal("States.Timeout");
  });

  it("cannot replay a MalformedEvent dead letter whose detail has no transaction", () => {
    const letter = parseDeadLetter(
      pipelineQueue,
      message({
        input: { ...laneInput, detail: { transactionId: "acme#tx-2" } },
        error: {
          Error: "MalformedEvent",
          Cause: "detail.transactionId (string), detail.transaction and lane are required",
        },
      }),
    );
    expect(letter).to.deep.include({
      replayable: false,
      transactionId: "acme#tx-2",
      problem: "the event detail lacks a valid transaction",
    });
    expect(letter.reason).to.match(/^MalformedEvent: /);
  });

  it("reads a routing target's dead letter: the event body and the ERROR_* attributes", () => {
    const event = { version: "0", account: "1", region: "eu-west-1", resources: [], ...laneInput };
    const attribute = (value: string) => ({ DataType: "String", StringValue: value });
    const letter = parseDeadLetter(
      routingQueue,
      message(event, {
        Attributes: {},
        MessageAttributes: {
          ERROR_CODE: attribute("SDK_CLIENT_ERROR"),
          ERROR_MESSAGE: attribute("Unable to invoke the state machine"),
          RULE_ARN: attribute("arn:aws:events:eu-west-1:1:rule/bus/pipeline-high-1234"),
          TARGET_ARN: attribute("arn:aws:states:eu-west-1:1:stateMachine:transactions-5678"),
        },
      }),
    );
    expect(letter).to.deep.include({
      replayable: true,
      transactionId: "acme#tx-1",
      reason: "SDK_CLIENT_ERROR: Unable to invoke the state machine",
      origin: "rule pipeline-high-1234 → transactions-5678",
      // No SentTimestamp: the event's own time.
      failedAt: "2025-03-01T10:00:00Z",
    });
  });

  it("cannot replay a body that is not JSON, or an event of another type", () => {
    expect(parseDeadLetter(pipelineQueue, message("{oops"))).to.deep.include({
      replayable: false,
      problem: "the body is not JSON",
    });
    const processed = parseDeadLetter(
      routingQueue,
      message({ ...laneInput, "detail-type": "Transaction Processed" }),
    );
    expect(processed).to.deep.include({
      replayable: false,
      problem: 'a "Transaction Processed" event, not "Transaction Received"',
    });
  });

  it("masks a card number in the reason and shortens a long one", () => {
    const letter = parseDeadLetter(
      pipelineQueue,
      message({
        input: laneInput,
        error: { Error: "Error", Cause: `card 4111 1111 1111 1111 ${"x".repeat(500)}` },
      }),
    );
    expect(letter.reason).not.to.contain("4111 1111 1111 1111");
    expect(letter.reason.length).to.be.at.most(300);
  });

  it("prints ids and reasons, never the transaction detail", () => {
    const letter = parseDeadLetter(pipelineQueue, message({ input: laneInput, error: { Error: "Error" } }));
    const line = formatOutcome({ kind: "shown", letter });
    expect(line).to.contain("pipeline  acme#tx-1  failed 2025-03-01T10:00:05.000Z: Error");
    expect(line).not.to.contain("customer-secret-1");
  });

  it("lists the pipeline queue first, then each routing target's, without duplicates", () => {
    expect(
      deadLetterQueues({
        deadLetterQueueUrl: "https://sqs/1/pipeline",
        routingDeadLetterQueueUrls: {
          medium: "https://sqs/1/m",
          high: "https://sqs/1/h",
          low: "https://sqs/1/pipeline",
        },
      }).map((queue) => queue.name),
    ).to.deep.equal(["pipeline", "routing/high", "routing/medium"]);
  });
});

describe("replay command-line arguments", () => {
  it("reads --stack, --dry-run, --limit and --rate", () => {
    expect(
      parseReplayArguments(["--stack", "dev", "--dry-run", "--limit", "5", "--rate", "2.5"]),
    ).to.deep.equal({
      stack: "dev",
      dryRun: true,
      limit: 5,
      rate: 2.5,
    });
    expect(parseReplayArguments(["--stack", "prod"])).to.deep.equal({ stack: "prod", dryRun: false });
    expect(parseReplayArguments(["--help"])).to.equal("help");
  });

  for (const [argv, named] of [
    [[], "--stack is required"],
    [["--stack", "dev", "--limit", "0"], "--limit"],
    [["--stack", "dev", "--limit", "2x"], "--limit"],
    [["--stack", "dev", "--rate", "0"], "--rate"],
    [["--stack", "dev", "--rate", "-1"], "--rate"],
    [["--stack", "dev", "--bogus"], "--bogus"],
    [["--stack", "dev", "extra"], "extra"],
  ] as const) {
    it(`refuses ${JSON.stringify(argv)} naming ${named}`, () => {
      expect(() => parseReplayArguments(argv)).to.throw(UsageError, named);
    });
  }

  it("exits 2 with the error and the usage on a bad argument, before reading any stack", async () => {
    let stderr = "";
    let read = false;
    const code = await runReplay(["--stack", "dev", "--limit", "none"], {
      output: { stdout: () => undefined, stderr: (text) => (stderr += text) },
      readOutputs: async () => {
        read = true;
        throw new Error("not reached");
      },
    });
    expect(code).to.equal(ExitCode.usage);
    expect(stderr).to.contain('replay: --limit must be a whole number of at least 1, got "none"');
    expect(stderr).to.contain(usage);
    expect(read).to.equal(false);
  });

  it("exits 1 with the reason when the stack outputs cannot be read", async () => {
    let stderr = "";
    const code = await runReplay(["--stack", "nope"], {
      output: { stdout: () => undefined, stderr: (text) => (stderr += text) },
      readOutputs: async () => {
        throw new Error('stack "nope" does not exist');
      },
    });
    expect(code).to.equal(ExitCode.incomplete);
    expect(stderr).to.equal('replay: stack "nope" does not exist\n');
  });
});

describe("replay pacing", () => {
  function fakeClock(): Clock & { sleeps: number[] } {
    let now = 0;
    const sleeps: number[] = [];
    return {
      sleeps,
      now: () => now,
      sleep: async (milliseconds) => {
        sleeps.push(milliseconds);
        now += milliseconds;
      },
    };
  }

  it("spaces restarts 1/rate seconds apart, without waiting when time has passed anyway", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(4, clock);
    await limiter.take();
    await limiter.take();
    await clock.sleep(1_000);
    await limiter.take();
    await limiter.take();
    expect(clock.sleeps).to.deep.equal([250, 1_000, 250]);
  });

  it("does not wait without a rate", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(undefined, clock);
    for (let index = 0; index < 5; index += 1) await limiter.take();
    expect(clock.sleeps).to.deep.equal([]);
  });

  it("hides a batch long enough to restart it at the rate, within SQS's 12-hour maximum", () => {
    expect(visibilityTimeoutSeconds(true)).to.equal(dryRunVisibilityTimeoutSeconds);
    expect(visibilityTimeoutSeconds(false)).to.equal(120);
    expect(visibilityTimeoutSeconds(false, 0.1)).to.equal(2 * 100 + 60);
    expect(visibilityTimeoutSeconds(false, 0.0001)).to.equal(43_200);
  });
});
