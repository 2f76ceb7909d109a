import { expect } from "chai";
import { DetailType, intakeEventSource } from "../../functions/shared/eventRouting";
import { applyInputTransformer, checkInputTransformer } from "../../local/inputTransformer";
import { stateMachineTargetInput, type InputTransformer } from "../../pipeline";

// The example event and transformer of "Amazon EventBridge input transformation"
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html, as published in
// awsdocs/amazon-eventbridge-user-guide doc_source/eb-transform-target-input.md). Its last example
// ("Amazon CloudWatch log group") is not reproduced: the output the page prints there is not valid JSON
// and contradicts the page's other examples.
const ec2Event = {
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "123456789012",
  time: "2015-11-11T21:29:54Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-0123456789", state: "RUNNING" },
};
const inputPaths = { timestamp: "$.time", instance: "$.detail.instance-id", state: "$.detail.state" };

function transform(
  inputTemplate: string,
  event: unknown = ec2Event,
  paths: Readonly<Record<string, string>> = inputPaths,
): string {
  return applyInputTransformer({ inputPaths: paths, inputTemplate }, event, {
    ruleName: "example",
    ruleArn: "arn:aws:events:us-east-2:123456789012:rule/example",
  });
}

describe("input transformer: the EventBridge user guide's examples", () => {
  it("simple string", () => {
    expect(transform('"instance <instance> is in <state>"')).to.equal(
      '"instance i-0123456789 is in RUNNING"',
    );
  });

  it("string with escaped quotes (the console's behaviour)", () => {
    expect(transform('"instance \\"<instance>\\" is in <state>"')).to.equal(
      '"instance \\"i-0123456789\\" is in RUNNING"',
    );
  });

  it("simple JSON: string values are quoted, the output is minified", () => {
    const output = transform('{\n  "instance" : <instance>,\n  "state": <state>\n}');
    expect(output).to.equal('{"instance":"i-0123456789","state":"RUNNING"}');
  });

  it("JSON with strings and variables", () => {
    const output = transform(
      '{\n "instance" : <instance>,\n "state": "<state>",\n "instanceStatus": "instance \\"<instance>\\" is in <state>"\n}',
    );
    expect(JSON.parse(output)).to.deep.equal({
      instance: "i-0123456789",
      state: "RUNNING",
      instanceStatus: 'instance "i-0123456789" is in RUNNING',
    });
  });

  it("JSON with a mix of variables and static information", () => {
    const output = transform(
      '{\n  "instance" : <instance>,\n  "state": [ 9, <state>, true ],\n  "Transformed" : "Yes"\n}',
    );
    expect(JSON.parse(output)).to.deep.equal({
      instance: "i-0123456789",
      state: [9, "RUNNING", true],
      Transformed: "Yes",
    });
  });

  it("reserved variables in JSON: rule ARN and name, the event without detail, the whole event", () => {
    const output = transform(
      '{ "instance": <instance>, "state": <state>, "ruleArn": <aws.events.rule-arn>, "ruleName": <aws.events.rule-name>, ' +
        '"originalEvent": <aws.events.event>, "fullEvent": <aws.events.event.json> }',
    );
    const { detail: _detail, ...withoutDetail } = ec2Event;
    expect(JSON.parse(output)).to.deep.equal({
      instance: "i-0123456789",
      state: "RUNNING",
      ruleArn: "arn:aws:events:us-east-2:123456789012:rule/example",
      ruleName: "example",
      originalEvent: withoutDetail,
      fullEvent: ec2Event,
    });
  });

  it("reserved variable in a string", () => {
    expect(transform('"<aws.events.rule-name> triggered"')).to.equal('"example triggered"');
  });
});

// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html
describe("input transformer: the API reference's examples", () => {
  const event = { ...ec2Event, detail: { instance: "i-0123456789", status: "RUNNING" } };
  const paths = { instance: "$.detail.instance", status: "$.detail.status" };

  it("a plain text template inserts values as text", () => {
    expect(transform("<instance> is in state <status>", event, paths)).to.equal(
      "i-0123456789 is in state RUNNING",
    );
    expect(transform('<instance> is in state "<status>"', event, paths)).to.equal(
      'i-0123456789 is in state "RUNNING"',
    );
  });

  it("a JSON template with variables in quotes and out", () => {
    const output = transform(
      '{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<status>\\""}',
      event,
      paths,
    );
    expect(JSON.parse(output)).to.deep.equal({
      myInstance: "i-0123456789",
      myStatus: 'i-0123456789 is in state "RUNNING"',
    });
  });
});

