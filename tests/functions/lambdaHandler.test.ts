/**
 * The handler shape every function shares (Middy with Powertools' middlewares) and the Powertools
 * singletons, cold-started with logs at DEBUG and
 * metrics on: correlation keys and X-Ray annotations (the tracer's putAnnotation is recorded, as
 * tracing is off outside Lambda), their removal at the end of every invocation, the log line
 * replacer that masks card numbers, and dimensioned counts published apart from the other metrics.
 * What this cannot prove: that X-Ray indexes the annotations (it only accepts them).
 */
import { expect } from "chai";
import type { Context } from "aws-lambda";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { forgetFunctionModules, loadFunctionModule } from "../../local/functionLoader";
import { localLambdaContext } from "../../local/lambdaInvokeShim";
import { captureOutput, type EmfDocument } from "./support/capturedOutput";

type CorrelationModule = typeof import("../../functions/shared/correlation");
type LambdaHandlerModule = typeof import("../../functions/shared/lambdaHandler");
type PowertoolsModule = typeof import("../../functions/shared/powertools");

const visa = "4111111111111111";
const spacedVisa = "4111 1111 1111 1111";

describe("handler shape (correlation ids, masking, metrics)", () => {
  const snapshot = { ...process.env };
  let correlation: CorrelationModule;
  let wrapper: LambdaHandlerModule;
  let powertools: PowertoolsModule;
  let annotations: Array<[string, string | number | boolean]>;
  let sequence = 0;

  /** Runs `work` as one invocation of a handler of the shared shape. */
  function invoke(invocation: Context, work: () => Promise<void>): Promise<void> {
    return wrapper.lambdaHandler<unknown, void>(work)({}, invocation);
  }

  function context(): Context {
    sequence += 1;
    return { ...localLambdaContext("observability"), awsRequestId: `request-${sequence}` };
  }

  function emfWith(documents: readonly EmfDocument[], name: string): EmfDocument | undefined {
    return documents.find((document) =>
      document._aws.CloudWatchMetrics[0].Metrics.some((metric) => metric.Name === name),
    );
  }

  before(() => {
    Object.assign(process.env, {
      POWERTOOLS_SERVICE_NAME: "observability",
      POWERTOOLS_METRICS_NAMESPACE: "ObservabilityTest",
      POWERTOOLS_LOG_LEVEL: "DEBUG",
      POWERTOOLS_METRICS_DISABLED: "false",
      POWERTOOLS_TRACE_ENABLED: "false",
    });
    forgetFunctionModules();
    correlation = loadFunctionModule<CorrelationModule>("shared/correlation");
    wrapper = loadFunctionModule<LambdaHandlerModule>("shared/lambdaHandler");
    // The same module generation: the instances the wrapper uses.
    powertools = loadFunctionModule<PowertoolsModule>("shared/powertools");
  });

  beforeEach(() => {
    annotations = [];
    powertools.tracer.putAnnotation = (key, value) => {
      annotations.push([key, value]);
    };
  });

  after(() => {
    forgetFunctionModules();
    for (const key of Object.keys(process.env)) if (!(key in snapshot)) delete process.env[key];
    Object.assign(process.env, snapshot);
  });

  it("puts the ids on every later log line and on the trace, card numbers masked, long ids cut", async () => {
    // Prepare
    const invocation = context();
    const long = "x".repeat(300);
    // Act
    const captured = await captureOutput(() =>
      invoke(invocation, async () => {
        powertools.logger.info("before");
        correlation.correlateInvocation({
          correlationId: `acme#${visa}`,
          fileId: spacedVisa,
          webhookId: long,
          absent: undefined,
        });
        powertools.logger.info("after");
        powertools.metrics.addMetric("Work", MetricUnit.Count, 1);
      }),
    );
    // Assess
    const [before, after] = captured.logs;
    expect(before).to.include({ correlationId: "request-1" });
    expect(after).to.include({
      correlationId: "acme#************1111",
      fileId: "**** **** **** 1111",
      webhookId: "x".repeat(256),
    });
    expect(after).not.to.have.property("absent");
    expect(annotations).to.deep.equal([
      ["correlationId", "request-1"],
      ["correlationId", "acme#************1111"],
      ["fileId", "**** **** **** 1111"],
      ["webhookId", "x".repeat(256)],
    ]);
  });

  it("keeps the request id as correlationId when the handler names none (a manual run of a job)", async () => {
    // Prepare
    const invocation = context();
    // Act
    const captured = await captureOutput(() =>
      invoke(invocation, async () => {
        correlation.correlateInvocation({ correlationId: undefined, scheduleEventId: undefined });
        powertools.logger.info("job started");
      }),
    );
    // Assess
    expect(captured.logs[0]).to.include({ correlationId: invocation.awsRequestId });
    expect(captured.logs[0]).not.to.have.property("scheduleEventId");
  });

  it("removes every key at the end of an invocation, also one that failed", async () => {
    // Prepare: a failing invocation that appended keys of its own.
    const failing = await captureOutput(() =>
      invoke(context(), async () => {
        correlation.correlateInvocation({ correlationId: "tx-first", transactionId: "tx-first" });
        powertools.logger.appendKeys({ extra: "first" });
        throw new Error("boom");
      }),
    );
    const nextContext = context();
    // Act
    const next = await captureOutput(() =>
      invoke(nextContext, async () => {
        powertools.logger.info("next");
        powertools.metrics.addMetric("Work", MetricUnit.Count, 1);
      }),
    );
    const outside = await captureOutput(async () => powertools.logger.info("between invocations"));
    // Assess
    expect(failing.outcome.status).to.equal("rejected");
    expect(failing.logs.map((log) => [log.message, log.transactionId])).to.deep.equal([
      ["Invocation failed", "tx-first"],
    ]);
    expect(next.logs).to.have.length(1);
    expect(next.logs[0]).to.include({ correlationId: nextContext.awsRequestId });
    expect(next.logs[0]).not.to.have.property("transactionId");
    expect(next.logs[0]).not.to.have.property("extra");
    expect(outside.logs[0]).not.to.have.property("correlationId");
  });

  it("masks card numbers in messages, strings, integers, property names and errors of any log line", async () => {
    const captured = await captureOutput(async () =>
      powertools.logger.warn(`message ${spacedVisa}`, {
        note: `card 4111-1111-1111-1111`,
        amount: Number(visa),
        nested: { [visa]: "as a key", list: [spacedVisa] },
        error: new Error(`failed for ${visa}`, { cause: new Error(visa) }),
        fine: "order-1234",
      }),
    );

    const [line] = captured.lines;
    expect(line).not.to.match(/4[ -]?1[ -]?1[ -]?1[ -]?1[ -]?1[ -]?1[ -]?1[ -]?1/);
    const [log] = captured.logs;
    expect(log).to.include({
      message: "message **** **** **** 1111",
      note: "card ****-****-****-1111",
      amount: "************1111",
      fine: "order-1234",
    });
    expect(log.nested).to.deep.equal({ "************1111": "as a key", list: ["**** **** **** 1111"] });
    expect(log.error).to.deep.include({ message: "failed for ************1111" });
  });

  it("publishes a dimensioned count in its own document, so its dimension never reaches the other metrics", async () => {
    const captured = await captureOutput(() =>
      invoke(context(), async () => {
        powertools.metrics.addMetric("Work", MetricUnit.Count, 1);
        powertools.publishDimensionedCount("Decided", { decision: "REVIEW" });
      }),
    );

    const decided = emfWith(captured.metrics, "Decided");
    const work = emfWith(captured.metrics, "Work");
    expect(decided?._aws.CloudWatchMetrics[0]).to.deep.include({
      Namespace: "ObservabilityTest",
      Dimensions: [["service", "decision"]],
      Metrics: [{ Name: "Decided", Unit: "Count" }],
    });
    expect(decided).to.include({ service: "observability", decision: "REVIEW", Decided: 1 });
    expect(work?._aws.CloudWatchMetrics[0].Dimensions).to.deep.equal([["service"]]);
    expect(work).not.to.have.property("decision");
  });

  it("flushes nothing and warns nothing when only dimensioned counts were published, and drops a stray dimension", async () => {
    const only = await captureOutput(() =>
      invoke(context(), async () => {
        powertools.publishDimensionedCount("Decided", { decision: "APPROVED" });
        powertools.metrics.addDimension("stray", "value");
      }),
    );
    const next = await captureOutput(() =>
      invoke(context(), async () => {
        powertools.metrics.addMetric("Work", MetricUnit.Count, 1);
      }),
    );

    expect(only.metrics).to.have.length(1);
    expect(only.logs).to.deep.equal([]);
    expect(next.metrics).to.have.length(1);
    expect(next.metrics[0]._aws.CloudWatchMetrics[0].Dimensions).to.deep.equal([["service"]]);
  });

  it("finds an id in an untrusted value only where it is a non-empty string", () => {
    expect(
      correlation.stringAt({ transaction: { transactionId: "tx-1" } }, "transaction", "transactionId"),
    ).to.equal("tx-1");
    expect(
      correlation.stringAt({ transaction: { transactionId: 7 } }, "transaction", "transactionId"),
    ).to.equal(undefined);
    expect(correlation.stringAt({ transactionId: "" }, "transactionId")).to.equal(undefined);
    expect(correlation.stringAt(null, "transactionId")).to.equal(undefined);
    expect(correlation.stringAt(Object.create({ transactionId: "inherited" }), "transactionId")).to.equal(
      undefined,
    );
  });
});
