import { expect } from "chai";
import fc from "fast-check";
import { DetailType, intakeEventSource } from "../../functions/shared/eventRouting";
import {
  assertSupportedPattern,
  InvalidPatternError,
  matchesEventPattern,
  UnsupportedPatternError,
} from "../../local/eventPattern";
import {
  amountLanePatterns,
  amountLanes,
  type AmountLaneThresholds,
  type EventPattern,
} from "../../pipeline";

// The example event AWS's pattern pages use.
const ec2Event = {
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "123456789012",
  time: "2015-11-11T21:29:54Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-abcd1111", state: "pending" },
};

function withDetail(detail: Record<string, unknown>, overrides: Record<string, unknown> = {}): unknown {
  return { ...ec2Event, ...overrides, detail };
}

// Vectors from "Content filtering in Amazon EventBridge event patterns"
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html,
// as published in awsdocs/amazon-eventbridge-user-guide doc_source/eb-event-patterns-content-based-filtering.md),
// now "Comparison operators for use in event patterns"
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
describe("event pattern matcher: AWS content-filtering examples", () => {
  it("prefix matches a time that starts with the prefix", () => {
    const pattern: EventPattern = { time: [{ prefix: "2017-10-02" }] };
    expect(matchesEventPattern(pattern, { ...ec2Event, time: "2017-10-02T18:43:48Z" })).to.equal(true);
    expect(matchesEventPattern(pattern, { ...ec2Event, time: "2017-10-03T18:43:48Z" })).to.equal(false);
    expect(matchesEventPattern(pattern, { ...ec2Event, time: 20171002 })).to.equal(false);
  });

  it("anything-but with one string matches every other state", () => {
    const pattern: EventPattern = { detail: { state: [{ "anything-but": "initializing" }] } };
    expect(matchesEventPattern(pattern, withDetail({ state: "initializing" }))).to.equal(false);
    expect(matchesEventPattern(pattern, withDetail({ state: "running" }))).to.equal(true);
  });

  it("anything-but with one number matches every other number", () => {
    const pattern: EventPattern = { detail: { "x-limit": [{ "anything-but": 123 }] } };
    expect(matchesEventPattern(pattern, withDetail({ "x-limit": 123 }))).to.equal(false);
    expect(matchesEventPattern(pattern, withDetail({ "x-limit": 124 }))).to.equal(true);
  });

  it("anything-but with a list of strings excludes each of them", () => {
    const pattern: EventPattern = { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } };
    expect(matchesEventPattern(pattern, withDetail({ state: "stopped" }))).to.equal(false);
    expect(matchesEventPattern(pattern, withDetail({ state: "overloaded" }))).to.equal(false);
    expect(matchesEventPattern(pattern, withDetail({ state: "running" }))).to.equal(true);
  });

  it("anything-but with a list of numbers excludes each of them", () => {
    const pattern: EventPattern = { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } };
    expect(matchesEventPattern(pattern, withDetail({ "x-limit": 200 }))).to.equal(false);
    expect(matchesEventPattern(pattern, withDetail({ "x-limit": 150 }))).to.equal(true);
  });

  it("anything-but prefix matches states that do not start with init", () => {
    const pattern: EventPattern = { detail: { state: [{ "anything-but": { prefix: "init" } }] } };
    expect(matchesEventPattern(pattern, withDetail({ state: "initializing" }))).to.equal(false);
    expect(matchesEventPattern(pattern, withDetail({ state: "running" }))).to.equal(true);
  });

  it("anything-but does not match a field the event lacks", () => {
    const pattern: EventPattern = { detail: { state: [{ "anything-but": "initializing" }] } };
    expect(matchesEventPattern(pattern, withDetail({}))).to.equal(false);
  });

  describe("numeric: c-count > 0 and <= 5, d-count < 10, x-limit = 3.018e2", () => {
    const pattern: EventPattern = {
      detail: {
        "c-count": [{ numeric: [">", 0, "<=", 5] }],
        "d-count": [{ numeric: ["<", 10] }],
        "x-limit": [{ numeric: ["=", 3.018e2] }],
      },
    };
    const matching = { "c-count": 5, "d-count": 9.5, "x-limit": 301.8 };

    it("matches when every field is in range", () => {
      expect(matchesEventPattern(pattern, withDetail(matching))).to.equal(true);
    });

    for (const [field, value] of [
      ["c-count", 0],
      ["c-count", 5.000001],
      ["d-count", 10],
      ["x-limit", 301.9],
    ] as const) {
      it(`does not match ${field} = ${value}`, () => {
        expect(matchesEventPattern(pattern, withDetail({ ...matching, [field]: value }))).to.equal(false);
      });
    }

    it("never matches a number written as a string", () => {
      expect(matchesEventPattern(pattern, withDetail({ ...matching, "c-count": "5" }))).to.equal(false);
    });

    it("never matches a value beyond the documented numeric range (±5.0e9)", () => {
      const open: EventPattern = { detail: { n: [{ numeric: [">", 0] }] } };
      expect(matchesEventPattern(open, withDetail({ n: 5e9 }))).to.equal(true);
      expect(matchesEventPattern(open, withDetail({ n: 5.000001e9 }))).to.equal(false);
    });
  });

  describe("exists", () => {
    it("exists: true matches the documented event that has detail.state", () => {
      expect(matchesEventPattern({ detail: { state: [{ exists: true }] } }, ec2Event)).to.equal(true);
    });

    it("exists: true does not match the documented event whose detail has only an object c-count", () => {
      const event = {
        "detail-type": ["EC2 Instance State-change Notification"],
        resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],
        detail: { "c-count": { c1: 100 } },
      };
      expect(matchesEventPattern({ detail: { state: [{ exists: true }] } }, event)).to.equal(false);
    });

    it("exists: false matches events without detail.c-count, and where c-count is not a leaf", () => {
      const pattern: EventPattern = { detail: { "c-count": [{ exists: false }] } };
      const base = {
        "detail-type": ["EC2 Instance State-change Notification"],
        resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],
      };
      expect(
        matchesEventPattern(pattern, { ...base, detail: { state: ["initializing", "running"] } }),
      ).to.equal(true);
      expect(
        matchesEventPattern(pattern, {
          ...base,
          detail: { state: ["initializing", "running"], "c-count": { c1: 100 } },
        }),
      ).to.equal(true);
      expect(matchesEventPattern(pattern, { ...base, detail: { "c-count": 100 } })).to.equal(false);
    });

    it("exists: false matches when the enclosing object is missing altogether", () => {
      expect(matchesEventPattern({ detail: { "c-count": [{ exists: false }] } }, { source: "x" })).to.equal(
        true,
      );
    });
  });

  it("the complex example combines prefix, anything-but and numeric", () => {
    const pattern: EventPattern = {
      time: [{ prefix: "2017-10-02" }],
      detail: {
        state: [{ "anything-but": "initializing" }],
        "c-count": [{ numeric: [">", 0, "<=", 5] }],
        "d-count": [{ numeric: ["<", 10] }],
        "x-limit": [{ "anything-but": [100, 200, 300] }],
      },
    };
    const detail = { state: "running", "c-count": 3, "d-count": 2, "x-limit": 150 };
    expect(matchesEventPattern(pattern, withDetail(detail, { time: "2017-10-02T18:43:48Z" }))).to.equal(true);
    expect(
      matchesEventPattern(
        pattern,
        withDetail({ ...detail, "x-limit": 300 }, { time: "2017-10-02T00:00:00Z" }),
      ),
    ).to.equal(false);
    expect(matchesEventPattern(pattern, withDetail(detail))).to.equal(false);
  });
});

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
describe("event pattern matcher: arrays", () => {
  it("matches when the pattern's values and the event's array intersect", () => {
    const pattern: EventPattern = {
      resources: [
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
      ],
    };
    const event = {
      resources: [
        "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
      ],
    };
    expect(matchesEventPattern(pattern, event)).to.equal(true);
    expect(matchesEventPattern(pattern, { resources: [event.resources[0]] })).to.equal(false);
  });

  it("matches a nested pattern against any object of an array", () => {
    const pattern: EventPattern = { detail: { items: { sku: ["B"] } } };
    expect(matchesEventPattern(pattern, withDetail({ items: [{ sku: "A" }, { sku: "B" }] }))).to.equal(true);
    expect(matchesEventPattern(pattern, withDetail({ items: [{ sku: "A" }] }))).to.equal(false);
  });
});

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
describe("event pattern matcher: null values and empty strings", () => {
  const event = withDetail({ eventVersion: "", responseElements: null });

  it('[""] matches an empty string and [null] matches null', () => {
    expect(matchesEventPattern({ detail: { eventVersion: [""] } }, event)).to.equal(true);
    expect(matchesEventPattern({ detail: { responseElements: [null] } }, event)).to.equal(true);
  });

  it("null and the empty string are not interchangeable", () => {
    expect(matchesEventPattern({ detail: { eventVersion: [null] } }, event)).to.equal(false);
    expect(matchesEventPattern({ detail: { responseElements: [""] } }, event)).to.equal(false);
  });

  it('exact values are typed: the number 5 is not the string "5", true is not "true"', () => {
    const typed = withDetail({ n: 5, flag: true });
    expect(matchesEventPattern({ detail: { n: [5] } }, typed)).to.equal(true);
    expect(matchesEventPattern({ detail: { n: ["5"] } }, typed)).to.equal(false);
    expect(matchesEventPattern({ detail: { flag: [true] } }, typed)).to.equal(true);
    expect(matchesEventPattern({ detail: { flag: ["true"] } }, typed)).to.equal(false);
  });
});

