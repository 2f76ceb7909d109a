import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkRequired, checkUnqualifiedFunctionArn } from "../platform/argumentChecks";
import { serviceAssumeRolePolicy } from "../platform/iamPolicy";
import { ingestApiAccessLogFormat } from "./accessLog";
import { requestValidatorOf } from "./uploadRequests";
import { allowedLogRetentionDays } from "../platform/logRetention";
import { apiKeyStageVariables } from "../../functions/shared/apiKeyScopes";
import {
  ingestApiBinaryMediaTypes,
  ingestApiPaths,
  ingestApiRoutes,
  ingestApiUrls,
  invokeGrantPath,
  methodSettingsPath,
  pathsOf,
  requiredRequestParameters,
  type IngestApiFunction,
  type IngestApiRoute,
  type IngestApiUrls,
} from "../../pipeline";

/** Arguments of {@link IngestApi}. */
export interface IngestApiArgs {
  /** Name of the webhook-intake function behind POST /webhook. Required. */
  readonly webhookFunctionName: pulumi.Input<string>;
  /** Unqualified ARN of the webhook-intake function. Required. */
  readonly webhookFunctionArn: pulumi.Input<string>;
  /** Name of the status function behind GET /transactions/{transactionId}. Required. */
  readonly statusFunctionName: pulumi.Input<string>;
  /** Unqualified ARN of the status function. Required. */
  readonly statusFunctionArn: pulumi.Input<string>;
  /**
   * Name of the csv-intake function behind POST /upload and POST /uploads. Required.
   *
   * POST /upload carries the CSV itself (`Content-Type: text/csv`). API Gateway's payload limit is
   * 10 MB, but a synchronous Lambda invocation takes at most 6 MB of event (body, headers and
   * request context together), so POST /upload takes files up to about 5 MB; larger files go
   * through POST /uploads, which answers a presigned S3 PUT URL. API Gateway only checks that a
   * Content-Type is present: it answers no 415 for a Lambda-proxy route, so the function rejects
   * other content types itself (see uploadRequests.ts).
   */
  readonly csvIntakeFunctionName: pulumi.Input<string>;
  /** Unqualified ARN of the csv-intake function. Required. */
  readonly csvIntakeFunctionArn: pulumi.Input<string>;
  /** Name of the file-status function behind GET /files/{file_id}. Required. */
  readonly fileStatusFunctionName: pulumi.Input<string>;
  /** Unqualified ARN of the file-status function. Required. */
  readonly fileStatusFunctionArn: pulumi.Input<string>;
  /** Stage name, the first path segment of every URL. Default "v1". */
  readonly stageName?: pulumi.Input<string>;
  /** Steady requests per second each method of the stage accepts. Default 100. */
  readonly throttlingRateLimit?: pulumi.Input<number>;
  /** Burst (token bucket size) each method of the stage accepts. Default 200. */
  readonly throttlingBurstLimit?: pulumi.Input<number>;
  /** Steady requests per second for POST /webhook alone. Default throttlingRateLimit. */
  readonly webhookThrottlingRateLimit?: pulumi.Input<number>;
  /** Burst for POST /webhook alone. Default throttlingBurstLimit. */
  readonly webhookThrottlingBurstLimit?: pulumi.Input<number>;
  /** Requests per day the status API key may make (usage-plan quota). Default 10,000. */
  readonly statusQuotaPerDay?: pulumi.Input<number>;
  /**
   * Requests per day the upload (back-office) API key may make, usage-plan quota. Every request
   * with the key counts, GET /files/{file_id} polls included. Default 1,000.
   */
  readonly uploadQuotaPerDay?: pulumi.Input<number>;
  /** Steady requests per second for POST /upload and POST /uploads (each), and for the upload key. Default 5. */
  readonly uploadThrottlingRateLimit?: pulumi.Input<number>;
  /** Burst for POST /upload and POST /uploads (each), and for the upload key. Default 10. */
  readonly uploadThrottlingBurstLimit?: pulumi.Input<number>;
  /** Days the access and execution log groups keep events, a value CloudWatch accepts. Default 30. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** KMS key ARN encrypting the access and execution log groups. Default none (CloudWatch's own). */
  readonly logKmsKeyArn?: pulumi.Input<string>;
  /**
   * Create the region's account-wide API Gateway CloudWatch role (aws.apigateway.Account), which
   * logging needs. Default true. It is one setting per account and region: a second stack there
   * must set false, and destroying the stack that owns it resets the setting for every API.
   */
  readonly manageAccountLogRole?: boolean;
}

