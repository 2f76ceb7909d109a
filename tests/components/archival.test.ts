/**
 * Archival component under Pulumi mocks, plus its pure builders (bucket policy, lifecycle rules,
 * the function's IAM statements).
 *
 * What a mock test cannot prove: that S3 accepts the lifecycle, policy and Object Lock inputs
 * (the day rules checked here are our reading of S3's documented constraints), that the bucket
 * policy's conditions deny what they say (IAM evaluation is AWS's), that S3 really applies the
 * transitions and expirations on time, that the IAM statements are enough for the archival job
 * at run time (e.g. that no HeadObject/ListObjectsV2 call needs more), that EventBridge fires the
 * cron in UTC and invokes the function under the Lambda permission, that Powertools emits
 * `ArchivalRuns` with exactly the `service` dimension the alarm watches, that DynamoDB's TTL
 * removes location records, or that `dependsOn` orders the bucket's configuration (mocks do not
 * record dependencies). Those need a real `pulumi up` and a scheduled run.
 *
 * The function is built from a temporary build context holding an empty functions/archival, so
 * the component is tested on its own (docker.Image builds nothing under mocks).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { Archival, type ArchivalArgs } from "../../components/archive/archival";
import {
  archivalFunctionStatements,
  archiveBucketPolicy,
  archiveLifecycleRules,
  checkLifecycleDays,
} from "../../components/archive/policies";
import { EnvironmentName } from "../../functions/shared/environmentNames";
import { installMocks, promiseOf, type MockRecorder, type RecordedResource } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const bucketType = "aws:s3/bucket:Bucket";
const versioningType = "aws:s3/bucketVersioning:BucketVersioning";
const encryptionType =
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const publicAccessType = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const bucketPolicyType = "aws:s3/bucketPolicy:BucketPolicy";
const lifecycleType = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const objectLockType = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
const tableType = "aws:dynamodb/table:Table";
const functionType = "aws:lambda/function:Function";
const rolePolicyType = "aws:iam/rolePolicy:RolePolicy";
const ruleType = "aws:cloudwatch/eventRule:EventRule";
const targetType = "aws:cloudwatch/eventTarget:EventTarget";
const permissionType = "aws:lambda/permission:Permission";
const alarmType = "aws:cloudwatch/metricAlarm:MetricAlarm";

const accountId = "123456789012";
const transactionsTableArn = `arn:aws:dynamodb:eu-west-1:${accountId}:table/transactions`;
const kmsKeyArn = `arn:aws:kms:eu-west-1:${accountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const topicArn = `arn:aws:sns:eu-west-1:${accountId}:alerts`;

/** ARNs the mocks compute for a child's logical name. */
const mockArn = (service: string, logicalName: string) =>
  `arn:aws:${service}:eu-west-1:${accountId}:${logicalName}`;
/** The mocks name an autonamed bucket `<bucketPrefix>0123abcd`. */
const bucketNameOf = (component: string) => `${component}-audit-0123abcd`;
const bucketArnOf = (component: string) => `arn:aws:s3:::${bucketNameOf(component)}`;