// $or as described on the comparison-operators page: alternatives at one level, ANDed with the
// other fields of that level. (The vectors are ours; the page's own $or section was not readable.)
describe("event pattern matcher: $or", () => {
  const pattern: EventPattern = {
    source: ["aws.cloudwatch"],
    $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }],
  };

  it("matches when the other fields match and any alternative does", () => {
    expect(matchesEventPattern(pattern, { source: "aws.cloudwatch", metricName: "ReadLatency" })).to.equal(
      true,
    );
    expect(matchesEventPattern(pattern, { source: "aws.cloudwatch", namespace: "AWS/ES" })).to.equal(true);
  });

  it("does not match when no alternative does, or when a sibling field fails", () => {
    expect(matchesEventPattern(pattern, { source: "aws.cloudwatch", metricName: "Other" })).to.equal(false);
    expect(matchesEventPattern(pattern, { source: "aws.ec2", metricName: "ReadLatency" })).to.equal(false);
  });

  it("works inside a nested object", () => {
    const nested: EventPattern = {
      detail: {
        $or: [{ "c-count": [{ numeric: [">", 0, "<=", 5] }] }, { "d-count": [{ numeric: ["<", 10] }] }],
      },
    };
    expect(matchesEventPattern(nested, withDetail({ "c-count": 7, "d-count": 3 }))).to.equal(true);
    expect(matchesEventPattern(nested, withDetail({ "c-count": 7, "d-count": 30 }))).to.equal(false);
  });
});

