import { expect } from "chai";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { DetailType, intakeEventSource } from "../../functions/shared/eventRouting";
import { LocalEventBus, PutEventsValidationError, type RuleTarget } from "../../local/eventBus";
import { UnsupportedPatternError } from "../../local/eventPattern";
import { amountLanePatterns, amountLanes, stateMachineTargetInput, type EventPattern } from "../../pipeline";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const receivedPattern: EventPattern = { source: [intakeEventSource], "detail-type": [DetailType.received] };

function entry(detail: Record<string, unknown> = { amountUsd: 10 }, overrides: PutEventsRequestEntry = {}) {
  return {
    Source: intakeEventSource,
    DetailType: DetailType.received,
    Detail: JSON.stringify(detail),
    ...overrides,
  };
}

/** A target that records what it receives and fails its first `failures` deliveries. */
function recordingTarget(id: string, failures = 0): RuleTarget & { readonly inputs: string[] } {
  const inputs: string[] = [];
  let remaining = failures;
  return {
    id,
    inputs,
    deliver: async (input) => {
      inputs.push(input);
      if (remaining > 0) {
        remaining -= 1;
        throw new Error(`target ${id} is down`);
      }
    },
  };
}

describe("LocalEventBus.putEvents validation", () => {
  const bus = new LocalEventBus({ name: "transactions" });

  it("fails each invalid entry with AWS's code and message and accepts the others", async () => {
    const result = await bus.putEvents([
      entry(),
      { DetailType: "x", Detail: "{}" },
      { Source: "s", Detail: "{}" },
      { Source: "s", DetailType: "x" },
      entry(undefined, { Detail: "{not json" }),
      entry(undefined, { Detail: "[1, 2]" }),
      entry(undefined, { Detail: "42" }),
      entry(undefined, { EventBusName: "default" }),
      entry(undefined, { DetailType: "d".repeat(129) }),
      entry(),
    ]);
    expect(result.FailedEntryCount).to.equal(8);
    expect(result.Entries.map((e) => e.ErrorCode ?? "ok")).to.deep.equal([
      "ok",
      "InvalidArgument",
      "InvalidArgument",
      "InvalidArgument",
      "MalformedDetail",
      "MalformedDetail",
      "MalformedDetail",
      "InvalidArgument",
      "InvalidArgument",
      "ok",
    ]);
    expect(result.Entries[1].ErrorMessage).to.equal(
      "Parameter Source is not valid. Reason: Source is a required argument.",
    );
    expect(result.Entries[2].ErrorMessage).to.equal(
      "Parameter DetailType is not valid. Reason: DetailType is a required argument.",
    );
    expect(result.Entries[3].ErrorMessage).to.equal(
      "Parameter Detail is not valid. Reason: Detail is a required argument.",
    );
    expect(result.Entries[4].ErrorMessage).to.equal("Detail is malformed.");
    expect(result.Entries[7].ErrorMessage).to.match(/EventBusName.*default/);
    for (const index of [0, 9]) {
      expect(result.Entries[index].EventId).to.match(uuidPattern);
      expect(result.Entries[index]).not.to.have.property("ErrorCode");
    }
    for (const failed of result.Entries.slice(1, 9)) expect(failed).not.to.have.property("EventId");
  });

  it("accepts the bus's name or ARN as EventBusName", async () => {
    const result = await bus.putEvents([
      entry(undefined, { EventBusName: "transactions" }),
      entry(undefined, { EventBusName: bus.arn }),
    ]);
    expect(result.FailedEntryCount).to.equal(0);
    expect(bus.arn).to.equal("arn:aws:events:us-east-1:000000000000:event-bus/transactions");
  });

  it("refuses a request of no entries or more than ten, as AWS does", async () => {
    const eleven = Array.from({ length: 11 }, () => entry());
    for (const entries of [[], eleven]) {
      let caught: unknown;
      await bus.putEvents(entries).catch((error: unknown) => (caught = error));
      expect(caught).to.be.instanceOf(PutEventsValidationError);
    }
  });
});

