/** Stack configuration validation: bad values fail before anything is planned, naming the key. */
import { expect } from "chai";
import {
  loadStackConfig,
  parseStackConfig,
  StackConfigError,
  webhookSigningDocument,
} from "../../stackConfig";
import { installMocks } from "../support/pulumiMocks";

const acmeSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const valid = {
  tags: { Environment: "dev", Application: "tx", Team: "payments", CostCenter: "cc-1", Repository: "tx" },
  alertEmail: "alerts@example.com",
  webhookProviders: [{ name: "acme", scheme: "standard-webhooks" }],
  webhookSigningSecrets: { acme: [acmeSecret] },
};

describe("stack configuration", () => {
  it("fills documented defaults for optional keys", () => {
    const config = parseStackConfig(valid);
    expect(config.functions).to.deep.equal({ memoryMb: 1024, timeoutSeconds: 30 });
    expect(config.logRetentionDays).to.equal(30);
    expect(config.deletionProtection).to.equal(false);
    expect(config.highValueAlertUsd).to.equal(10_000);
    expect(config.includeExecutionData).to.equal(false);
    expect(config.webhook).to.deep.equal({ maxBodyBytes: 65_536, intakeRecordRetentionHours: 120 });
    expect(config.routing).to.deep.equal({
      highAboveUsd: 10_000,
      lowBelowUsd: 1_000,
      archiveRetentionDays: 30,
      maximumRetryAttempts: 185,
      maximumEventAgeSeconds: 86_400,
    });
    expect(config.archive).to.deep.equal({
      scheduleExpression: "cron(15 2 * * ? *)",
      archiveAfterHours: 24,
      chunkSize: 1000,
      transitionToInfrequentAccessDays: 30,
      transitionToGlacierDays: 90,
      expireAfterDays: 365,
    });
    expect(config.api).to.include({
      stageName: "v1",
      manageAccountLogRole: true,
      webhookThrottlingRateLimit: 250,
    });
    expect(config.reconcile).to.deep.equal({
      undecidedAfterMinutes: 15,
      maxAttempts: 3,
      scheduleExpression: "rate(5 minutes)",
    });
    expect(config.monitoring).to.deep.equal({
      opsEmails: [],
      lambdaErrorRatePercent: 5,
      apiServerErrorRatePercent: 1,
      apiLatencyP99Milliseconds: 3000,
      webhookSignatureFailuresPer5Minutes: 20,
    });
  });

  it("upload.loadTimeoutSeconds: csv-transform's timeout, 900 s by default, 60 to 900", () => {
    expect(parseStackConfig(valid).upload.loadTimeoutSeconds).to.equal(900);
    expect(
      parseStackConfig({ ...valid, upload: { loadTimeoutSeconds: 120 } }).upload.loadTimeoutSeconds,
    ).to.equal(120);
    for (const bad of [59, 901, 1.5]) {
      expect(() => parseStackConfig({ ...valid, upload: { loadTimeoutSeconds: bad } })).to.throw(
        StackConfigError,
        /upload\.loadTimeoutSeconds/,
      );
    }
  });

  it("sanctions: screening thresholds and list refresh settings default to what the benchmark chose", () => {
    expect(parseStackConfig(valid).sanctions).to.deep.equal({
      reviewScore: 0.91,
      blockScore: 0.97,
      refreshSchedule: "rate(6 hours)",
      staleAfterHours: 36,
      recheckSeconds: 300,
      minimumRetainedShare: 0.9,
    });
  });

  it("sanctions.reservedConcurrency: none by default (a new account may reserve nothing), a positive integer when set", () => {
    expect(
      parseStackConfig({ ...valid, sanctions: { reservedConcurrency: 1 } }).sanctions.reservedConcurrency,
    ).to.equal(1);
    expect(() => parseStackConfig({ ...valid, sanctions: { reservedConcurrency: 0 } })).to.throw(
      StackConfigError,
      /sanctions\.reservedConcurrency/,
    );
  });

  it("upload.intakeTimeoutSeconds: csv-intake's timeout, 900 s by default, 30 to 900", () => {
    expect(parseStackConfig(valid).upload.intakeTimeoutSeconds).to.equal(900);
    for (const bad of [29, 901]) {
      expect(() => parseStackConfig({ ...valid, upload: { intakeTimeoutSeconds: bad } })).to.throw(
        StackConfigError,
        /upload\.intakeTimeoutSeconds/,
      );
    }
  });

  it("stateMachineLogLevel: ERROR by default, one of ALL, ERROR, FATAL, OFF", () => {
    expect(parseStackConfig(valid).stateMachineLogLevel).to.equal("ERROR");
    expect(parseStackConfig({ ...valid, stateMachineLogLevel: "ALL" }).stateMachineLogLevel).to.equal("ALL");
    expect(() => parseStackConfig({ ...valid, stateMachineLogLevel: "DEBUG" })).to.throw(
      StackConfigError,
      /stateMachineLogLevel/,
    );
  });

  it("archive.reservedConcurrency: none by default, a positive integer when set", () => {
    expect(parseStackConfig(valid).archive.reservedConcurrency).to.equal(undefined);
    expect(
      parseStackConfig({ ...valid, archive: { reservedConcurrency: 1 } }).archive.reservedConcurrency,
    ).to.equal(1);
    expect(() => parseStackConfig({ ...valid, archive: { reservedConcurrency: 0 } })).to.throw(
      StackConfigError,
      /archive\.reservedConcurrency/,
    );
  });

  it("metricsNamespace: a CloudWatch namespace outside AWS/", () => {
    expect(() => parseStackConfig({ ...valid, metricsNamespace: "AWS/Lambda" })).to.throw(
      StackConfigError,
      /metricsNamespace: must not start with AWS\//,
    );
    expect(() => parseStackConfig({ ...valid, metricsNamespace: "bad namespace!" })).to.throw(
      StackConfigError,
      /metricsNamespace/,
    );
  });

  it("monitoring: fills the thresholds left out and keeps those given, bounds included", () => {
    const config = parseStackConfig({
      ...valid,
      monitoring: {
        opsEmails: ["oncall@example.com"],
        lambdaErrorRatePercent: 100,
        apiLatencyP99Milliseconds: 100,
      },
    });
    expect(config.monitoring).to.deep.equal({
      opsEmails: ["oncall@example.com"],
      lambdaErrorRatePercent: 100,
      apiServerErrorRatePercent: 1,
      apiLatencyP99Milliseconds: 100,
      webhookSignatureFailuresPer5Minutes: 20,
    });
    expect(
      parseStackConfig({
        ...valid,
        monitoring: { apiServerErrorRatePercent: 0.1, apiLatencyP99Milliseconds: 29_000 },
      }).monitoring,
    ).to.include({ apiServerErrorRatePercent: 0.1, apiLatencyP99Milliseconds: 29_000 });
  });

  it("never echoes a signing secret in a configuration error", () => {
    const leaked = "whsec_THIS-IS-NOT-BASE64";
    expect(() => parseStackConfig({ ...valid, webhookSigningSecrets: { acme: [leaked] } }))
      .to.throw(StackConfigError)
      .with.property("message")
      .that.does.not.include("THIS-IS-NOT-BASE64");
  });

  it("joins providers and their secrets into the document the intake reads", () => {
    expect(webhookSigningDocument(parseStackConfig(valid))).to.deep.equal({
      providers: [{ name: "acme", scheme: "standard-webhooks", secrets: [acmeSecret] }],
    });
  });

  const invalidCases: [string, Record<string, unknown>, RegExp][] = [
    ["a missing tag", { ...valid, tags: { ...valid.tags, CostCenter: undefined } }, /tags\.CostCenter/],
    ["a malformed alert email", { ...valid, alertEmail: "not-an-email" }, /alertEmail/],
    ["an SMS number not in E.164", { ...valid, alertSms: "0123" }, /alertSms: alertSms must be an E\.164/],
    ["a retention CloudWatch does not accept", { ...valid, logRetentionDays: 31 }, /logRetentionDays/],
    ["memory below Lambda's minimum", { ...valid, functions: { memoryMb: 64 } }, /functions\.memoryMb/],
    [
      "a fractional reserved concurrency",
      { ...valid, functions: { reservedConcurrency: 1.5 } },
      /functions\.reservedConcurrency/,
    ],
    [
      "a provider without signing secrets, saying how to set them",
      { ...valid, webhookSigningSecrets: {} },
      /webhookSigningSecrets\.acme: missing; set it with pulumi config set --secret --path 'webhookSigningSecrets\.acme\[0\]'/,
    ],
    [
      "secrets for a provider that is not configured",
      { ...valid, webhookSigningSecrets: { ...valid.webhookSigningSecrets, acmee: [acmeSecret] } },
      /webhookSigningSecrets\.acmee: no provider of that name/,
    ],
    [
      "a Standard Webhooks secret too short, without echoing it",
      { ...valid, webhookSigningSecrets: { acme: ["whsec_c2hvcnQ="] } },
      /webhookSigningSecrets\.acme\.0: must decode to 24-64 bytes/,
    ],
    [
      "an unknown signature scheme",
      { ...valid, webhookProviders: [{ name: "acme", scheme: "adyen" }] },
      /webhookProviders\.0\.scheme/,
    ],
    [
      "a dedupe window under 96 hours",
      { ...valid, webhook: { intakeRecordRetentionHours: 48 } },
      /webhook\.intakeRecordRetentionHours/,
    ],
    [
      "overlapping amount lanes",
      { ...valid, routing: { highAboveUsd: 1_000, lowBelowUsd: 5_000 } },
      /routing\.lowBelowUsd: .*must not exceed highAboveUsd/,
    ],
    [
      "an archive moving to Glacier before infrequent access",
      { ...valid, archive: { transitionToInfrequentAccessDays: 60, transitionToGlacierDays: 45 } },
      /archive\.transitionToGlacierDays: must be at least 30 days later/,
    ],
    [
      "an Object Lock longer than the archive keeps objects",
      { ...valid, archive: { objectLockRetentionDays: 400 } },
      /archive\.objectLockRetentionDays/,
    ],
    [
      "an infrequent-access transition before S3's 30-day minimum",
      { ...valid, archive: { transitionToInfrequentAccessDays: 7 } },
      /archive\.transitionToInfrequentAccessDays/,
    ],
    [
      "an ops email that is not an address",
      { ...valid, monitoring: { opsEmails: ["oncall"] } },
      /monitoring\.opsEmails\.0/,
    ],
    [
      "the same ops email twice",
      { ...valid, monitoring: { opsEmails: ["a@example.com", "A@example.com"] } },
      /monitoring\.opsEmails: must not list an address twice/,
    ],
    [
      "a Lambda error rate of 0 %",
      { ...valid, monitoring: { lambdaErrorRatePercent: 0 } },
      /monitoring\.lambdaErrorRatePercent/,
    ],
    [
      "an API 5XX rate above 100 %",
      { ...valid, monitoring: { apiServerErrorRatePercent: 150 } },
      /monitoring\.apiServerErrorRatePercent/,
    ],
    [
      "a p99 latency threshold beyond API Gateway's 29 s",
      { ...valid, monitoring: { apiLatencyP99Milliseconds: 30_000 } },
      /monitoring\.apiLatencyP99Milliseconds/,
    ],
    [
      "a fractional signature-failure threshold",
      { ...valid, monitoring: { webhookSignatureFailuresPer5Minutes: 2.5 } },
      /monitoring\.webhookSignatureFailuresPer5Minutes/,
    ],
    ["an unknown monitoring key", { ...valid, monitoring: { errorRate: 5 } }, /monitoring: .*errorRate/],
    [
      "a sanctions review score above the block score",
      { ...valid, sanctions: { reviewScore: 0.98, blockScore: 0.95 } },
      /sanctions\.reviewScore/,
    ],
    [
      "a stale-list window CloudWatch cannot evaluate",
      { ...valid, sanctions: { staleAfterHours: 200 } },
      /sanctions\.staleAfterHours/,
    ],
    [
      "a list source of an unknown format",
      {
        ...valid,
        sanctions: { sources: [{ list: "UN", url: "https://example.test/un.xml", format: "un-xml" }] },
      },
      /sanctions\.sources/,
    ],
    [
      "a webhook provider named csv (the back office's rows are stored as csv#<id>)",
      {
        ...valid,
        webhookProviders: [{ name: "csv", scheme: "standard-webhooks" }],
        webhookSigningSecrets: { csv: [acmeSecret] },
      },
      /webhookProviders\.0\.name: "csv" is reserved: the pipeline writes its own transactions under it/,
    ],
    [
      "a webhook provider named REDACTED in any case (keys that carried a card number are redacted#<digest>)",
      {
        ...valid,
        webhookProviders: [{ name: "REDACTED", scheme: "standard-webhooks" }],
        webhookSigningSecrets: { REDACTED: [acmeSecret] },
      },
      /webhookProviders\.0\.name: "REDACTED" is reserved/,
    ],
    [
      "a reconcile threshold of 0 minutes",
      { ...valid, reconcile: { undecidedAfterMinutes: 0 } },
      /reconcile\.undecidedAfterMinutes/,
    ],
    ["no re-drive at all", { ...valid, reconcile: { maxAttempts: 0 } }, /reconcile\.maxAttempts/],
    [
      "an unknown key (a typo would otherwise be ignored)",
      { ...valid, alertEmial: "x@example.com" },
      /alertEmial/,
    ],
  ];
  for (const [title, raw, message] of invalidCases) {
    it(`rejects ${title}, naming the key`, () => {
      expect(() => parseStackConfig(raw)).to.throw(StackConfigError, message);
    });
  }

  it("reads the project's namespace from the stack and reports a misspelt key", async () => {
    await installMocks("config-typo", {
      "transaction-pipeline:tags": JSON.stringify(valid.tags),
      "transaction-pipeline:alertEmail": valid.alertEmail,
      "transaction-pipeline:webhookProviders": JSON.stringify(valid.webhookProviders),
      "transaction-pipeline:webhookSigningSecrets": JSON.stringify(valid.webhookSigningSecrets),
      "transaction-pipeline:logRetentionDay": "30",
    });
    expect(() => loadStackConfig()).to.throw(StackConfigError, /logRetentionDay/);
  });

  it("names the metrics namespace after the stack when the stack file sets none", async () => {
    await installMocks("config-namespace", {
      "transaction-pipeline:tags": JSON.stringify(valid.tags),
      "transaction-pipeline:alertEmail": valid.alertEmail,
      "transaction-pipeline:webhookProviders": JSON.stringify(valid.webhookProviders),
      "transaction-pipeline:webhookSigningSecrets": JSON.stringify(valid.webhookSigningSecrets),
    });
    expect(loadStackConfig().metricsNamespace).to.equal("TransactionPipeline/config-namespace");
  });
});