// "Common issues with transforming input" on the user-guide page, and the same list on
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html.
describe("input transformer: documented edge cases", () => {
  it("a path missing from the event creates no variable, so its placeholder leaves nothing", () => {
    const paths = { ...inputPaths, missing: "$.detail.nothing-here" };
    expect(transform('"state <state><missing>!"', ec2Event, paths)).to.equal('"state RUNNING!"');
    expect(transform('{"text": "a<missing>b", "state": <state>}', ec2Event, paths)).to.equal(
      '{"text":"ab","state":"RUNNING"}',
    );
  });

  it("a predefined variable with nothing to resolve to is left out like a missing path", () => {
    const transformer = { inputPaths: {}, inputTemplate: '"<aws.events.rule-name> triggered"' };
    expect(applyInputTransformer(transformer, ec2Event)).to.equal('" triggered"');
  });

  it("an object referenced inside a string loses its internal quotes; unquoted it stays JSON", () => {
    const paths = { detail: "$.detail" };
    expect(transform('{"text": "Detail is <detail>"}', ec2Event, paths)).to.equal(
      '{"text":"Detail is {instance-id:i-0123456789,state:RUNNING}"}',
    );
    expect(JSON.parse(transform('{"detail": <detail>}', ec2Event, paths))).to.deep.equal({
      detail: ec2Event.detail,
    });
  });

  it("values placed inside a quoted string are not escaped", () => {
    const event = { detail: { note: 'say "hi"' } };
    expect(transform('{"s": "<note>"}', event, { note: "$.detail.note" })).to.equal('{"s":"say "hi""}');
  });

  it("numbers, booleans and null keep their JSON form as values and become text in strings", () => {
    const event = { detail: { n: 12.5, yes: true, none: null } };
    const paths = { n: "$.detail.n", yes: "$.detail.yes", none: "$.detail.none" };
    const output = transform(
      '{"n": <n>, "yes": <yes>, "none": <none>, "text": "<n>/<yes>/<none>"}',
      event,
      paths,
    );
    expect(JSON.parse(output)).to.deep.equal({ n: 12.5, yes: true, none: null, text: "12.5/true/null" });
  });

  it("paths take dashes, underscores, slashes and array indices", () => {
    const event = {
      resources: ["arn:first", "arn:second"],
      detail: { "with-dash": { snake_case: "a", "a/b": "slash" }, list: [{ x: 1 }, { x: 2 }] },
    };
    const paths = {
      second: "$.resources[1]",
      nested: "$.detail.with-dash.snake_case",
      slash: "$.detail.with-dash.a/b",
      x: "$.detail.list[1].x",
      out: "$.resources[5]",
    };
    const output = transform(
      '{"second": <second>, "nested": <nested>, "slash": <slash>, "x": <x>}',
      event,
      paths,
    );
    expect(JSON.parse(output)).to.deep.equal({ second: "arn:second", nested: "a", slash: "slash", x: 2 });
    expect(transform('"<out>"', event, paths)).to.equal('""');
  });

  it("whitespace inside JSON strings survives minification", () => {
    expect(transform('{ "text" : "  <state>  and  more " }')).to.equal('{"text":"  RUNNING  and  more "}');
  });
});

describe("input transformer: the state machine target of a lane rule", () => {
  const event = {
    version: "0",
    id: "0d6c3f0e-2a0c-4a5e-9f5e-0c8b8a7f1b2c",
    "detail-type": DetailType.received,
    source: intakeEventSource,
    account: "000000000000",
    time: "2026-01-15T10:00:00Z",
    region: "us-east-1",
    resources: [],
    detail: {
      transactionId: "webhook#acme#tx-42",
      source: "webhook",
      amount: "12500.00",
      currency: "USD",
      amountUsd: 12500,
      customerId: "cust-1",
      merchantId: "merch-9",
      metadata: { note: 'a "quoted" note', tags: ["a", "b"] },
    },
  };

  for (const lane of ["low", "medium", "high"] as const) {
    it(`${lane}: the input parses as JSON and carries the envelope fields, detail and lane`, () => {
      const transformer: InputTransformer = stateMachineTargetInput(lane);
      expect(() => checkInputTransformer(transformer)).not.to.throw();
      expect(JSON.parse(applyInputTransformer(transformer, event))).to.deep.equal({
        id: event.id,
        source: event.source,
        "detail-type": event["detail-type"],
        time: event.time,
        detail: event.detail,
        lane,
      });
    });
  }
});

describe("checkInputTransformer", () => {
  const valid = { inputPaths: { a: "$.detail.a" }, inputTemplate: '{"a": <a>}' };

  it("accepts a transformer using its own variables and the predefined ones", () => {
    expect(() =>
      checkInputTransformer({ ...valid, inputTemplate: '{"a": <a>, "e": <aws.events.event.json>}' }),
    ).not.to.throw();
  });

  it("refuses a wildcard path, naming it", () => {
    expect(() => checkInputTransformer({ ...valid, inputPaths: { a: "$.detail.*" } })).to.throw(
      /\$\.detail\.\*.*wildcard/,
    );
  });

  it("refuses a path that is not dot notation", () => {
    expect(() => checkInputTransformer({ ...valid, inputPaths: { a: "detail.a" } })).to.throw(
      /must start with/,
    );
    expect(() => checkInputTransformer({ ...valid, inputPaths: { a: "$['detail']" } })).to.throw(
      /dot notation/,
    );
  });

  it("refuses a variable name outside [A-Za-z0-9_-], such as a reserved aws.events name", () => {
    expect(() =>
      checkInputTransformer({
        inputPaths: { "aws.events.rule-name": "$.id" },
        inputTemplate: "<aws.events.rule-name>",
      }),
    ).to.throw(/aws\.events\.rule-name/);
  });

  it("refuses a placeholder that names no variable", () => {
    expect(() => checkInputTransformer({ ...valid, inputTemplate: '{"a": <b>}' })).to.throw(/<b>/);
  });

  it("refuses more than 100 variables", () => {
    const inputPaths = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, "$.id"]));
    expect(() => checkInputTransformer({ inputPaths, inputTemplate: '"x"' })).to.throw(/at most 100/);
  });
});