describe("LocalEventBus envelopes and archive", () => {
  it("builds the AWS envelope, fields in AWS's order, time at second precision", async () => {
    const bus = new LocalEventBus({ name: "transactions", account: "123456789012", region: "eu-west-1" });
    const result = await bus.putEvents([
      entry(
        { amountUsd: 5 },
        { Time: new Date("2026-01-15T10:00:00.789Z"), Resources: ["arn:aws:s3:::uploads"] },
      ),
    ]);
    const [event] = bus.archive();
    expect(Object.keys(event)).to.deep.equal([
      "version",
      "id",
      "detail-type",
      "source",
      "account",
      "time",
      "region",
      "resources",
      "detail",
    ]);
    expect(event).to.deep.equal({
      version: "0",
      id: result.Entries[0].EventId,
      "detail-type": DetailType.received,
      source: intakeEventSource,
      account: "123456789012",
      time: "2026-01-15T10:00:00Z",
      region: "eu-west-1",
      resources: ["arn:aws:s3:::uploads"],
      detail: { amountUsd: 5 },
    });
  });

  it("stamps events without Time with the receipt time, and resources default to none", async () => {
    const bus = new LocalEventBus({ name: "transactions" });
    await bus.putEvents([entry()]);
    const [event] = bus.archive();
    expect(event.time).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(event.resources).to.deep.equal([]);
    expect(event.account).to.equal("000000000000");
    expect(event.region).to.equal("us-east-1");
  });

  it("archives every accepted event in order and nothing it refused", async () => {
    const bus = new LocalEventBus({ name: "transactions" });
    const first = await bus.putEvents([
      entry({ n: 1 }),
      entry(undefined, { Detail: "nope" }),
      entry({ n: 2 }),
    ]);
    const second = await bus.putEvents([entry({ n: 3 })]);
    const ids = [first.Entries[0], first.Entries[2], second.Entries[0]].map((e) => e.EventId);
    expect(bus.archive().map((e) => e.id)).to.deep.equal(ids);
    expect(bus.archive().map((e) => e.detail.n)).to.deep.equal([1, 2, 3]);
  });
});

describe("LocalEventBus rules and delivery", () => {
  it("answers PutEvents before any target runs, then delivers the whole event as JSON", async () => {
    const bus = new LocalEventBus({ name: "transactions" });
    const target = recordingTarget("all");
    bus.addRule({ name: "received", pattern: receivedPattern, targets: [target] });
    await bus.putEvents([entry({ amountUsd: 10 })]);
    expect(target.inputs).to.have.lengthOf(0);
    await bus.idle();
    expect(target.inputs.map((input) => JSON.parse(input) as unknown)).to.deep.equal([...bus.archive()]);
  });

  it("delivers only to rules whose pattern matches", async () => {
    const bus = new LocalEventBus({ name: "transactions" });
    const received = recordingTarget("received");
    const processed = recordingTarget("processed");
    bus.addRule({ name: "received", pattern: receivedPattern, targets: [received] });
    bus.addRule({
      name: "processed",
      pattern: { "detail-type": [DetailType.processed] },
      targets: [processed],
    });
    await bus.putEvents([entry(), entry(undefined, { DetailType: DetailType.processed }), entry()]);
    await bus.idle();
    expect(received.inputs).to.have.lengthOf(2);
    expect(processed.inputs).to.have.lengthOf(1);
  });

  it("routes each amount to its lane's target with the deployed patterns and transformer", async () => {
    const bus = new LocalEventBus({ name: "transactions" });
    const patterns = amountLanePatterns();
    const targets = Object.fromEntries(amountLanes.map((lane) => [lane, recordingTarget(`${lane}-sfn`)]));
    for (const lane of amountLanes) {
      bus.addRule({
        name: `${lane}-lane`,
        pattern: patterns[lane],
        targets: [{ ...targets[lane], inputTransformer: stateMachineTargetInput(lane) }],
      });
    }
    await bus.putEvents([
      entry({ amountUsd: 50_000 }),
      entry({ amountUsd: 999.99 }),
      entry({ amountUsd: 1000 }),
    ]);
    await bus.idle();
    const received = (lane: string) =>
      targets[lane].inputs.map(
        (input) => JSON.parse(input) as { lane: string; detail: { amountUsd: number } },
      );
    expect(received("high").map((i) => [i.lane, i.detail.amountUsd])).to.deep.equal([["high", 50_000]]);
    expect(received("medium").map((i) => [i.lane, i.detail.amountUsd])).to.deep.equal([["medium", 1000]]);
    expect(received("low").map((i) => [i.lane, i.detail.amountUsd])).to.deep.equal([["low", 999.99]]);
  });

  it("gives transformers the rule's name and ARN and the ingestion time", async () => {
    const bus = new LocalEventBus({ name: "transactions" });
    const target = recordingTarget("t");
    bus.addRule({
      name: "with-context",
      pattern: receivedPattern,
      targets: [
        {
          ...target,
          inputTransformer: {
            inputPaths: {},
            inputTemplate:
              '{"rule": <aws.events.rule-name>, "arn": <aws.events.rule-arn>, "at": <aws.events.event.ingestion-time>}',
          },
        },
      ],
    });
    await bus.putEvents([entry(undefined, { Time: new Date("2001-01-01T00:00:00Z") })]);
    await bus.idle();
    const input = JSON.parse(target.inputs[0]) as { rule: string; arn: string; at: string };
    expect(input.rule).to.equal("with-context");
    expect(input.arn).to.equal("arn:aws:events:us-east-1:000000000000:rule/transactions/with-context");
    // The sender chose the event's time; the ingestion time is when the bus received it.
    expect(input.at).not.to.equal("2001-01-01T00:00:00Z");
    expect(Number.isNaN(Date.parse(input.at))).to.equal(false);
  });

  it("retries a failing delivery and records nothing when a retry succeeds", async () => {
    const bus = new LocalEventBus({ name: "transactions" });
    const flaky = recordingTarget("flaky", 2);
    bus.addRule({ name: "received", pattern: receivedPattern, targets: [flaky] });
    await bus.putEvents([entry()]);
    await bus.idle();
    expect(flaky.inputs).to.have.lengthOf(3);
    expect(bus.deadLetters("flaky")).to.deep.equal([]);
  });

  it("retries a delivery whose target threw a TypeError, as Lambda retries any failure", async () => {
    // Prepare
    const bus = new LocalEventBus({ name: "transactions" });
    const inputs: string[] = [];
    const target = {
      id: "typed",
      async deliver(input: string) {
        inputs.push(input);
        if (inputs.length === 1) throw new TypeError("Cannot read properties of undefined");
      },
    };
    bus.addRule({ name: "received", pattern: receivedPattern, targets: [target] });
    // Act
    await bus.putEvents([entry()]);
    await bus.idle();
    // Assess
    expect(inputs).to.have.lengthOf(2);
    expect(bus.deadLetters("typed")).to.deep.equal([]);
  });

  it("records a dead letter for the target after the configured attempts, leaving other targets alone", async () => {
    const bus = new LocalEventBus({ name: "transactions", deliveryAttempts: 5, retryDelayMs: 1 });
    const down = recordingTarget("down", Number.POSITIVE_INFINITY);
    const healthy = recordingTarget("healthy");
    bus.addRule({ name: "received", pattern: receivedPattern, targets: [down, healthy] });
    const result = await bus.putEvents([entry({ amountUsd: 7 })]);
    await bus.idle();
    expect(down.inputs).to.have.lengthOf(5);
    expect(healthy.inputs).to.have.lengthOf(1);
    expect(bus.deadLetters("healthy")).to.deep.equal([]);
    const [letter, ...others] = bus.deadLetters("down");
    expect(others).to.deep.equal([]);
    expect(letter).to.deep.include({
      ruleName: "received",
      targetId: "down",
      attempts: 5,
      input: down.inputs[0],
    });
    expect(letter.error).to.equal("Error: target down is down");
    expect(letter.event.id).to.equal(result.Entries[0].EventId);
  });

  it("tries three times by default", async () => {
    const bus = new LocalEventBus({ name: "transactions" });
    const down = recordingTarget("down", Number.POSITIVE_INFINITY);
    bus.addRule({ name: "received", pattern: receivedPattern, targets: [down] });
    await bus.putEvents([entry()]);
    await bus.idle();
    expect(down.inputs).to.have.lengthOf(3);
    expect(bus.deadLetters("down")).to.have.lengthOf(1);
  });

  it("idle() also waits for deliveries started by other deliveries", async () => {
    const bus = new LocalEventBus({ name: "transactions" });
    const final = recordingTarget("final");
    bus.addRule({
      name: "received",
      pattern: receivedPattern,
      targets: [
        {
          id: "relay",
          deliver: async () => {
            await bus.putEvents([entry({}, { DetailType: DetailType.processed })]);
          },
        },
      ],
    });
    bus.addRule({ name: "processed", pattern: { "detail-type": [DetailType.processed] }, targets: [final] });
    await bus.putEvents([entry()]);
    await bus.idle();
    expect(final.inputs).to.have.lengthOf(1);
  });
});