/**
 * The arguments naming the function behind each route's function (pipeline/routes.ts): a route
 * table naming a function without arguments here does not compile.
 */
const routeFunctionArguments = {
  "webhook-intake": ["webhookFunctionName", "webhookFunctionArn"],
  "transaction-status": ["statusFunctionName", "statusFunctionArn"],
  "csv-intake": ["csvIntakeFunctionName", "csvIntakeFunctionArn"],
  "file-status": ["fileStatusFunctionName", "fileStatusFunctionArn"],
} as const satisfies Record<IngestApiFunction, readonly [keyof IngestApiArgs, keyof IngestApiArgs]>;

/** One Lambda-proxy route: a method on an existing resource, its integration and invoke grant. */
interface LambdaProxyRoute {
  /** Names the route's children (`${name}-${key}`); a shipped key never changes. */
  readonly key: string;
  readonly resource: aws.apigateway.Resource;
  /** The route template, e.g. "/transactions/{transactionId}". */
  readonly resourcePath: string;
  readonly httpMethod: "GET" | "POST";
  readonly apiKeyRequired: boolean;
  readonly requestParameters?: Readonly<Record<string, boolean>>;
  /** Checks required parameters and/or the body before the function is invoked. Default none. */
  readonly requestValidator?: aws.apigateway.RequestValidator;
  readonly functionName: pulumi.Input<string>;
  readonly functionArn: pulumi.Input<string>;
  /** What follows `<executionArn>/<stage>/` in the invoke grant, e.g. "POST/webhook". */
  readonly sourceArnPath: string;
}

/** Where routes are added. */
interface RouteContext {
  readonly name: string;
  readonly api: aws.apigateway.RestApi;
  readonly partition: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
}

interface LambdaProxyRouteResources {
  readonly method: aws.apigateway.Method;
  readonly integration: aws.apigateway.Integration;
  readonly permission: aws.lambda.Permission;
  /** Everything a deployment snapshots of the route; a change must redeploy. */
  readonly fingerprint: pulumi.Output<unknown>;
}

const functionNamePattern = /^[A-Za-z0-9_-]{1,64}$/;
const stageNamePattern = /^[A-Za-z0-9_-]{1,128}$/;

function checkFunction(nameArgument: string, name: unknown, arnArgument: string, arn: unknown): void {
  // Inputs that are still Outputs are checked by AWS at deploy time instead.
  if (typeof name === "string" && !functionNamePattern.test(name)) {
    throw new Error(`${nameArgument} "${name}" is not a Lambda function name`);
  }
  const arnFunctionName = checkUnqualifiedFunctionArn(arnArgument, arn);
  if (typeof name === "string" && arnFunctionName !== undefined && arnFunctionName !== name) {
    throw new Error(`${arnArgument} "${String(arn)}" is not the function ${nameArgument} "${name}"`);
  }
}

function checkPositive(argument: string, value: pulumi.Input<number> | undefined, integer: boolean): void {
  if (typeof value !== "number") return;
  const valid = integer ? Number.isSafeInteger(value) && value > 0 : Number.isFinite(value) && value > 0;
  if (!valid)
    throw new Error(`${argument} must be a positive ${integer ? "integer" : "number"}, got ${value}`);
}

