/**
 * ScreeningListsRefresh under Pulumi mocks: the lists bucket, the refresh function outside the
 * VPC with exactly its declared AWS calls, its schedule, and the stale-list alarm.
 *
 * What a mock test cannot prove: that Lambda outside a VPC reaches the publishers (a real account
 * and the publishers' availability), that EventBridge invokes on schedule, that Powertools emits
 * `ScreeningListsRefreshed` with exactly the `service` dimension the alarm watches, or that the IAM
 * statements are enough at run time.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import {
  ScreeningListsRefresh,
  type ScreeningListsRefreshArgs,
} from "../../components/processing/screeningListsRefresh";
import { awsCalls as refreshAwsCalls } from "../../functions/screening-lists-refresh/awsCalls";
import { EnvironmentName } from "../../functions/shared/environmentNames";
import { installMocks, promiseOf, type MockRecorder, type RecordedResource } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const functionType = "aws:lambda/function:Function";
const rolePolicyType = "aws:iam/rolePolicy:RolePolicy";
const alarmType = "aws:cloudwatch/metricAlarm:MetricAlarm";
const ruleType = "aws:cloudwatch/eventRule:EventRule";
const encryptionType =
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const accountId = "123456789012";
const kmsKeyArn = `arn:aws:kms:eu-west-1:${accountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const topicArn = `arn:aws:sns:eu-west-1:${accountId}:ops`;
const failureQueueArn = `arn:aws:sqs:eu-west-1:${accountId}:async-failures`;

interface Statement {
  readonly Sid?: string;
  readonly Action: string[];
  readonly Resource: string[];
}

describe("ScreeningListsRefresh component", () => {
  let recorder: MockRecorder;
  let buildContext: string;
  let baseArgs: ScreeningListsRefreshArgs;
  let refresh: ScreeningListsRefresh;

  function exact(type: string, name: string): RecordedResource {
    const matches = recorder.ofType(type).filter((resource) => resource.name === name);
    if (matches.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${matches.length}`);
    return matches[0];
  }

  before(async () => {
    buildContext = fs.mkdtempSync(path.join(os.tmpdir(), "lists-build-"));
    fs.mkdirSync(path.join(buildContext, "functions", "screening-lists-refresh"), { recursive: true });
    baseArgs = { kmsKeyArn, metricsNamespace: "TransactionPipeline", buildContext };
    recorder = await installMocks("screening-lists-test");
    refresh = new ScreeningListsRefresh("lists", baseArgs);
    new ScreeningListsRefresh("lists-custom", {
      ...baseArgs,
      scheduleExpression: "rate(1 hour)",
      staleAfterHours: 12,
      minimumRetainedShare: 0.95,
      listSources: '[{"list":"OFAC-SDN","url":"https://example.test/sdn.csv","format":"ofac-sdn-csv"}]',
      alarmActions: [topicArn],
      reservedConcurrency: 1,
      onFailureDestinationArn: failureQueueArn,
    });
    await settledResources(recorder);
  });

  after(async () => {
    await settledResources(recorder);
    fs.rmSync(buildContext, { recursive: true, force: true });
  });

  it("runs the refresh function outside the VPC (no vpcConfig): the VPC has no route to the publishers", () => {
    const fn = exact(functionType, "lists-function");
    expect(fn.inputs).not.to.have.property("vpcConfig");
    // None by default: a new account's concurrency quota may be too small to reserve any.
    expect(fn.inputs.reservedConcurrentExecutions).to.equal(undefined);
    expect(exact(functionType, "lists-custom-function").inputs.reservedConcurrentExecutions).to.equal(1);
    expect((fn.inputs.environment as { variables: Record<string, string> }).variables).to.deep.include({
      [EnvironmentName.screeningListsBucket]: "lists-lists-0123abcd",
      [EnvironmentName.screeningListsMinimumRetainedShare]: "0.9",
      [EnvironmentName.serviceName]: "screening-lists-refresh",
    });
  });

  it("passes the configured list sources and retained share to the function", () => {
    const variables = (
      exact(functionType, "lists-custom-function").inputs.environment as {
        variables: Record<string, string>;
      }
    ).variables;
    expect(variables[EnvironmentName.screeningListsSources]).to.contain("https://example.test/sdn.csv");
    expect(variables[EnvironmentName.screeningListsMinimumRetainedShare]).to.equal("0.95");
  });

  it("grants the role its logs, traces and exactly the declared AWS calls, and no network-interface rights", () => {
    const policy = JSON.parse(String(exact(rolePolicyType, "lists-policy").inputs.policy)) as {
      Statement: Statement[];
    };
    expect(policy.Statement.map((statement) => statement.Sid)).to.deep.equal([
      "WriteOwnLogGroup",
      "SendTraces",
      ...refreshAwsCalls.map((call) => call.sid),
    ]);
    const bucketArn = "arn:aws:s3:::lists-lists-0123abcd";
    const granted = policy.Statement.slice(2).flatMap((statement) =>
      statement.Action.flatMap((action) => statement.Resource.map((resource) => `${action} ${resource}`)),
    );
    expect([...granted].sort()).to.deep.equal([
      "kms:Decrypt " + kmsKeyArn,
      "kms:GenerateDataKey " + kmsKeyArn,
      `s3:GetObject ${bucketArn}/latest.json`,
      `s3:PutObject ${bucketArn}/indexes/*`,
      `s3:PutObject ${bucketArn}/latest.json`,
    ]);
  });

  it("sends a scheduled run that still fails after Lambda's retries to the on-failure queue, when given one", () => {
    const configs = recorder
      .ofType("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")
      .map((config) => [config.name, config.inputs.destinationConfig]);
    expect(configs).to.deep.equal([["lists-custom-async", { onFailure: { destination: failureQueueArn } }]]);
    const policy = JSON.parse(String(exact(rolePolicyType, "lists-custom-policy").inputs.policy)) as {
      Statement: Statement[];
    };
    expect(
      policy.Statement.find((statement) => statement.Sid === "DeliverFailedInvocations"),
    ).to.deep.include({
      Action: ["sqs:SendMessage"],
      Resource: [failureQueueArn],
    });
  });

  it("encrypts the lists bucket with the pipeline key", () => {
    const encryption = exact(encryptionType, "lists-bucket-encryption");
    expect(encryption.inputs.rules).to.deep.equal([
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
        bucketKeyEnabled: true,
      },
    ]);
  });

  it("refreshes every 6 hours by default", () => {
    expect(exact(ruleType, "lists-schedule").inputs.scheduleExpression).to.equal("rate(6 hours)");
    expect(exact(ruleType, "lists-custom-schedule").inputs.scheduleExpression).to.equal("rate(1 hour)");
  });

  it("alarms when no refresh succeeded for staleAfterHours (36 by default), silence counting as failure", () => {
    expect(exact(alarmType, "lists-stale-lists").inputs).to.deep.include({
      namespace: "TransactionPipeline",
      metricName: "ScreeningListsRefreshed",
      dimensions: { service: "screening-lists-refresh" },
      statistic: "Sum",
      period: 3600,
      evaluationPeriods: 36,
      datapointsToAlarm: 36,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
    });
    const custom = exact(alarmType, "lists-custom-stale-lists").inputs;
    expect(custom).to.deep.include({ evaluationPeriods: 12, datapointsToAlarm: 12 });
    expect(custom.alarmActions).to.deep.equal([topicArn]);
  });

  it("exposes the bucket for the compliance function to read", async () => {
    expect(await promiseOf(refresh.bucket.name)).to.equal("lists-lists-0123abcd");
  });

  it("refuses a stale window CloudWatch cannot evaluate, a bad schedule and a share outside (0, 1]", () => {
    expect(() => new ScreeningListsRefresh("bad-a", { ...baseArgs, staleAfterHours: 169 })).to.throw(
      /staleAfterHours/,
    );
    expect(
      () => new ScreeningListsRefresh("bad-b", { ...baseArgs, scheduleExpression: "every 6h" }),
    ).to.throw(/scheduleExpression/);
    expect(() => new ScreeningListsRefresh("bad-c", { ...baseArgs, minimumRetainedShare: 0 })).to.throw(
      /minimumRetainedShare/,
    );
  });
});