describe("assertSupportedPattern", () => {
  const unsupported: Array<[string, EventPattern]> = [
    ["wildcard", { detail: { path: [{ wildcard: "*/lib/*" }] } }],
    ["equals-ignore-case", { detail: { state: [{ "equals-ignore-case": "RUNNING" }] } }],
    ["cidr", { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } }],
    ["prefix/equals-ignore-case", { detail: { service: [{ prefix: { "equals-ignore-case": "eventb" } }] } }],
    ["suffix/equals-ignore-case", { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } }],
    ["anything-but/suffix", { detail: { FileName: [{ "anything-but": { suffix: ".png" } }] } }],
    ["anything-but/wildcard", { detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } }],
    [
      "anything-but/equals-ignore-case",
      { detail: { state: [{ "anything-but": { "equals-ignore-case": "x" } }] } },
    ],
  ];
  for (const [operator, pattern] of unsupported) {
    it(`refuses ${operator}, naming it and where it is`, () => {
      expect(() => assertSupportedPattern(pattern))
        .to.throw(UnsupportedPatternError)
        .with.property("operator", operator);
      expect(() => assertSupportedPattern(pattern)).to.throw(/at detail\./);
    });
  }

  it("refuses an unsupported operator before matching, even on an event it would not reach", () => {
    expect(() =>
      matchesEventPattern({ source: ["x"], detail: { ip: [{ cidr: "10.0.0.0/24" }] } }, {}),
    ).to.throw(UnsupportedPatternError);
  });

  const invalid: Array<[string, EventPattern]> = [
    ["an empty value list", { source: [] }],
    ["a bare value instead of a list", { source: "aws.ec2" }],
    ["numeric with an odd operand list", { detail: { n: [{ numeric: [">", 0, "<"] }] } }],
    ["numeric with an unknown operator", { detail: { n: [{ numeric: ["!=", 0] }] } }],
    ["numeric range written upper bound first", { detail: { n: [{ numeric: ["<", 10, ">", 0] }] } }],
    ["numeric with a string bound", { detail: { n: [{ numeric: [">", "0"] }] } }],
    ["anything-but with mixed types", { detail: { n: [{ "anything-but": ["a", 1] }] } }],
    ["anything-but with a list of prefixes", { detail: { n: [{ "anything-but": { prefix: ["a", "b"] } }] } }],
    ["exists with a non-boolean", { detail: { n: [{ exists: "yes" }] } }],
    ["two operators in one matcher", { detail: { n: [{ prefix: "a", suffix: "b" }] } }],
  ];
  for (const [what, pattern] of invalid) {
    it(`rejects ${what}`, () => {
      expect(() => assertSupportedPattern(pattern)).to.throw(InvalidPatternError);
    });
  }
});