/**
 * The public REST API of the pipeline: POST /webhook (payment providers, authenticated by their
 * signature inside the function, so no API key) and GET /transactions/{transactionId} (returns
 * transaction data, so an API key under a usage plan); for back-office CSV files POST /upload
 * (the file in the body), POST /uploads (a presigned S3 PUT URL for larger files) and
 * GET /files/{file_id} (a file's processing status), all behind an API key of their own usage
 * plan with a daily quota. Lambda-proxy integrations, one invoke grant per route scoped to its
 * method and path, a stage traced by X-Ray with JSON access logs and throttling, and the log
 * groups API Gateway writes to, with retention.
 *
 * API keys identify and meter callers; API Gateway lets any key in a usage plan of the stage pass
 * every `apiKeyRequired` method. Routes are scoped in the handlers instead: the stage variables
 * name the status key and the upload key, and each handler compares the caller's
 * `requestContext.identity.apiKeyId` with the key of its route, so the status key only reads
 * transactions and the upload key only uploads and reads file status. Each key is held to its own
 * plan's quota and throttle.
 */
export class IngestApi extends pulumi.ComponentResource {
  /** The REST API's (generated) name: API Gateway's CloudWatch metrics are keyed by it. */
  public readonly restApiName: pulumi.Output<string>;
  public readonly stageName: pulumi.Output<string>;
  /** The stage's URLs: its invoke URL and each route's. */
  public readonly urls: pulumi.Output<IngestApiUrls>;
  public readonly apiKeyId: pulumi.Output<string>;
  public readonly uploadApiKeyId: pulumi.Output<string>;