describe("LocalEventBus.addRule", () => {
  const bus = new LocalEventBus({ name: "transactions" });
  const target = recordingTarget("t");

  it("refuses a pattern the local matcher cannot evaluate", () => {
    expect(() =>
      bus.addRule({
        name: "cidr",
        pattern: { detail: { ip: [{ cidr: "10.0.0.0/24" }] } },
        targets: [target],
      }),
    ).to.throw(UnsupportedPatternError, /cidr/);
  });

  it("refuses a second rule with the same name", () => {
    bus.addRule({ name: "once", pattern: receivedPattern, targets: [target] });
    expect(() => bus.addRule({ name: "once", pattern: receivedPattern, targets: [target] })).to.throw(/once/);
  });

  it("refuses more than five targets and repeated target ids", () => {
    const six = Array.from({ length: 6 }, (_, i) => recordingTarget(`t${i}`));
    expect(() => bus.addRule({ name: "six", pattern: receivedPattern, targets: six })).to.throw(/5/);
    expect(() =>
      bus.addRule({ name: "twins", pattern: receivedPattern, targets: [target, target] }),
    ).to.throw(/id t/);
  });

  it("refuses a transformer it could not apply", () => {
    const broken = {
      ...target,
      inputTransformer: { inputPaths: { a: "$.detail[*]" }, inputTemplate: "<a>" },
    };
    expect(() => bus.addRule({ name: "broken", pattern: receivedPattern, targets: [broken] })).to.throw(
      /wildcard/,
    );
  });

  it("refuses nonsensical options", () => {
    expect(() => new LocalEventBus({ name: "x", deliveryAttempts: 0 })).to.throw(/deliveryAttempts/);
    expect(() => new LocalEventBus({ name: "bad name" })).to.throw(/name/);
  });
});