describe("Archival component", () => {
  let recorder: MockRecorder;
  let archival: Archival;
  let buildContext: string;
  let baseArgs: ArchivalArgs;

  /** The one resource of a type whose logical name is exactly `name`. */
  function exact(type: string, name: string): RecordedResource {
    const matches = recorder.ofType(type).filter((resource) => resource.name === name);
    if (matches.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${matches.length}`);
    return matches[0];
  }

  /** `[type, name]` of the component `prefix` and its descendants, sorted by name. */
  const resourcesOf = (prefix: string) =>
    recorder.resources
      .filter((resource) => resource.name === prefix || resource.name.startsWith(`${prefix}-`))
      .map((resource) => [resource.type, resource.name])
      .sort(([typeA, a], [typeB, b]) => a.localeCompare(b) || typeA.localeCompare(typeB));

  const policyOf = (name: string) => JSON.parse(String(exact(rolePolicyType, name).inputs.policy));

  before(async () => {
    buildContext = fs.mkdtempSync(path.join(os.tmpdir(), "archival-build-"));
    fs.mkdirSync(path.join(buildContext, "functions", "archival"), { recursive: true });
    baseArgs = {
      transactionsTableName: "transactions",
      transactionsTableArn,
      kmsKeyArn,
      metricsNamespace: "TransactionPipeline",
      subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
      securityGroupIds: ["sg-lambda"],
      buildContext,
    };
    recorder = await installMocks("archival-test");
    archival = new Archival("archival", baseArgs);
    new Archival("vault", {
      ...baseArgs,
      functionMemoryMb: 2048,
      functionTimeoutSeconds: 600,
      logRetentionDays: 90,
      logKmsKeyArn: kmsKeyArn,
      imagesToKeep: 5,
      alarmActions: [topicArn],
      scheduleExpression: "cron(0 3 * * ? *)",
      archiveAfterHours: 48,
      chunkSize: 500,
      transitionToInfrequentAccessDays: 60,
      transitionToGlacierDays: 120,
      expireAfterDays: 730,
      objectLockRetentionDays: 400,
      forceDestroy: true,
      deletionProtection: true,
      reservedConcurrency: 1,
    });
    await settledResources(recorder);
  });

  after(async () => {
    await settledResources(recorder);
    fs.rmSync(buildContext, { recursive: true, force: true });
  });

  describe("resources", () => {
    // The function's error-rate and throttle alarms are the Monitoring component's.
    it("are exactly the bucket and its five configurations, the table, the function, the schedule and the no-run alarm", () => {
      expect(resourcesOf("archival")).to.deep.equal([
        ["txn:archive:Archival", "archival"],
        ["txn:compute:ContainerFunction", "archival"],
        [tableType, "archival-archived-transactions"],
        [bucketType, "archival-bucket"],
        [encryptionType, "archival-bucket-encryption"],
        [lifecycleType, "archival-bucket-lifecycle"],
        [bucketPolicyType, "archival-bucket-policy"],
        [publicAccessType, "archival-bucket-public-access"],
        [versioningType, "archival-bucket-versioning"],
        [functionType, "archival-function"],
        ["docker:index/registryImage:RegistryImage", "archival-image"],
        ["aws:cloudwatch/logGroup:LogGroup", "archival-logs"],
        [alarmType, "archival-no-successful-run"],
        [rolePolicyType, "archival-policy"],
        ["aws:ecr/repository:Repository", "archival-repo"],
        ["aws:ecr/lifecyclePolicy:LifecyclePolicy", "archival-repo-lifecycle"],
        ["aws:iam/role:Role", "archival-role"],
        [ruleType, "archival-schedule"],
        ["aws:sqs/queue:Queue", "archival-schedule-dlq"],
        ["aws:sqs/queuePolicy:QueuePolicy", "archival-schedule-dlq-policy"],
        [permissionType, "archival-schedule-permission"],
        [targetType, "archival-schedule-target"],
      ]);
    });

    it("objectLockRetentionDays adds exactly one resource, the Object Lock configuration", () => {
      const vault = resourcesOf("vault").map(([type, name]) => [type, name.replace(/^vault/, "archival")]);
      const defaults = resourcesOf("archival");
      expect(vault).to.have.length(defaults.length + 1);
      expect(
        vault.filter((entry) => !defaults.some(([t, n]) => t === entry[0] && n === entry[1])),
      ).to.deep.equal([[objectLockType, "archival-bucket-object-lock"]]);
    });
  });

  describe("audit bucket", () => {
    it("is autonamed `<name>-audit-`, never force-destroyed and without Object Lock by default", () => {
      expect(exact(bucketType, "archival-bucket").inputs).to.deep.equal({
        bucketPrefix: "archival-audit-",
        forceDestroy: false,
      });
    });

    it("objectLockRetentionDays turns objectLockEnabled on at creation; forceDestroy is passed on", () => {
      expect(exact(bucketType, "vault-bucket").inputs).to.deep.equal({
        bucketPrefix: "vault-audit-",
        forceDestroy: true,
        objectLockEnabled: true,
      });
    });

    it("versioning status is Enabled", () => {
      expect(exact(versioningType, "archival-bucket-versioning").inputs).to.deep.equal({
        bucket: bucketNameOf("archival"),
        versioningConfiguration: { status: "Enabled" },
      });
    });

    it("default encryption is aws:kms with kmsKeyArn and bucketKeyEnabled", () => {
      expect(exact(encryptionType, "archival-bucket-encryption").inputs).to.deep.equal({
        bucket: bucketNameOf("archival"),
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
            bucketKeyEnabled: true,
          },
        ],
      });
    });

    it("public access block sets all four flags", () => {
      expect(exact(publicAccessType, "archival-bucket-public-access").inputs).to.deep.equal({
        bucket: bucketNameOf("archival"),
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    });

    it("policy denies non-TLS requests on the bucket and its objects, and non-KMS encryption headers", () => {
      const policy = exact(bucketPolicyType, "archival-bucket-policy").inputs;
      expect(policy.bucket).to.equal(bucketNameOf("archival"));
      const arn = bucketArnOf("archival");
      expect(JSON.parse(String(policy.policy))).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [arn, `${arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "DenyEncryptionOtherThanKms",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: `${arn}/*`,
            Condition: {
              StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
              Null: { "s3:x-amz-server-side-encryption": "false" },
            },
          },
        ],
      });
    });

    it("policy has no Allow statement (it grants nothing)", () => {
      const policy = JSON.parse(String(exact(bucketPolicyType, "vault-bucket-policy").inputs.policy)) as {
        Statement: { Effect: string }[];
      };
      expect(policy.Statement.map((statement) => statement.Effect)).to.deep.equal(["Deny", "Deny"]);
    });
  });

  describe("lifecycle", () => {
    const rules = (standardIa: number, glacier: number, expire: number) => [
      {
        id: "archive-transactions",
        status: "Enabled",
        filter: { prefix: "transactions/" },
        transitions: [
          { days: standardIa, storageClass: "STANDARD_IA" },
          { days: glacier, storageClass: "GLACIER" },
        ],
        expiration: { days: expire },
        noncurrentVersionExpiration: { noncurrentDays: expire },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
      {
        id: "archive-state-history",
        status: "Enabled",
        filter: { prefix: "state/" },
        noncurrentVersionExpiration: { noncurrentDays: expire },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
    ];

    it("transactions/: STANDARD_IA at 30 days, GLACIER at 90, expire (and noncurrent versions) at 365 by default", () => {
      expect(exact(lifecycleType, "archival-bucket-lifecycle").inputs).to.deep.equal({
        bucket: bucketNameOf("archival"),
        rules: rules(30, 90, 365),
      });
    });

    it("transitionToInfrequentAccessDays / transitionToGlacierDays / expireAfterDays set the days", () => {
      expect(exact(lifecycleType, "vault-bucket-lifecycle").inputs.rules).to.deep.equal(rules(60, 120, 730));
    });

    it("state/ objects never expire while current (they are the job's resume point)", () => {
      const state = (exact(lifecycleType, "archival-bucket-lifecycle").inputs.rules as { id: string }[]).find(
        (rule) => rule.id === "archive-state-history",
      );
      expect(state).to.not.have.property("expiration");
      expect(state).to.not.have.property("transitions");
    });
  });

  describe("Object Lock", () => {
    it("is absent by default", () => {
      expect(recorder.ofType(objectLockType).map((resource) => resource.name)).to.deep.equal([
        "vault-bucket-object-lock",
      ]);
    });

    it("objectLockRetentionDays sets COMPLIANCE mode with that default retention", () => {
      expect(exact(objectLockType, "vault-bucket-object-lock").inputs).to.deep.equal({
        bucket: bucketNameOf("vault"),
        objectLockEnabled: "Enabled",
        rule: { defaultRetention: { mode: "COMPLIANCE", days: 400 } },
      });
    });
  });

  describe("archived-transactions table", () => {
    it("is on-demand, keyed by transactionId, with PITR, SSE with kmsKeyArn and TTL on expiresAt", () => {
      expect(exact(tableType, "archival-archived-transactions").inputs).to.deep.equal({
        billingMode: "PAY_PER_REQUEST",
        hashKey: "transactionId",
        attributes: [{ name: "transactionId", type: "S" }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn },
        deletionProtectionEnabled: false,
        ttl: { attributeName: "expiresAt", enabled: true },
      });
    });

    it("deletionProtection is passed on", () => {
      expect(exact(tableType, "vault-archived-transactions").inputs.deletionProtectionEnabled).to.equal(true);
    });
  });

  describe("archival function", () => {
    it("is built from functions/archival and named after the component", () => {
      const image = exact("docker:index/registryImage:RegistryImage", "archival-image").inputs;
      expect((image.build as { buildArgs: unknown; context: string }).buildArgs).to.deep.equal({
        FUNCTION: "archival",
        MEMORY_SIZE: "1024",
      });
      expect((image.build as { context: string }).context).to.equal(buildContext);
    });

    it("environment: the tables, bucket, window, chunk size, location retention, service and namespace", () => {
      const fn = exact(functionType, "archival-function").inputs;
      expect((fn.environment as { variables: unknown }).variables).to.deep.equal({
        [EnvironmentName.transactionsTable]: "transactions",
        [EnvironmentName.archivedTransactionsTable]: "archival-archived-transactions",
        [EnvironmentName.archiveBucket]: bucketNameOf("archival"),
        [EnvironmentName.archiveAfterHours]: "24",
        [EnvironmentName.archiveChunkSize]: "1000",
        [EnvironmentName.archivedRecordRetentionDays]: "400",
        [EnvironmentName.serviceName]: "archival",
        [EnvironmentName.metricsNamespace]: "TransactionPipeline",
      });
    });

    it("archiveAfterHours, chunkSize and expireAfterDays reach the environment", () => {
      const variables = (
        exact(functionType, "vault-function").inputs.environment as { variables: Record<string, string> }
      ).variables;
      expect(variables[EnvironmentName.archiveAfterHours]).to.equal("48");
      expect(variables[EnvironmentName.archiveChunkSize]).to.equal("500");
      expect(variables[EnvironmentName.archivedRecordRetentionDays]).to.equal("765");
    });

    it("memory 1024 MB and timeout 900 s by default, and no reserved concurrency unless asked", () => {
      const fn = exact(functionType, "archival-function").inputs;
      expect([fn.memorySize, fn.timeout, fn.reservedConcurrentExecutions]).to.deep.equal([
        1024,
        900,
        undefined,
      ]);
    });

    it("functionMemoryMb, functionTimeoutSeconds, reservedConcurrency, logRetentionDays, logKmsKeyArn and imagesToKeep are passed on", () => {
      const fn = exact(functionType, "vault-function").inputs;
      expect([fn.memorySize, fn.timeout]).to.deep.equal([2048, 600]);
      expect(fn.reservedConcurrentExecutions).to.equal(1);
      const logs = exact("aws:cloudwatch/logGroup:LogGroup", "vault-logs").inputs;
      expect([logs.retentionInDays, logs.kmsKeyId]).to.deep.equal([90, kmsKeyArn]);
      const lifecycle = JSON.parse(
        String(exact("aws:ecr/lifecyclePolicy:LifecyclePolicy", "vault-repo-lifecycle").inputs.policy),
      );
      expect(lifecycle.rules[0].selection.countNumber).to.equal(5);
    });
  });

  describe("archival function IAM", () => {
    const bucketArn = bucketArnOf("archival");
    const archivedTableArn = mockArn("dynamodb", "archival-archived-transactions");
    const logGroupArn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/archival-0123abcd";

    it("policy is exactly the base statements plus the archival statements", () => {
      const policy = policyOf("archival-policy");
      expect(policy.Statement.slice(0, 3).map((statement: { Sid: string }) => statement.Sid)).to.deep.equal([
        "WriteOwnLogGroup",
        "SendTraces",
        "ManageVpcNetworkInterfaces",
      ]);
      expect(policy.Statement[0].Resource).to.deep.equal([`${logGroupArn}:*`]);
      expect(policy.Statement.slice(3)).to.deep.equal([
        {
          Sid: "QueryDecidedDayIndex",
          Effect: "Allow",
          Action: ["dynamodb:Query"],
          Resource: [`${transactionsTableArn}/index/byDecidedDay`],
        },
        {
          Sid: "ReadAndDeleteArchivedItems",
          Effect: "Allow",
          Action: ["dynamodb:BatchGetItem", "dynamodb:DeleteItem"],
          Resource: [transactionsTableArn],
        },
        {
          Sid: "RecordArchiveLocations",
          Effect: "Allow",
          Action: ["dynamodb:PutItem"],
          Resource: [archivedTableArn],
        },
        {
          Sid: "ReadAndWriteArchiveObjects",
          Effect: "Allow",
          Action: ["s3:PutObject", "s3:GetObject"],
          Resource: [`${bucketArn}/transactions/*`, `${bucketArn}/state/*`],
        },
        {
          Sid: "ListArchivePrefixes",
          Effect: "Allow",
          Action: ["s3:ListBucket"],
          Resource: [bucketArn],
          Condition: { StringLike: { "s3:prefix": ["transactions/*", "state/*"] } },
        },
        {
          Sid: "UseArchiveKey",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: [kmsKeyArn],
        },
      ]);
    });

    it("Query is granted only on the byDecidedDay index, never on the table or other indexes", () => {
      const statements = policyOf("archival-policy").Statement as { Action: string[]; Resource: string[] }[];
      const queried = statements.filter((statement) => statement.Action.includes("dynamodb:Query"));
      expect(queried.flatMap((statement) => statement.Resource)).to.deep.equal([
        `${transactionsTableArn}/index/byDecidedDay`,
      ]);
    });

    it("no Scan anywhere: no role policy in the graph grants a dynamodb Scan", () => {
      for (const policy of recorder.ofType(rolePolicyType)) {
        expect(String(policy.inputs.policy), policy.name).not.to.match(/Scan/);
      }
    });

    it("s3:PutObject only under transactions/ and state/, never on the whole bucket", () => {
      const statements = policyOf("archival-policy").Statement as { Action: string[]; Resource: string[] }[];
      const writes = statements.filter((statement) => statement.Action.includes("s3:PutObject"));
      expect(writes.flatMap((statement) => statement.Resource)).to.deep.equal([
        `${bucketArn}/transactions/*`,
        `${bucketArn}/state/*`,
      ]);
      expect(JSON.stringify(statements)).not.to.contain(`${bucketArn}/*`);
      expect(JSON.stringify(statements)).not.to.match(/"s3:\*"|"dynamodb:\*"/);
    });
  });

  describe("schedule", () => {
    it("a default-bus rule runs at cron(15 2 * * ? *) by default", () => {
      expect(exact(ruleType, "archival-schedule").inputs).to.deep.equal({
        description: "Starts the daily archival of decided transactions to the audit bucket",
        scheduleExpression: "cron(15 2 * * ? *)",
      });
    });

    it("scheduleExpression is passed on", () => {
      expect(exact(ruleType, "vault-schedule").inputs.scheduleExpression).to.equal("cron(0 3 * * ? *)");
    });

    it("target invokes the function with a retry policy", () => {
      expect(exact(targetType, "archival-schedule-target").inputs).to.deep.equal({
        rule: "archival-schedule",
        targetId: "archival-function",
        arn: mockArn("lambda", "archival-function"),
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 43_200 },
        deadLetterConfig: { arn: mockArn("sqs", "archival-schedule-dlq") },
      });
    });

    it("the schedule's dead-letter queue is encrypted and admits only this rule", () => {
      const queue = exact("aws:sqs/queue:Queue", "archival-schedule-dlq").inputs;
      expect(queue.kmsMasterKeyId).to.equal(kmsKeyArn);
      const policy = JSON.parse(
        String(exact("aws:sqs/queuePolicy:QueuePolicy", "archival-schedule-dlq-policy").inputs.policy),
      ) as { Statement: { Condition: unknown }[] };
      expect(policy.Statement[0].Condition).to.deep.equal({
        ArnEquals: { "aws:SourceArn": exact(ruleType, "archival-schedule").state.arn },
      });
    });

    it("permission lets events.amazonaws.com invoke the function only from this rule (sourceArn)", () => {
      expect(exact(permissionType, "archival-schedule-permission").inputs).to.deep.equal({
        function: "archival-function",
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        sourceArn: mockArn("cloudwatch", "archival-schedule"),
      });
    });
  });

  describe("no-successful-run alarm", () => {
    const alarm = (actions: string[]) => ({
      alarmDescription: "No archival run has finished successfully for two consecutive days",
      namespace: "TransactionPipeline",
      metricName: "ArchivalRuns",
      dimensions: { service: "archival" },
      statistic: "Sum",
      period: 86_400,
      evaluationPeriods: 2,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
      alarmActions: actions,
      okActions: actions,
    });

    it("ArchivalRuns (namespace, service dimension) summed per day below 1 for 2 days, missing data breaching", () => {
      expect(exact(alarmType, "archival-no-successful-run").inputs).to.deep.equal(alarm([]));
    });

    it("alarmActions notify on alarm and on recovery", () => {
      expect(exact(alarmType, "vault-no-successful-run").inputs).to.deep.equal({
        ...alarm([topicArn]),
        alarmDescription: "No vault run has finished successfully for two consecutive days",
      });
    });
  });

  describe("outputs", () => {
    it("expose the bucket, table, function and rule", async () => {
      expect(
        await promiseOf(
          pulumi.all({
            bucketName: archival.bucket.name,
            bucketArn: archival.bucket.arn,
            archivedTransactionsTableName: archival.archivedTransactionsTable.name,
            archivedTransactionsTableArn: archival.archivedTransactionsTable.arn,
            functionName: archival.function.functionName,
            functionArn: archival.function.functionArn,
            functionRoleArn: archival.function.roleArn,
            imageDigest: archival.function.imageDigest,
            scheduleRuleArn: archival.schedule.ruleArn,
          }),
        ),
      ).to.deep.equal({
        bucketName: bucketNameOf("archival"),
        bucketArn: bucketArnOf("archival"),
        archivedTransactionsTableName: "archival-archived-transactions",
        archivedTransactionsTableArn: mockArn("dynamodb", "archival-archived-transactions"),
        functionName: "archival-function",
        functionArn: mockArn("lambda", "archival-function"),
        functionRoleArn: mockArn("iam", "archival-role"),
        imageDigest: `${accountId}.dkr.ecr.eu-west-1.amazonaws.com/archival-repo@sha256:${"0".repeat(63)}1`,
        scheduleRuleArn: mockArn("cloudwatch", "archival-schedule"),
      });
    });
  });

  describe("argument checks", () => {
    const build =
      (overrides: Partial<ArchivalArgs>, name = "bad") =>
      () =>
        new Archival(name, { ...baseArgs, ...overrides });

    it("a name that cannot name the function or prefix the bucket is rejected", () => {
      expect(build({}, "Upper")).to.throw(/Archival name "Upper"/);
      expect(build({}, "a--b")).to.throw(/Archival name/);
      expect(build({}, "x".repeat(31))).to.throw(/at most 30 characters/);
    });

    it("missing required arguments are named", () => {
      expect(build({ transactionsTableName: "" })).to.throw(/transactionsTableName is required/);
      expect(build({ kmsKeyArn: undefined as unknown as string })).to.throw(/kmsKeyArn is required/);
      expect(build({ metricsNamespace: "" })).to.throw(/metricsNamespace is required/);
    });

    it("kmsKeyArn must be a key ARN, transactionsTableArn a table ARN", () => {
      expect(build({ kmsKeyArn: "alias/pipeline" })).to.throw(
        /kmsKeyArn "alias\/pipeline" is not a KMS key ARN/,
      );
      expect(build({ kmsKeyArn: `arn:aws:kms:eu-west-1:${accountId}:alias/pipeline` })).to.throw(/kmsKeyArn/);
      expect(build({ transactionsTableArn: "transactions" })).to.throw(/transactionsTableArn/);
    });

    it("functionTimeoutSeconds above 900 and functionMemoryMb outside 128–10240 are rejected", () => {
      expect(build({ functionTimeoutSeconds: 901 })).to.throw(
        /functionTimeoutSeconds must be an integer from 60 to 900/,
      );
      expect(build({ functionMemoryMb: 64 })).to.throw(/functionMemoryMb/);
    });

    it("a scheduleExpression that is neither cron(6 fields) nor rate(...) is rejected", () => {
      for (const scheduleExpression of ["cron(15 2 * * ?)", "every day", "rate(0 days)", "rate(1 week)"]) {
        expect(build({ scheduleExpression }), scheduleExpression).to.throw(/scheduleExpression/);
      }
      expect(build({ scheduleExpression: "rate(12 hours)" }, "rate-ok")).not.to.throw();
    });

    it("archiveAfterHours and chunkSize must be positive integers", () => {
      expect(build({ archiveAfterHours: 0 })).to.throw(/archiveAfterHours/);
      expect(build({ archiveAfterHours: 1.5 })).to.throw(/archiveAfterHours/);
      expect(build({ chunkSize: 0 })).to.throw(/chunkSize/);
      expect(build({ chunkSize: 5_001 })).to.throw(/chunkSize/);
    });

    it("transitionToInfrequentAccessDays below 30 (the S3 minimum) is rejected", () => {
      expect(build({ transitionToInfrequentAccessDays: 29 })).to.throw(
        /transitionToInfrequentAccessDays must be an integer from 30/,
      );
    });

    it("transitionToGlacierDays less than 30 days after STANDARD_IA is rejected", () => {
      expect(build({ transitionToGlacierDays: 59 })).to.throw(/transitionToGlacierDays .*\(30\), got 59/);
      expect(build({ transitionToInfrequentAccessDays: 90, transitionToGlacierDays: 90 })).to.throw(
        /transitionToGlacierDays/,
      );
    });

    it("expireAfterDays not after GLACIER is rejected", () => {
      expect(build({ expireAfterDays: 90 })).to.throw(
        /expireAfterDays must be an integer greater than transitionToGlacierDays \(90\)/,
      );
    });

    it("objectLockRetentionDays longer than expireAfterDays, or not a positive integer, is rejected", () => {
      expect(build({ objectLockRetentionDays: 366 })).to.throw(
        /objectLockRetentionDays must be an integer from 1 to 365/,
      );
      expect(build({ objectLockRetentionDays: 0 })).to.throw(/objectLockRetentionDays/);
    });
  });
});