  constructor(name: string, args: IngestApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:ingest:IngestApi", name, {}, opts);

    for (const [nameArgument, arnArgument] of Object.values(routeFunctionArguments)) {
      checkRequired(args, [nameArgument, arnArgument]);
      checkFunction(nameArgument, args[nameArgument], arnArgument, args[arnArgument]);
    }
    const stageName = args.stageName ?? "v1";
    if (typeof stageName === "string" && !stageNamePattern.test(stageName)) {
      throw new Error(`stageName "${stageName}" must be 1–128 letters, digits, '-' or '_'`);
    }
    checkPositive("throttlingRateLimit", args.throttlingRateLimit, false);
    checkPositive("throttlingBurstLimit", args.throttlingBurstLimit, true);
    checkPositive("webhookThrottlingRateLimit", args.webhookThrottlingRateLimit, false);
    checkPositive("webhookThrottlingBurstLimit", args.webhookThrottlingBurstLimit, true);
    checkPositive("statusQuotaPerDay", args.statusQuotaPerDay, true);
    checkPositive("uploadQuotaPerDay", args.uploadQuotaPerDay, true);
    checkPositive("uploadThrottlingRateLimit", args.uploadThrottlingRateLimit, false);
    checkPositive("uploadThrottlingBurstLimit", args.uploadThrottlingBurstLimit, true);
    const retention = args.logRetentionDays ?? 30;
    if (typeof retention === "number" && !allowedLogRetentionDays.includes(retention)) {
      throw new Error(
        `logRetentionDays must be one of ${allowedLogRetentionDays.join(", ")}, got ${retention}`,
      );
    }
    const rateLimit = args.throttlingRateLimit ?? 100;
    const burstLimit = args.throttlingBurstLimit ?? 200;
    const uploadRateLimit = args.uploadThrottlingRateLimit ?? 5;
    const uploadBurstLimit = args.uploadThrottlingBurstLimit ?? 10;

    const invokeOpts = { parent: this };
    const partition = aws.getPartitionOutput({}, invokeOpts).partition;
    const region = aws.getRegionOutput({}, invokeOpts).region;

    // API Gateway needs the account's CloudWatch role before a stage may log anywhere.
    const accountDependencies: pulumi.Resource[] = [];
    if (args.manageAccountLogRole ?? true) {
      const role = new aws.iam.Role(
        `${name}-cloudwatch-role`,
        {
          description: "Lets API Gateway write the region's API access and execution logs",
          assumeRolePolicy: JSON.stringify(serviceAssumeRolePolicy("apigateway.amazonaws.com")),
        },
        { parent: this },
      );
      // The AWS-managed policy, because this role serves every API in the account and region:
      // scoping it to this stack's log groups would silence the others.
      const attachment = new aws.iam.RolePolicyAttachment(
        `${name}-cloudwatch-policy`,
        {
          role: role.name,
          policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
        },
        { parent: this },
      );
      accountDependencies.push(
        new aws.apigateway.Account(
          `${name}-account`,
          { cloudwatchRoleArn: role.arn },
          { parent: this, dependsOn: [attachment] },
        ),
      );
    }

    const api = new aws.apigateway.RestApi(
      `${name}-api`,
      {
        description: `${name}: transaction intake (POST /webhook) and status (GET /transactions/{transactionId})`,
        endpointConfiguration: { types: "REGIONAL" },
        apiKeySource: "HEADER",
        binaryMediaTypes: [...ingestApiBinaryMediaTypes],
      },
      { parent: this },
    );
    const context: RouteContext = { name, api, partition, region };

    const routes = Object.values(ingestApiRoutes) as IngestApiRoute[];

    // One resource per path of the route table, parents before children, each named by its key.
    const pathResources = new Map<string, aws.apigateway.Resource>();
    for (const resourcePath of new Set(routes.flatMap((route) => pathsOf(route.resourcePath)))) {
      const key = ingestApiPaths[resourcePath];
      if (key === undefined) throw new Error(`IngestApi: path ${resourcePath} has no key in ingestApiPaths`);
      const parentPath = resourcePath.slice(0, resourcePath.lastIndexOf("/"));
      // pathsOf lists a path's parents before it, so a parent path is already built.
      const parentResource = pathResources.get(parentPath);
      pathResources.set(
        resourcePath,
        new aws.apigateway.Resource(
          `${name}-${key}`,
          {
            restApi: api.id,
            parentId: parentResource?.id ?? api.rootResourceId,
            pathPart: resourcePath.slice(parentPath.length + 1),
          },
          { parent: this },
        ),
      );
    }

    const routeResources = routes.map((route) => {
      const resource = pathResources.get(route.resourcePath) as aws.apigateway.Resource;
      // What API Gateway checks of a request before invoking the function, and what it cannot
      // (for POST /upload, another content type is not refused here): see uploadRequests.ts.
      const requestValidator =
        route.requiredHeaders === undefined
          ? undefined
          : new aws.apigateway.RequestValidator(
              `${name}-${ingestApiPaths[route.resourcePath]}-validator`,
              { restApi: api.id, ...requestValidatorOf(route.requiredHeaders) },
              { parent: this },
            );
      const [nameArgument, arnArgument] = routeFunctionArguments[route.function as IngestApiFunction];
      return this.addLambdaProxyRoute(context, {
        ...route,
        resource,
        requestParameters: requiredRequestParameters(route),
        requestValidator,
        functionName: args[nameArgument] as pulumi.Input<string>,
        functionArn: args[arnArgument] as pulumi.Input<string>,
        sourceArnPath: invokeGrantPath(route),
      });
    });

    // A deployment is a snapshot: without a trigger that changes with the routes, edits to them
    // would never reach the stage. A changed trigger replaces the deployment, and Pulumi creates
    // the replacement before deleting the old one (the stage moves over in between).
    const deployment = new aws.apigateway.Deployment(
      `${name}-deployment`,
      {
        restApi: api.id,
        description: `${name} routes`,
        triggers: {
          redeployment: pulumi
            .all(routeResources.map((route) => route.fingerprint))
            .apply((fingerprints) => createHash("sha256").update(JSON.stringify(fingerprints)).digest("hex")),
        },
      },
      {
        parent: this,
        dependsOn: routeResources.flatMap((route) => [route.method, route.integration]),
      },
    );

    const accessLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      {
        // A prefix, not a fixed name: dev and prod stacks may share one account.
        namePrefix: `/aws/apigateway/${name}-access-`,
        retentionInDays: retention,
        kmsKeyId: args.logKmsKeyArn,
      },
      { parent: this },
    );
    // API Gateway writes ERROR-level execution logs to this exact name and would create it
    // itself, without retention or encryption, if it did not exist first.
    const executionLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-execution-logs`,
      {
        name: pulumi.interpolate`API-Gateway-Execution-Logs_${api.id}/${stageName}`,
        retentionInDays: retention,
        kmsKeyId: args.logKmsKeyArn,
      },
      { parent: this },
    );

    const apiKey = new aws.apigateway.ApiKey(
      `${name}-status-key`,
      { description: `${name}: reads transaction status (GET /transactions/{transactionId})`, enabled: true },
      { parent: this },
    );
    const uploadApiKey = new aws.apigateway.ApiKey(
      `${name}-upload-key`,
      {
        description: `${name}: back-office CSV uploads (POST /upload, POST /uploads, GET /files/{file_id})`,
        enabled: true,
      },
      { parent: this },
    );
    const stage = new aws.apigateway.Stage(
      `${name}-stage`,
      {
        restApi: api.id,
        deployment: deployment.id,
        stageName,
        xrayTracingEnabled: true,
        accessLogSettings: { destinationArn: accessLogGroup.arn, format: ingestApiAccessLogFormat() },
        // Each key-protected handler admits only the key its route is for (shared/apiKeyScopes.ts).
        variables: {
          [apiKeyStageVariables.status]: apiKey.id,
          [apiKeyStageVariables.upload]: uploadApiKey.id,
        },
      },
      { parent: this, dependsOn: [...accountDependencies, executionLogGroup] },
    );

    // dataTraceEnabled stays false: full request logging would write bodies (card data before
    // validation rejects it) and signature headers to the execution log.
    const methodSettings = (
      key: string,
      methodPath: string,
      limits: { rate: pulumi.Input<number>; burst: pulumi.Input<number> },
      dependsOn: pulumi.Resource[],
    ) =>
      new aws.apigateway.MethodSettings(
        `${name}-${key}`,
        {
          restApi: api.id,
          stageName: stage.stageName,
          methodPath,
          settings: {
            metricsEnabled: true,
            loggingLevel: "ERROR",
            dataTraceEnabled: false,
            throttlingRateLimit: limits.rate,
            throttlingBurstLimit: limits.burst,
          },
        },
        { parent: this, dependsOn },
      );
    const throttles = {
      webhook: {
        rate: args.webhookThrottlingRateLimit ?? rateLimit,
        burst: args.webhookThrottlingBurstLimit ?? burstLimit,
      },
      upload: { rate: uploadRateLimit, burst: uploadBurstLimit },
    };
    // A method override replaces the stage settings for that method, so it repeats them. Each
    // waits for the one before: all patch the same stage, and concurrent patches conflict.
    let previousSettings = methodSettings(
      "all-methods",
      "*/*",
      { rate: rateLimit, burst: burstLimit },
      accountDependencies,
    );
    for (const route of routes) {
      if (route.throttling === undefined) continue;
      previousSettings = methodSettings(
        `${route.key}-settings`,
        methodSettingsPath(route),
        throttles[route.throttling],
        [previousSettings],
      );
    }

    const usagePlan = new aws.apigateway.UsagePlan(
      `${name}-usage-plan`,
      {
        description: `${name}: quota and throttle of API-key callers`,
        apiStages: [{ apiId: api.id, stage: stage.stageName }],
        quotaSettings: { limit: args.statusQuotaPerDay ?? 10_000, period: "DAY" },
        throttleSettings: { rateLimit, burstLimit },
      },
      { parent: this },
    );
    new aws.apigateway.UsagePlanKey(
      `${name}-usage-plan-key`,
      { keyId: apiKey.id, keyType: "API_KEY", usagePlanId: usagePlan.id },
      { parent: this },
    );

    // The back office's key, in a plan of its own: a key may belong to one plan per stage, and a
    // stage to several plans. Its quota counts every request made with the key.
    const uploadUsagePlan = new aws.apigateway.UsagePlan(
      `${name}-upload-usage-plan`,
      {
        description: `${name}: daily quota and throttle of the back-office upload key`,
        apiStages: [{ apiId: api.id, stage: stage.stageName }],
        quotaSettings: { limit: args.uploadQuotaPerDay ?? 1000, period: "DAY" },
        throttleSettings: { rateLimit: uploadRateLimit, burstLimit: uploadBurstLimit },
      },
      // Both plans change the same stage; one at a time, as API Gateway may refuse concurrent changes.
      { parent: this, dependsOn: [usagePlan] },
    );
    new aws.apigateway.UsagePlanKey(
      `${name}-upload-usage-plan-key`,
      { keyId: uploadApiKey.id, keyType: "API_KEY", usagePlanId: uploadUsagePlan.id },
      { parent: this },
    );

    this.restApiName = api.name;
    this.stageName = stage.stageName;
    // The same paths the local API's outputs name (pipeline/routes.ts).
    this.urls = stage.invokeUrl.apply(ingestApiUrls);
    this.apiKeyId = apiKey.id;
    this.uploadApiKeyId = uploadApiKey.id;
    this.registerOutputs({
      restApiName: this.restApiName,
      stageName: this.stageName,
      urls: this.urls,
      apiKeyId: this.apiKeyId,
      uploadApiKeyId: this.uploadApiKeyId,
    });
  }

  /** Adds a method on an existing resource, its Lambda-proxy integration and the invoke grant. */
  private addLambdaProxyRoute(context: RouteContext, route: LambdaProxyRoute): LambdaProxyRouteResources {
    const { name, api, partition, region } = context;
    const method = new aws.apigateway.Method(
      `${name}-${route.key}`,
      {
        restApi: api.id,
        resourceId: route.resource.id,
        httpMethod: route.httpMethod,
        authorization: "NONE",
        apiKeyRequired: route.apiKeyRequired,
        requestParameters: route.requestParameters,
        requestValidatorId: route.requestValidator?.id,
      },
      { parent: this },
    );
    // The function's invoke ARN, built from its ARN so callers need pass only name and ARN.
    const uri = pulumi.interpolate`arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${route.functionArn}/invocations`;
    const integration = new aws.apigateway.Integration(
      `${name}-${route.key}-integration`,
      {
        restApi: api.id,
        resourceId: route.resource.id,
        httpMethod: method.httpMethod,
        type: "AWS_PROXY",
        // Lambda is always invoked with POST, whatever the client's method.
        integrationHttpMethod: "POST",
        uri,
      },
      { parent: this },
    );
    const permission = new aws.lambda.Permission(
      `${name}-${route.key}-permission`,
      {
        function: route.functionName,
        action: "lambda:InvokeFunction",
        principal: "apigateway.amazonaws.com",
        // Any stage of this API, but only this method and path.
        sourceArn: pulumi.interpolate`${api.executionArn}/*/${route.sourceArnPath}`,
      },
      { parent: this },
    );
    const fingerprint = pulumi.output({
      resourcePath: route.resourcePath,
      httpMethod: route.httpMethod,
      authorization: "NONE",
      apiKeyRequired: route.apiKeyRequired,
      requestParameters: route.requestParameters ?? {},
      // A deployment snapshots the validator's settings too. Absent on routes without one, so those
      // routes' fingerprints are what they were before validators.
      requestValidator:
        route.requestValidator === undefined
          ? undefined
          : {
              id: route.requestValidator.id,
              validateRequestParameters: route.requestValidator.validateRequestParameters,
              validateRequestBody: route.requestValidator.validateRequestBody,
            },
      uri,
      resourceId: route.resource.id,
      methodId: method.id,
      integrationId: integration.id,
    });
    return { method, integration, permission, fingerprint };
  }
}
