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
 *
 * Nor can mocks show what API Gateway does with an upload: that the validator answers 400 without
 * a Content-Type, that a body it does not validate is passed to the function as sent (AWS's
 * documented behaviour, which is why the function must answer 415 itself), that bodies over about
 * 5 MB fail at the Lambda invocation, or that the two usage plans meter each key separately.
 */
import { createHash } from "crypto";
import { expect } from "chai";
import { IngestApi, type IngestApiArgs } from "../../components/ingest/ingestApi";
import { ingestApiAccessLogFields, ingestApiAccessLogFormat } from "../../components/ingest/accessLog";
import { uploadRequestParameters, uploadRequestValidator } from "../../components/ingest/uploadRequests";
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
const validatorType = "aws:apigateway/requestValidator:RequestValidator";
const modelType = "aws:apigateway/model:Model";

const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/k";
const webhookArn = "arn:aws:lambda:eu-west-1:123456789012:function:webhook-intake";
const statusArn = "arn:aws:lambda:eu-west-1:123456789012:function:transaction-status";
const csvIntakeArn = "arn:aws:lambda:eu-west-1:123456789012:function:csv-intake";
const fileStatusArn = "arn:aws:lambda:eu-west-1:123456789012:function:file-status";
const invokeArnOf = (functionArn: string) =>
  `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
const executionArnOf = (name: string) => `arn:aws:execute-api:eu-west-1:123456789012:${name}-api-id`;

const functions: IngestApiArgs = {
  webhookFunctionName: "webhook-intake",
  webhookFunctionArn: webhookArn,
  statusFunctionName: "transaction-status",
  statusFunctionArn: statusArn,
  csvIntakeFunctionName: "csv-intake",
  csvIntakeFunctionArn: csvIntakeArn,
  fileStatusFunctionName: "file-status",
  fileStatusFunctionArn: fileStatusArn,
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
      uploadQuotaPerDay: 250,
      uploadThrottlingRateLimit: 2,
      uploadThrottlingBurstLimit: 4,
      logRetentionDays: 90,
      logKmsKeyArn: keyArn,
    });
    plain = new IngestApi("plain", {
      webhookFunctionName: "other-webhook",
      webhookFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:other-webhook",
      statusFunctionName: "other-status",
      statusFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:other-status",
      csvIntakeFunctionName: "other-csv-intake",
      csvIntakeFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:other-csv-intake",
      fileStatusFunctionName: "other-file-status",
      fileStatusFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:other-file-status",
      manageAccountLogRole: false,
    });
    await settledResources(recorder);
  });

  // Failed constructions still register the component itself; let that land in this file's mocks.
  after(() => settledResources(recorder));

  describe("REST API", () => {
    it("is REGIONAL, reads API keys from the x-api-key header, hands JSON bodies over as bytes, and says what it serves", () => {
      expect(exact(restApiType, "ingest-api").inputs).to.deep.equal({
        description:
          "ingest: transaction intake (POST /webhook) and status (GET /transactions/{transactionId})",
        endpointConfiguration: { types: "REGIONAL" },
        apiKeySource: "HEADER",
        // Webhook signatures are verified over the exact bytes: base64 through API Gateway, never re-encoded.
        binaryMediaTypes: ["application/json"],
      });
    });
  });

  describe("routes", () => {
    it("has exactly /webhook, /transactions/{transactionId}, /upload, /uploads and /files/{file_id} (pathPart and parentId)", () => {
      const shape = (resource: RecordedResource) => ({ name: resource.name, ...resource.inputs });
      // Children reach the mocks once their inputs resolve: compare as a set.
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect(ofComponent(resourceType, "ingest").map(shape).sort(byName)).to.deep.equal(
        [
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
          {
            name: "ingest-upload",
            restApi: "ingest-api-id",
            parentId: "ingest-api-root",
            pathPart: "upload",
          },
          {
            name: "ingest-uploads",
            restApi: "ingest-api-id",
            parentId: "ingest-api-root",
            pathPart: "uploads",
          },
          { name: "ingest-files", restApi: "ingest-api-id", parentId: "ingest-api-root", pathPart: "files" },
          {
            name: "ingest-file",
            restApi: "ingest-api-id",
            parentId: "ingest-files-id",
            pathPart: "{file_id}",
          },
        ].sort(byName),
      );
    });

    it("methods: POST /webhook without an API key, GET status with an API key and a required path parameter", () => {
      expect(ofComponent(methodType, "ingest")).to.have.length(5);
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
      expect(ofComponent(integrationType, "ingest")).to.have.length(5);
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
      expect(ofComponent(permissionType, "ingest")).to.have.length(5);
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

  describe("upload routes", () => {
    it("POST /upload: apiKeyRequired, the upload validator, Content-Type header required, no body model", () => {
      expect(exact(methodType, "ingest-upload-post").inputs).to.deep.equal({
        restApi: "ingest-api-id",
        resourceId: "ingest-upload-id",
        httpMethod: "POST",
        authorization: "NONE",
        apiKeyRequired: true,
        requestParameters: { "method.request.header.Content-Type": true },
        requestValidatorId: "ingest-upload-validator-id",
      });
    });

    it("request validator validateRequestParameters true, validateRequestBody false (a CSV body is not JSON)", () => {
      expect(ofComponent(validatorType, "ingest")).to.have.length(1);
      expect(exact(validatorType, "ingest-upload-validator").inputs).to.deep.equal({
        restApi: "ingest-api-id",
        name: "csv-upload",
        validateRequestParameters: true,
        validateRequestBody: false,
      });
    });

    it("no JSON-schema model: API Gateway would validate the CSV body as JSON and refuse it", () => {
      expect(ofComponent(modelType, "ingest")).to.deep.equal([]);
    });

    it("POST /uploads: apiKeyRequired, no validator, parameters or models", () => {
      expect(exact(methodType, "ingest-uploads-post").inputs).to.deep.equal({
        restApi: "ingest-api-id",
        resourceId: "ingest-uploads-id",
        httpMethod: "POST",
        authorization: "NONE",
        apiKeyRequired: true,
      });
    });

    it("GET /files/{file_id}: apiKeyRequired with the file_id path parameter required", () => {
      expect(exact(methodType, "ingest-file-get").inputs).to.deep.equal({
        restApi: "ingest-api-id",
        resourceId: "ingest-file-id",
        httpMethod: "GET",
        authorization: "NONE",
        apiKeyRequired: true,
        requestParameters: { "method.request.path.file_id": true },
      });
    });

    it("integrations: both upload routes invoke csv-intake, GET /files invokes file-status (AWS_PROXY, POST)", () => {
      const integration = (key: string, resource: string, httpMethod: string, functionArn: string) => ({
        key,
        inputs: {
          restApi: "ingest-api-id",
          resourceId: `ingest-${resource}-id`,
          httpMethod,
          type: "AWS_PROXY",
          integrationHttpMethod: "POST",
          uri: invokeArnOf(functionArn),
        },
      });
      for (const expected of [
        integration("upload-post", "upload", "POST", csvIntakeArn),
        integration("uploads-post", "uploads", "POST", csvIntakeArn),
        integration("file-get", "file", "GET", fileStatusArn),
      ]) {
        expect(
          exact(integrationType, `ingest-${expected.key}-integration`).inputs,
          expected.key,
        ).to.deep.equal(expected.inputs);
      }
    });

    it("invoke permissions: sourceArn /*/POST/upload, /*/POST/uploads, /*/GET/files/* on the right function", () => {
      const grant = (functionName: string, path: string) => ({
        function: functionName,
        action: "lambda:InvokeFunction",
        principal: "apigateway.amazonaws.com",
        sourceArn: `${executionArnOf("ingest")}/*/${path}`,
      });
      expect(exact(permissionType, "ingest-upload-post-permission").inputs).to.deep.equal(
        grant("csv-intake", "POST/upload"),
      );
      expect(exact(permissionType, "ingest-uploads-post-permission").inputs).to.deep.equal(
        grant("csv-intake", "POST/uploads"),
      );
      expect(exact(permissionType, "ingest-file-get-permission").inputs).to.deep.equal(
        grant("file-status", "GET/files/*"),
      );
    });

    it("the other component's routes invoke its own functions", () => {
      expect(exact(integrationType, "plain-upload-post-integration").inputs.uri).to.equal(
        invokeArnOf("arn:aws:lambda:eu-west-1:123456789012:function:other-csv-intake"),
      );
      expect(exact(permissionType, "plain-file-get-permission").inputs.function).to.equal(
        "other-file-status",
      );
    });
  });

  describe("deployment", () => {
    it("triggers.redeployment hashes every route's path, method, API key, parameters, validator, models, uri and ids", () => {
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
        {
          resourcePath: "/upload",
          httpMethod: "POST",
          authorization: "NONE",
          apiKeyRequired: true,
          requestParameters: { "method.request.header.Content-Type": true },
          requestValidator: {
            id: "ingest-upload-validator-id",
            validateRequestParameters: true,
            validateRequestBody: false,
          },
          uri: invokeArnOf(csvIntakeArn),
          ...ids("upload-post", "upload"),
        },
        {
          resourcePath: "/uploads",
          httpMethod: "POST",
          authorization: "NONE",
          apiKeyRequired: true,
          requestParameters: {},
          uri: invokeArnOf(csvIntakeArn),
          ...ids("uploads-post", "uploads"),
        },
        {
          resourcePath: "/files/{file_id}",
          httpMethod: "GET",
          authorization: "NONE",
          apiKeyRequired: true,
          requestParameters: { "method.request.path.file_id": true },
          uri: invokeArnOf(fileStatusArn),
          ...ids("file-get", "file"),
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
      for (const key of ["webhook-post", "transaction-get", "upload-post", "uploads-post", "file-get"]) {
        expect(order(methodType, `ingest-${key}`)).to.be.lessThan(order(deploymentType, "ingest-deployment"));
        expect(order(integrationType, `ingest-${key}-integration`)).to.be.lessThan(
          order(deploymentType, "ingest-deployment"),
        );
      }
      expect(exact(deploymentType, "ingest-deployment").inputs).to.not.have.property("stageName");
    });
  });

  describe("stage", () => {
    it("deploys the deployment as stageName (default v1) with X-Ray tracing, JSON access logs and each route's key id", () => {
      expect(exact(stageType, "ingest-stage").inputs).to.deep.equal({
        restApi: "ingest-api-id",
        deployment: "ingest-deployment-id",
        stageName: "prod",
        xrayTracingEnabled: true,
        // The handlers admit only the key their route is for (API Gateway admits any key of the stage's plans).
        variables: { statusApiKeyId: "ingest-status-key-id", uploadApiKeyId: "ingest-upload-key-id" },
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

    it("upload/POST and uploads/POST throttle at uploadThrottlingRateLimit/BurstLimit (default 5/10), in turn", () => {
      for (const [key, methodPath] of [
        ["upload-post", "upload/POST"],
        ["uploads-post", "uploads/POST"],
      ]) {
        expect(exact(methodSettingsType, `ingest-${key}-settings`).inputs, key).to.deep.equal({
          restApi: "ingest-api-id",
          stageName: "prod",
          methodPath,
          settings: settings(2, 4),
        });
        expect(exact(methodSettingsType, `plain-${key}-settings`).inputs.settings, key).to.deep.equal(
          settings(5, 10),
        );
      }
      // Each patch of the stage waits for the previous one (dependsOn). Construction order alone would
      // register them in this order too, so this is consistent with the chain, not proof of it.
      expect(order(methodSettingsType, "ingest-webhook-post-settings")).to.be.lessThan(
        order(methodSettingsType, "ingest-upload-post-settings"),
      );
      expect(order(methodSettingsType, "ingest-upload-post-settings")).to.be.lessThan(
        order(methodSettingsType, "ingest-uploads-post-settings"),
      );
    });

    it("dataTraceEnabled is false on every method settings (full request logs would hold bodies)", () => {
      const all = recorder.ofType(methodSettingsType);
      expect(all).to.have.length(8);
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

    it("the status key: enabled, AWS-generated (no value input), linked to the plan", () => {
      expect(ofComponent(apiKeyType, "ingest")).to.have.length(2);
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

  describe("upload API key and usage plan", () => {
    it("upload usage plan binds the same stage with uploadQuotaPerDay per DAY and the upload throttle", () => {
      expect(exact(usagePlanType, "ingest-upload-usage-plan").inputs).to.deep.equal({
        description: "ingest: daily quota and throttle of the back-office upload key",
        apiStages: [{ apiId: "ingest-api-id", stage: "prod" }],
        quotaSettings: { limit: 250, period: "DAY" },
        throttleSettings: { rateLimit: 2, burstLimit: 4 },
      });
    });

    it("uploadQuotaPerDay defaults to 1,000 a DAY, throttle 5/10, on the default stage", () => {
      expect(exact(usagePlanType, "plain-upload-usage-plan").inputs).to.deep.equal({
        description: "plain: daily quota and throttle of the back-office upload key",
        apiStages: [{ apiId: "plain-api-id", stage: "v1" }],
        quotaSettings: { limit: 1000, period: "DAY" },
        throttleSettings: { rateLimit: 5, burstLimit: 10 },
      });
    });

    it("both plans bind this stage, each with its own key (a key is in one plan per stage)", () => {
      const plans = ofComponent(usagePlanType, "ingest");
      expect(plans.map((plan) => [plan.name, plan.inputs.apiStages])).to.deep.equal([
        ["ingest-usage-plan", [{ apiId: "ingest-api-id", stage: "prod" }]],
        ["ingest-upload-usage-plan", [{ apiId: "ingest-api-id", stage: "prod" }]],
      ]);
      expect(ofComponent(usagePlanKeyType, "ingest").map((key) => key.inputs)).to.deep.equal([
        { keyId: "ingest-status-key-id", keyType: "API_KEY", usagePlanId: "ingest-usage-plan-id" },
        { keyId: "ingest-upload-key-id", keyType: "API_KEY", usagePlanId: "ingest-upload-usage-plan-id" },
      ]);
      // The upload plan waits for the status plan (dependsOn); as above, construction order alone
      // would give the same registration order.
      expect(order(usagePlanType, "ingest-usage-plan")).to.be.lessThan(
        order(usagePlanType, "ingest-upload-usage-plan"),
      );
    });

    it("the upload key: enabled, AWS-generated (no value input), says what it is for", () => {
      expect(exact(apiKeyType, "ingest-upload-key").inputs).to.deep.equal({
        description: "ingest: back-office CSV uploads (POST /upload, POST /uploads, GET /files/{file_id})",
        enabled: true,
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
    it("stageName, apiUrl, webhookUrl, apiKeyId", async () => {
      expect(await promiseOf(ingest.stageName)).to.equal("prod");
      expect(await promiseOf(ingest.urls.apiUrl)).to.equal(
        "https://ingest-api-id.execute-api.eu-west-1.amazonaws.com/prod",
      );
      expect(await promiseOf(ingest.urls.webhookUrl)).to.equal(
        "https://ingest-api-id.execute-api.eu-west-1.amazonaws.com/prod/webhook",
      );
      expect(await promiseOf(ingest.apiKeyId)).to.equal("ingest-status-key-id");
      expect(await promiseOf(plain.urls.apiUrl)).to.equal(
        "https://plain-api-id.execute-api.eu-west-1.amazonaws.com/v1",
      );
    });

    it("uploadUrl, uploadsUrl, filesUrl and uploadApiKeyId", async () => {
      const base = "https://ingest-api-id.execute-api.eu-west-1.amazonaws.com/prod";
      expect(await promiseOf(ingest.urls.uploadUrl)).to.equal(`${base}/upload`);
      expect(await promiseOf(ingest.urls.uploadsUrl)).to.equal(`${base}/uploads`);
      expect(await promiseOf(ingest.urls.filesUrl)).to.equal(`${base}/files`);
      expect(await promiseOf(ingest.uploadApiKeyId)).to.equal("ingest-upload-key-id");
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
        ...Array<string>(4).fill(resourceType),
        ...Array<string>(5).fill(methodType),
        ...Array<string>(5).fill(integrationType),
        ...Array<string>(5).fill(permissionType),
        validatorType,
        deploymentType,
        logGroupType,
        logGroupType,
        stageType,
        ...Array<string>(4).fill(methodSettingsType),
        apiKeyType,
        apiKeyType,
        usagePlanType,
        usagePlanType,
        usagePlanKeyType,
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

    it("csvIntakeFunctionName/Arn and fileStatusFunctionName/Arn are required, named in the message", () => {
      expect(attempt("no-intake-name", { csvIntakeFunctionName: undefined })).to.throw(
        /csvIntakeFunctionName is required/,
      );
      expect(attempt("no-intake-arn", { csvIntakeFunctionArn: "" })).to.throw(
        /csvIntakeFunctionArn is required/,
      );
      expect(attempt("no-file-name", { fileStatusFunctionName: "" })).to.throw(
        /fileStatusFunctionName is required/,
      );
      expect(attempt("no-file-arn", { fileStatusFunctionArn: undefined })).to.throw(
        /fileStatusFunctionArn is required/,
      );
    });

    it("csvIntakeFunctionArn and fileStatusFunctionArn must be unqualified ARNs of the named functions", () => {
      expect(attempt("intake-qualified", { csvIntakeFunctionArn: `${csvIntakeArn}:3` })).to.throw(
        /csvIntakeFunctionArn ".*:3" must be an unqualified Lambda function ARN/,
      );
      expect(attempt("file-mismatch", { fileStatusFunctionName: "csv-intake" })).to.throw(
        /fileStatusFunctionArn ".*file-status" is not the function fileStatusFunctionName "csv-intake"/,
      );
    });

    it("uploadQuotaPerDay and uploadThrottlingBurstLimit must be positive integers, uploadThrottlingRateLimit positive", () => {
      expect(attempt("bad-upload-quota", { uploadQuotaPerDay: 0 })).to.throw(
        /uploadQuotaPerDay must be a positive integer, got 0/,
      );
      expect(attempt("fractional-upload-quota", { uploadQuotaPerDay: 10.5 })).to.throw(/uploadQuotaPerDay/);
      expect(attempt("bad-upload-rate", { uploadThrottlingRateLimit: -1 })).to.throw(
        /uploadThrottlingRateLimit must be a positive number, got -1/,
      );
      expect(attempt("bad-upload-burst", { uploadThrottlingBurstLimit: 2.5 })).to.throw(
        /uploadThrottlingBurstLimit must be a positive integer, got 2.5/,
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

describe("ingest API upload validation (pure)", () => {
  it("requires only the Content-Type header and never validates the (CSV) body", () => {
    expect(uploadRequestParameters).to.deep.equal({ "method.request.header.Content-Type": true });
    expect(uploadRequestValidator).to.deep.equal({
      name: "csv-upload",
      validateRequestParameters: true,
      validateRequestBody: false,
    });
  });
});
