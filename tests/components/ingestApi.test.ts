/**
 * IngestApi component under Pulumi mocks, plus its pure access-log format.
 *
 * What a mock test cannot prove: that API Gateway accepts these inputs and routes a request to the
 * right function, that the invoke grants match the ARNs API Gateway really presents, that the
 * account's CloudWatch role is set before the stage asks for logging (AWS checks that at deploy
 * time), that API Gateway substitutes every `$context` variable of the access-log format, or that
 * a usage plan really enforces the quota. Pulumi's ordering (`dependsOn`) is not recorded by the
 * mocks either; registration order is the evidence where it can be: the account setting waits for
 * its policy attachment, the webhook method settings for the stage-wide ones. That the stage and
 * the stage-wide settings wait for the account setting and the execution log group is NOT proven
 * here: those register earlier anyway, so the order would be the same without `dependsOn`.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { IngestApi, type IngestApiArgs } from "../../components/ingestApi";
import { ingestApiAccessLogFields, ingestApiAccessLogFormat } from "../../components/ingestApiAccessLog";
import { installMocks, promiseOf, type MockRecorder, type RecordedResource } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const restApiType = "aws:apigateway/restApi:RestApi";
const resourceType = "aws:apigateway/resource:Resource";
const methodType = "aws:apigateway/method:Method";
const integrationType = "aws:apigateway/integration:Integration";
const permissionType = "aws:lambda/permission:Permission";
const deploymentType = "aws:apigateway/deployment:Deployment";
const stageType = "aws:apigateway/stage:Stage";
const methodSettingsType = "aws:apigateway/methodSettings:MethodSettings";
const logGroupType = "aws:cloudwatch/logGroup:LogGroup";
const accountType = "aws:apigateway/account:Account";
const roleType = "aws:iam/role:Role";
const attachmentType = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const apiKeyType = "aws:apigateway/apiKey:ApiKey";
const usagePlanType = "aws:apigateway/usagePlan:UsagePlan";
const usagePlanKeyType = "aws:apigateway/usagePlanKey:UsagePlanKey";

const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/k";
const webhookArn = "arn:aws:lambda:eu-west-1:123456789012:function:webhook-intake";
const statusArn = "arn:aws:lambda:eu-west-1:123456789012:function:transaction-status";
const invokeArnOf = (functionArn: string) =>
  `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
const executionArnOf = (name: string) => `arn:aws:execute-api:eu-west-1:123456789012:${name}-api-id`;

const functions: IngestApiArgs = {
  webhookFunctionName: "webhook-intake",
  webhookFunctionArn: webhookArn,
  statusFunctionName: "transaction-status",
  statusFunctionArn: statusArn,
};

describe("IngestApi component", () => {
  let recorder: MockRecorder;
  let ingest: IngestApi;
  let plain: IngestApi;

  /** The one resource of a type whose logical name is exactly `name`. */
  function exact(type: string, name: string): RecordedResource {
    const matches = recorder.ofType(type).filter((resource) => resource.name === name);
    if (matches.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${matches.length}`);
    return matches[0];
  }
  const ofComponent = (type: string, component: string) =>
    recorder.ofType(type).filter((resource) => resource.name.startsWith(`${component}-`));
  const order = (type: string, name: string) => recorder.resources.indexOf(exact(type, name));

  before(async () => {
    recorder = await installMocks("ingest-api-test");
    ingest = new IngestApi("ingest", {
      ...functions,
      stageName: "prod",
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
      webhookThrottlingRateLimit: 300,
      webhookThrottlingBurstLimit: 600,
      statusQuotaPerDay: 5000,
      logRetentionDays: 90,
      logKmsKeyArn: keyArn,
    });
    plain = new IngestApi("plain", {
      webhookFunctionName: "other-webhook",
      webhookFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:other-webhook",
      statusFunctionName: "other-status",
      statusFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:other-status",
      manageAccountLogRole: false,
    });
    await settledResources(recorder);
  });

  // Failed constructions still register the component itself; let that land in this file's mocks.
  after(() => settledResources(recorder));

  describe("REST API", () => {
    it("is REGIONAL, reads API keys from the x-api-key header, and says what it serves", () => {
      expect(exact(restApiType, "ingest-api").inputs).to.deep.equal({
        description:
          "ingest: transaction intake (POST /webhook) and status (GET /transactions/{transactionId})",
        endpointConfiguration: { types: "REGIONAL" },
        apiKeySource: "HEADER",
      });
    });
  });

  describe("routes", () => {
    it("has exactly /webhook, /transactions and /transactions/{transactionId} (pathPart and parentId)", () => {
      const shape = (resource: RecordedResource) => ({ name: resource.name, ...resource.inputs });
      expect(ofComponent(resourceType, "ingest").map(shape)).to.deep.equal([
        {
          name: "ingest-webhook",
          restApi: "ingest-api-id",
          parentId: "ingest-api-root",
          pathPart: "webhook",
        },
        {
          name: "ingest-transactions",
          restApi: "ingest-api-id",
          parentId: "ingest-api-root",
          pathPart: "transactions",
        },
        {
          name: "ingest-transaction",
          restApi: "ingest-api-id",
          parentId: "ingest-transactions-id",
          pathPart: "{transactionId}",
        },
      ]);
    });

    it("methods: POST /webhook without an API key, GET status with an API key and a required path parameter", () => {
      expect(ofComponent(methodType, "ingest")).to.have.length(2);
      expect(exact(methodType, "ingest-webhook-post").inputs).to.deep.equal({
        restApi: "ingest-api-id",
        resourceId: "ingest-webhook-id",
        httpMethod: "POST",
        authorization: "NONE",
        apiKeyRequired: false,
      });
      expect(exact(methodType, "ingest-transaction-get").inputs).to.deep.equal({
        restApi: "ingest-api-id",
        resourceId: "ingest-transaction-id",
        httpMethod: "GET",
        authorization: "NONE",
        apiKeyRequired: true,
        requestParameters: { "method.request.path.transactionId": true },
      });
    });

    it("integrations are AWS_PROXY, POST to Lambda, uri the invoke ARN of the right function", () => {
      expect(ofComponent(integrationType, "ingest")).to.have.length(2);
      expect(exact(integrationType, "ingest-webhook-post-integration").inputs).to.deep.equal({
        restApi: "ingest-api-id",
        resourceId: "ingest-webhook-id",
        httpMethod: "POST",
        type: "AWS_PROXY",
        integrationHttpMethod: "POST",
        uri: invokeArnOf(webhookArn),
      });
      expect(exact(integrationType, "ingest-transaction-get-integration").inputs).to.deep.equal({
        restApi: "ingest-api-id",
        resourceId: "ingest-transaction-id",
        httpMethod: "GET",
        type: "AWS_PROXY",
        integrationHttpMethod: "POST",
        uri: invokeArnOf(statusArn),
      });
    });

    it("invoke permissions: apigateway.amazonaws.com, one function each, sourceArn scoped to method and path", () => {
      expect(ofComponent(permissionType, "ingest")).to.have.length(2);
      expect(exact(permissionType, "ingest-webhook-post-permission").inputs).to.deep.equal({
        function: "webhook-intake",
        action: "lambda:InvokeFunction",
        principal: "apigateway.amazonaws.com",
        sourceArn: `${executionArnOf("ingest")}/*/POST/webhook`,
      });
      expect(exact(permissionType, "ingest-transaction-get-permission").inputs).to.deep.equal({
        function: "transaction-status",
        action: "lambda:InvokeFunction",
        principal: "apigateway.amazonaws.com",
        sourceArn: `${executionArnOf("ingest")}/*/GET/transactions/*`,
      });
    });
  });

  describe("deployment", () => {
    it("triggers.redeployment hashes every route's path, method, API key, parameters, uri and ids", () => {
      // In the order the component builds each fingerprint: the hash is of the exact JSON.
      const ids = (key: string, resource: string) => ({
        resourceId: `ingest-${resource}-id`,
        methodId: `ingest-${key}-id`,
        integrationId: `ingest-${key}-integration-id`,
      });
      const fingerprints = [
        {
          resourcePath: "/webhook",
          httpMethod: "POST",
          authorization: "NONE",
          apiKeyRequired: false,
          requestParameters: {},
          uri: invokeArnOf(webhookArn),
          ...ids("webhook-post", "webhook"),
        },
        {
          resourcePath: "/transactions/{transactionId}",
          httpMethod: "GET",
          authorization: "NONE",
          apiKeyRequired: true,
          requestParameters: { "method.request.path.transactionId": true },
          uri: invokeArnOf(statusArn),
          ...ids("transaction-get", "transaction"),
        },
      ];
      const deployment = exact(deploymentType, "ingest-deployment").inputs;
      expect(deployment).to.deep.equal({
        restApi: "ingest-api-id",
        description: "ingest routes",
        triggers: {
          redeployment: createHash("sha256").update(JSON.stringify(fingerprints)).digest("hex"),
        },
      });
      expect(exact(deploymentType, "plain-deployment").inputs.triggers).to.not.deep.equal(
        deployment.triggers,
      );
    });

    it("is registered after every method and integration (v7 Deployment has no stageName)", () => {
      for (const key of ["webhook-post", "transaction-get"]) {
        expect(order(methodType, `ingest-${key}`)).to.be.lessThan(order(deploymentType, "ingest-deployment"));
        expect(order(integrationType, `ingest-${key}-integration`)).to.be.lessThan(
          order(deploymentType, "ingest-deployment"),
        );
      }
      expect(exact(deploymentType, "ingest-deployment").inputs).to.not.have.property("stageName");
    });
  });

  describe("stage", () => {
    it("deploys the deployment as stageName (default v1) with X-Ray tracing and JSON access logs", () => {
      expect(exact(stageType, "ingest-stage").inputs).to.deep.equal({
        restApi: "ingest-api-id",
        deployment: "ingest-deployment-id",
        stageName: "prod",
        xrayTracingEnabled: true,
        accessLogSettings: {
          destinationArn: String(exact(logGroupType, "ingest-access-logs").state.arn),
          format: ingestApiAccessLogFormat(),
        },
      });
      expect(exact(stageType, "plain-stage").inputs.stageName).to.equal("v1");
      expect(exact(stageType, "plain-stage").inputs.xrayTracingEnabled).to.equal(true);
    });

    it("access-log format parses as JSON with exactly the expected fields, no body or headers", () => {
      const format = JSON.parse(
        String((exact(stageType, "ingest-stage").inputs.accessLogSettings as { format: string }).format),
      ) as Record<string, string>;
      expect(Object.keys(format)).to.deep.equal([
        "requestId",
        "extendedRequestId",
        "ip",
        "requestTime",
        "httpMethod",
        "resourcePath",
        "status",
        "protocol",
        "responseLength",
        "integrationLatency",
        "responseLatency",
        "integrationError",
        "errorMessage",
        "userAgent",
        "xrayTraceId",
        "apiKeyId",
      ]);
      for (const variable of Object.values(format)) {
        expect(variable).to.match(/^\$context\.[A-Za-z.]+$/);
        expect(variable.toLowerCase()).not.to.match(/body|header|input|signature|requestoverride/);
      }
      expect(format).to.not.have.property("path");
      expect(format.apiKeyId).to.equal("$context.identity.apiKeyId");
      expect(format.xrayTraceId).to.equal("$context.xrayTraceId");
    });
  });

  describe("method settings", () => {
    const settings = (rate: number, burst: number) => ({
      metricsEnabled: true,
      loggingLevel: "ERROR",
      dataTraceEnabled: false,
      throttlingRateLimit: rate,
      throttlingBurstLimit: burst,
    });

    it("*/* throttles at throttlingRateLimit/throttlingBurstLimit (default 100/200), metrics on, ERROR logs", () => {
      expect(exact(methodSettingsType, "ingest-all-methods").inputs).to.deep.equal({
        restApi: "ingest-api-id",
        stageName: "prod",
        methodPath: "*/*",
        settings: settings(50, 100),
      });
      expect(exact(methodSettingsType, "plain-all-methods").inputs.settings).to.deep.equal(
        settings(100, 200),
      );
    });

    it("webhook/POST has its own throttling (default: the stage's), after the stage-wide settings", () => {
      expect(exact(methodSettingsType, "ingest-webhook-post-settings").inputs).to.deep.equal({
        restApi: "ingest-api-id",
        stageName: "prod",
        methodPath: "webhook/POST",
        settings: settings(300, 600),
      });
      expect(exact(methodSettingsType, "plain-webhook-post-settings").inputs.settings).to.deep.equal(
        settings(100, 200),
      );
      expect(order(methodSettingsType, "ingest-all-methods")).to.be.lessThan(
        order(methodSettingsType, "ingest-webhook-post-settings"),
      );
    });

    it("dataTraceEnabled is false on every method settings (full request logs would hold bodies)", () => {
      const all = recorder.ofType(methodSettingsType);
      expect(all).to.have.length(4);
      for (const entry of all) {
        expect((entry.inputs.settings as Record<string, unknown>).dataTraceEnabled).to.equal(false);
      }
    });
  });

  describe("log groups", () => {
    it("access logs keep logRetentionDays (default 30) and use logKmsKeyArn when given", () => {
      expect(exact(logGroupType, "ingest-access-logs").inputs).to.deep.equal({
        namePrefix: "/aws/apigateway/ingest-access-",
        retentionInDays: 90,
        kmsKeyId: keyArn,
      });
      expect(exact(logGroupType, "plain-access-logs").inputs).to.deep.equal({
        namePrefix: "/aws/apigateway/plain-access-",
        retentionInDays: 30,
      });
    });

    it("the execution log group API Gateway writes to exists first, with the same retention and key", () => {
      expect(exact(logGroupType, "ingest-execution-logs").inputs).to.deep.equal({
        name: "API-Gateway-Execution-Logs_ingest-api-id/prod",
        retentionInDays: 90,
        kmsKeyId: keyArn,
      });
      expect(exact(logGroupType, "plain-execution-logs").inputs).to.deep.equal({
        name: "API-Gateway-Execution-Logs_plain-api-id/v1",
        retentionInDays: 30,
      });
    });
  });

  describe("API key and usage plan", () => {
    it("usage plan binds this API's stage with statusQuotaPerDay per DAY (default 10,000) and the stage throttle", () => {
      expect(exact(usagePlanType, "ingest-usage-plan").inputs).to.deep.equal({
        description: "ingest: quota and throttle of API-key callers",
        apiStages: [{ apiId: "ingest-api-id", stage: "prod" }],
        quotaSettings: { limit: 5000, period: "DAY" },
        throttleSettings: { rateLimit: 50, burstLimit: 100 },
      });
      const plainPlan = exact(usagePlanType, "plain-usage-plan").inputs;
      expect(plainPlan.apiStages).to.deep.equal([{ apiId: "plain-api-id", stage: "v1" }]);
      expect(plainPlan.quotaSettings).to.deep.equal({ limit: 10000, period: "DAY" });
      expect(plainPlan.throttleSettings).to.deep.equal({ rateLimit: 100, burstLimit: 200 });
    });

    it("one enabled API key, AWS-generated (no value input), linked to the plan", () => {
      expect(ofComponent(apiKeyType, "ingest")).to.have.length(1);
      expect(exact(apiKeyType, "ingest-status-key").inputs).to.deep.equal({
        description: "ingest: reads transaction status (GET /transactions/{transactionId})",
        enabled: true,
      });
      expect(exact(usagePlanKeyType, "ingest-usage-plan-key").inputs).to.deep.equal({
        keyId: "ingest-status-key-id",
        keyType: "API_KEY",
        usagePlanId: "ingest-usage-plan-id",
      });
    });
  });

  describe("account CloudWatch role", () => {
    it("manageAccountLogRole (default true): role only API Gateway assumes, the push-to-logs policy, the account setting", () => {
      const role = exact(roleType, "ingest-cloudwatch-role").inputs;
      expect(JSON.parse(String(role.assumeRolePolicy))).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "apigateway.amazonaws.com" },
            Action: ["sts:AssumeRole"],
          },
        ],
      });
      expect(exact(attachmentType, "ingest-cloudwatch-policy").inputs).to.deep.equal({
        role: "ingest-cloudwatch-role",
        policyArn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
      });
      expect(exact(accountType, "ingest-account").inputs).to.deep.equal({
        cloudwatchRoleArn: "arn:aws:iam:eu-west-1:123456789012:ingest-cloudwatch-role",
      });
      expect(order(attachmentType, "ingest-cloudwatch-policy")).to.be.lessThan(
        order(accountType, "ingest-account"),
      );
    });

    it("manageAccountLogRole false creates no role, attachment or account setting", () => {
      for (const type of [roleType, attachmentType, accountType]) {
        expect(ofComponent(type, "plain"), type).to.have.length(0);
      }
    });
  });

  describe("outputs", () => {
    it("restApiId, stageName, apiUrl, webhookUrl, executionArn, apiKeyId, accessLogGroupName, usagePlanId", async () => {
      expect(await promiseOf(ingest.restApiId)).to.equal("ingest-api-id");
      expect(await promiseOf(ingest.stageName)).to.equal("prod");
      expect(await promiseOf(ingest.apiUrl)).to.equal(
        "https://ingest-api-id.execute-api.eu-west-1.amazonaws.com/prod",
      );
      expect(await promiseOf(ingest.webhookUrl)).to.equal(
        "https://ingest-api-id.execute-api.eu-west-1.amazonaws.com/prod/webhook",
      );
      expect(await promiseOf(ingest.executionArn)).to.equal(executionArnOf("ingest"));
      expect(await promiseOf(ingest.apiKeyId)).to.equal("ingest-status-key-id");
      expect(await promiseOf(ingest.accessLogGroupName)).to.equal("/aws/apigateway/ingest-access-0123abcd");
      expect(await promiseOf(ingest.usagePlanId)).to.equal("ingest-usage-plan-id");
      expect(await promiseOf(plain.apiUrl)).to.equal(
        "https://plain-api-id.execute-api.eu-west-1.amazonaws.com/v1",
      );
    });

    it("apiKeyValue is the key's value, marked secret", async () => {
      expect(await promiseOf(ingest.apiKeyValue)).to.equal("mock-api-key-ingest-status-key");
      expect(await pulumi.isSecret(ingest.apiKeyValue)).to.equal(true);
    });

    it("one component creates exactly these children", () => {
      const types = (component: string) =>
        recorder.resources
          .filter((resource) => resource.name.startsWith(`${component}-`))
          .map((resource) => resource.type)
          .sort();
      const common = [
        restApiType,
        resourceType,
        resourceType,
        resourceType,
        methodType,
        methodType,
        integrationType,
        integrationType,
        permissionType,
        permissionType,
        deploymentType,
        logGroupType,
        logGroupType,
        stageType,
        methodSettingsType,
        methodSettingsType,
        apiKeyType,
        usagePlanType,
        usagePlanKeyType,
      ];
      expect(types("ingest")).to.deep.equal([...common, roleType, attachmentType, accountType].sort());
      expect(types("plain")).to.deep.equal([...common].sort());
    });

    it("asks the provider only for the region and partition", () => {
      expect([...new Set(recorder.calls.map((call) => call.token))].sort()).to.deep.equal([
        "aws:index/getPartition:getPartition",
        "aws:index/getRegion:getRegion",
      ]);
    });
  });

  describe("argument checks", () => {
    const attempt = (name: string, extra: Record<string, unknown>) => () =>
      new IngestApi(name, { ...functions, ...extra } as IngestApiArgs);

    it("the four function arguments are required, named in the message", () => {
      expect(attempt("no-webhook-arn", { webhookFunctionArn: undefined })).to.throw(
        /webhookFunctionArn is required/,
      );
      expect(attempt("no-webhook-name", { webhookFunctionName: "" })).to.throw(
        /webhookFunctionName is required/,
      );
      expect(attempt("no-status-arn", { statusFunctionArn: undefined })).to.throw(
        /statusFunctionArn is required/,
      );
      expect(attempt("no-status-name", { statusFunctionName: undefined })).to.throw(
        /statusFunctionName is required/,
      );
    });

    it("function ARNs must be unqualified Lambda function ARNs of the named function", () => {
      expect(attempt("qualified", { webhookFunctionArn: `${webhookArn}:live` })).to.throw(
        /webhookFunctionArn ".*:live" must be an unqualified Lambda function ARN/,
      );
      expect(attempt("not-lambda", { statusFunctionArn: "arn:aws:sqs:eu-west-1:123456789012:q" })).to.throw(
        /statusFunctionArn/,
      );
      expect(attempt("mismatch", { statusFunctionName: "webhook-intake" })).to.throw(
        /statusFunctionArn ".*transaction-status" is not the function statusFunctionName "webhook-intake"/,
      );
      expect(attempt("bad-name", { webhookFunctionName: "has space" })).to.throw(
        /webhookFunctionName "has space" is not a Lambda function name/,
      );
    });

    it("stageName must be letters, digits, - or _", () => {
      expect(attempt("bad-stage", { stageName: "v1/beta" })).to.throw(/stageName "v1\/beta"/);
    });

    it("throttling limits and the quota must be positive (bursts and quota integers)", () => {
      expect(attempt("bad-rate", { throttlingRateLimit: 0 })).to.throw(
        /throttlingRateLimit must be a positive number, got 0/,
      );
      expect(attempt("bad-burst", { throttlingBurstLimit: 1.5 })).to.throw(
        /throttlingBurstLimit must be a positive integer, got 1.5/,
      );
      expect(attempt("bad-webhook-rate", { webhookThrottlingRateLimit: -1 })).to.throw(
        /webhookThrottlingRateLimit/,
      );
      expect(attempt("bad-webhook-burst", { webhookThrottlingBurstLimit: 0 })).to.throw(
        /webhookThrottlingBurstLimit/,
      );
      expect(attempt("bad-quota", { statusQuotaPerDay: 0 })).to.throw(
        /statusQuotaPerDay must be a positive integer, got 0/,
      );
    });

    it("logRetentionDays that CloudWatch does not offer is rejected", () => {
      expect(attempt("bad-retention", { logRetentionDays: 31 })).to.throw(/logRetentionDays must be one of/);
    });
  });
});

describe("ingest API access-log format", () => {
  it("is the JSON of the field table, every value a $context variable", () => {
    expect(JSON.parse(ingestApiAccessLogFormat())).to.deep.equal(ingestApiAccessLogFields);
    for (const value of Object.values(ingestApiAccessLogFields)) expect(value).to.match(/^\$context\./);
  });
});