// Guard: the rules the stack deploys must be evaluable here, and route every amount to one lane.
describe("amount lane patterns (deployed rules)", () => {
  const thresholdSets: AmountLaneThresholds[] = [
    { highAboveUsd: 10_000, lowBelowUsd: 1_000 },
    { highAboveUsd: 5_000, lowBelowUsd: 250 },
    { highAboveUsd: 2_000, lowBelowUsd: 2_000 },
  ];

  function received(detail: Record<string, unknown>): unknown {
    return {
      version: "0",
      id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
      "detail-type": DetailType.received,
      source: intakeEventSource,
      account: "000000000000",
      time: "2026-01-15T10:00:00Z",
      region: "us-east-1",
      resources: [],
      detail: { transactionId: "webhook#acme#tx-1", ...detail },
    };
  }

  function lanesMatching(patterns: ReturnType<typeof amountLanePatterns>, event: unknown): string[] {
    return amountLanes.filter((lane) => matchesEventPattern(patterns[lane], event));
  }

  it("every lane pattern, default and custom thresholds, uses only supported operators", () => {
    for (const patterns of [amountLanePatterns(), ...thresholdSets.map((t) => amountLanePatterns(t))]) {
      for (const lane of amountLanes)
        expect(() => assertSupportedPattern(patterns[lane]), lane).not.to.throw();
    }
  });

  it("routes the boundary amounts to the documented lane with the default thresholds", () => {
    const patterns = amountLanePatterns();
    const expected: Array<[number, string]> = [
      [0, "low"],
      [0.01, "low"],
      [999.99, "low"],
      [1000, "medium"],
      [1000.01, "medium"],
      [10_000, "medium"],
      [10_000.01, "high"],
      [1e6, "high"],
    ];
    for (const [amountUsd, lane] of expected) {
      expect(lanesMatching(patterns, received({ amountUsd })), String(amountUsd)).to.deep.equal([lane]);
    }
  });

  for (const thresholds of thresholdSets) {
    it(`routes every amount from 0 to 1e9 to exactly one lane (${JSON.stringify(thresholds)})`, () => {
      const patterns = amountLanePatterns(thresholds);
      const fixed = [
        0,
        0.01,
        999.99,
        1000,
        1000.01,
        10_000,
        10_000.01,
        1e6,
        thresholds.lowBelowUsd,
        thresholds.highAboveUsd,
      ];
      for (const amountUsd of fixed) {
        expect(lanesMatching(patterns, received({ amountUsd })), String(amountUsd)).to.have.lengthOf(1);
      }
      // Raw doubles spread over every magnitude; whole cents cluster around the thresholds.
      const amounts = fc.oneof(
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.integer({ min: 0, max: 3 * thresholds.highAboveUsd * 100 }).map((cents) => cents / 100),
      );
      fc.assert(
        fc.property(amounts, (amountUsd) => {
          expect(lanesMatching(patterns, received({ amountUsd })), String(amountUsd)).to.have.lengthOf(1);
        }),
        { numRuns: 500 },
      );
    });
  }

  it("a string or missing amountUsd matches no lane", () => {
    const patterns = amountLanePatterns();
    expect(lanesMatching(patterns, received({ amountUsd: "5000" }))).to.deep.equal([]);
    expect(lanesMatching(patterns, received({ amountUsd: "5000.00" }))).to.deep.equal([]);
    expect(lanesMatching(patterns, received({}))).to.deep.equal([]);
  });

  it("a Transaction Processed event matches no lane", () => {
    const patterns = amountLanePatterns();
    const processed = { ...(received({ amountUsd: 5000 }) as object), "detail-type": DetailType.processed };
    expect(lanesMatching(patterns, processed)).to.deep.equal([]);
  });
});