describe("archival builders", () => {
  it("archivalFunctionStatements: Query on the index only, no Scan, objects only under the prefixes", async () => {
    const statements = await promiseOf(
      pulumi.output(
        archivalFunctionStatements({
          transactionsTableArn: "arn:aws:dynamodb:r:1:table/t",
          archivedTransactionsTableArn: "arn:aws:dynamodb:r:1:table/a",
          bucketArn: "arn:aws:s3:::b",
          kmsKeyArn: "arn:aws:kms:r:1:key/k",
        }).map((statement) => ({ ...statement, resources: [...statement.resources] })),
      ),
    );
    expect(
      statements.map((statement) => [statement.sid, statement.actions, statement.resources]),
    ).to.deep.equal([
      ["QueryDecidedDayIndex", ["dynamodb:Query"], ["arn:aws:dynamodb:r:1:table/t/index/byDecidedDay"]],
      [
        "ReadAndDeleteArchivedItems",
        ["dynamodb:BatchGetItem", "dynamodb:DeleteItem"],
        ["arn:aws:dynamodb:r:1:table/t"],
      ],
      ["RecordArchiveLocations", ["dynamodb:PutItem"], ["arn:aws:dynamodb:r:1:table/a"]],
      [
        "ReadAndWriteArchiveObjects",
        ["s3:PutObject", "s3:GetObject"],
        ["arn:aws:s3:::b/transactions/*", "arn:aws:s3:::b/state/*"],
      ],
      ["ListArchivePrefixes", ["s3:ListBucket"], ["arn:aws:s3:::b"]],
      ["UseArchiveKey", ["kms:Decrypt", "kms:GenerateDataKey"], ["arn:aws:kms:r:1:key/k"]],
    ]);
    expect(JSON.stringify(statements)).not.to.contain("Scan");
    for (const statement of statements) {
      expect(
        statement.actions.filter((action) => action.includes("*")),
        statement.sid,
      ).to.deep.equal([]);
      expect(statement.resources, statement.sid).not.to.include("*");
    }
  });

  it("archiveBucketPolicy has only Deny statements", async () => {
    const policy = await promiseOf(pulumi.output(archiveBucketPolicy("arn:aws:s3:::b")));
    expect(policy.Statement.map((statement) => [statement.Sid, statement.Effect])).to.deep.equal([
      ["DenyInsecureTransport", "Deny"],
      ["DenyEncryptionOtherThanKms", "Deny"],
    ]);
  });

  it("archiveLifecycleRules puts transitions only on transactions/", () => {
    const rules = archiveLifecycleRules({
      transitionToInfrequentAccessDays: 30,
      transitionToGlacierDays: 90,
      expireAfterDays: 365,
    });
    expect(rules.map((rule) => [rule.filter.prefix, rule.transitions?.length ?? 0])).to.deep.equal([
      ["transactions/", 2],
      ["state/", 0],
    ]);
  });

  it("checkLifecycleDays accepts the issue's 30 / 90 / 365 and GLACIER exactly 30 days after STANDARD_IA", () => {
    expect(() =>
      checkLifecycleDays({
        transitionToInfrequentAccessDays: 30,
        transitionToGlacierDays: 90,
        expireAfterDays: 365,
      }),
    ).not.to.throw();
    expect(() =>
      checkLifecycleDays({
        transitionToInfrequentAccessDays: 30,
        transitionToGlacierDays: 60,
        expireAfterDays: 61,
      }),
    ).not.to.throw();
  });
});
