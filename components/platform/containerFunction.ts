import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { checkInteger } from "./argumentChecks";
import { allowedLogRetentionDays } from "./logRetention";
import {
  lambdaBaseStatementSids,
  lambdaBaseStatements,
  policyDocument,
  serviceAssumeRolePolicy,
  validatePolicyStatements,
  type PolicyStatementSpec,
} from "./iamPolicy";

/** The repository root: the Docker build context holding package.json and functions/. */
export const repositoryRoot = path.resolve(__dirname, "../..");

/** Build platform and Lambda architecture, kept in lockstep. */
export const imagePlatform = "linux/arm64";
export const lambdaArchitecture = "arm64";

export type LambdaLogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";

/** Variables Lambda sets itself and refuses in a function's configuration. */
const reservedEnvironmentNames = new Set([
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_DEFAULT_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_LAMBDA_RUNTIME_API",
  "AWS_REGION",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "LAMBDA_RUNTIME_DIR",
  "LAMBDA_TASK_ROOT",
]);

/** Arguments of {@link ContainerFunction}. */
export interface ContainerFunctionArgs {
  /** Folder under `functions/` whose `index.ts` exports `handler` (e.g. "validation"). Required. */
  readonly functionDirectory: string;
  /** Docker build context holding package.json and functions/. Default: the repository root. */
  readonly buildContext?: string;
  /** Memory in MB, 128–10240. Default 1024. */
  readonly memorySize?: pulumi.Input<number>;
  /** Timeout in seconds, 1–900. Default 30. */
  readonly timeout?: pulumi.Input<number>;
  /** Reserved concurrent executions (0 stops the function). Default none: the account's shared pool. */
  readonly reservedConcurrency?: pulumi.Input<number>;
  /** Days the function's log group keeps events, a value CloudWatch accepts. Default 30. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** KMS key ARN encrypting the log group. Default none (CloudWatch's own encryption). */
  readonly logKmsKeyArn?: pulumi.Input<string>;
  /** Level of the handler's JSON logs that Lambda keeps. Default "INFO". */
  readonly logLevel?: pulumi.Input<LambdaLogLevel>;
  /** Environment variables (names from functions/shared/environmentNames.ts). Default none. */
  readonly environment?: Readonly<Record<string, pulumi.Input<string>>>;
  /** IAM statements beyond logs, X-Ray and VPC networking, which every function gets. Default none. */
  readonly policyStatements?: readonly PolicyStatementSpec[];
  /**
   * Subnets the function runs in. Required unless `outsideVpc`: only a function that must reach
   * the internet (the VPC has no route out) runs outside it.
   */
  readonly subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Security groups of the function's network interfaces. Required unless `outsideVpc`. */
  readonly securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Run outside the VPC, with Lambda's own internet access and no network interfaces. Default false. */
  readonly outsideVpc?: boolean;
  /** Images the ECR lifecycle policy keeps (older ones expire), 1–1000. Default 10. */
  readonly imagesToKeep?: pulumi.Input<number>;
  /**
   * SQS queue ARN that gets each asynchronous invocation still failing after Lambda's two retries
   * (the role is granted sqs:SendMessage on it). Default none: such an event is discarded, so set
   * it for every function an S3 notification, a bus rule or a schedule invokes.
   */
  readonly onFailureDestinationArn?: pulumi.Input<string>;
  /** Buildx builder the image is built with (a docker-container builder). Default "pipeline-builder". */
  readonly imageBuilder?: string;
}

/**
 * Where a function's image is built from and how its log group and image repository are kept: a
 * component that builds its own ContainerFunction takes these from its caller and passes them on.
 */
export type FunctionUpkeepArgs = Pick<
  ContainerFunctionArgs,
  "buildContext" | "logRetentionDays" | "logKmsKeyArn" | "imagesToKeep"
>;

/**
 * The Buildx builder images are built with. A docker-container builder honours `provenance` and
 * `sbom` and targets arm64 through QEMU: `docker buildx create --name pipeline-builder --driver
 * docker-container --bootstrap` (README: First deploy).
 */
export const defaultImageBuilder = "pipeline-builder";

/** Sid of the statement that lets Lambda deliver a failed asynchronous invocation with the role. */
export const onFailureDeliverySid = "DeliverFailedInvocations";

/**
 * One Lambda function from a container image: ECR repository with a lifecycle policy, the image
 * built for arm64 from functions/Dockerfile and deployed by digest, its own log group, and a
 * role with one inline least-privilege policy. Its alarms (error rate, throttles) belong to the
 * Monitoring component, which watches every function against the same thresholds.
 */
export class ContainerFunction extends pulumi.ComponentResource {
  public readonly functionName: pulumi.Output<string>;
  public readonly functionArn: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;
  /** `<repository>@sha256:...`, the exact image the function runs. */
  public readonly imageDigest: pulumi.Output<string>;

  constructor(name: string, args: ContainerFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:compute:ContainerFunction", name, {}, opts);

    // ECR repository names are lowercase, and autonamed children (`${name}-function-1a2b3c4`)
    // must stay within Lambda's and IAM's 64 characters.
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name) || name.length > 40) {
      throw new Error(
        `name "${name}" must be lowercase letters, digits and single dashes, at most 40 characters`,
      );
    }
    const outsideVpc = args.outsideVpc ?? false;
    const memorySize = args.memorySize ?? 1024;
    if (outsideVpc && (args.subnetIds !== undefined || args.securityGroupIds !== undefined)) {
      throw new Error("subnetIds and securityGroupIds must be left out when outsideVpc is true");
    }
    if (!outsideVpc && (args.subnetIds === undefined || args.securityGroupIds === undefined)) {
      throw new Error("subnetIds and securityGroupIds are required (or set outsideVpc)");
    }
    const buildContext = args.buildContext ?? repositoryRoot;
    const directory = args.functionDirectory;
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(directory) || directory === "shared") {
      throw new Error(
        `functionDirectory "${directory}" must be a function folder name under functions/ (not shared)`,
      );
    }
    if (!fs.existsSync(path.join(buildContext, "functions", directory))) {
      throw new Error(
        `functionDirectory "${directory}" does not exist under ${path.join(buildContext, "functions")}`,
      );
    }
    const integerArguments = [
      ["memorySize", args.memorySize, 128, 10240],
      ["timeout", args.timeout, 1, 900],
      ["reservedConcurrency", args.reservedConcurrency, 0, 1_000_000],
      ["imagesToKeep", args.imagesToKeep, 1, 1000],
    ] as const;
    for (const [argument, value, min, max] of integerArguments) {
      // Inputs that are still Outputs are checked by AWS at deploy time instead.
      if (typeof value === "number") checkInteger(argument, value, min, max);
    }
    const retention = args.logRetentionDays;
    if (
      typeof retention === "number" &&
      !(allowedLogRetentionDays as readonly number[]).includes(retention)
    ) {
      throw new Error(
        `logRetentionDays must be one of ${allowedLogRetentionDays.join(", ")}, got ${retention}`,
      );
    }
    for (const variable of Object.keys(args.environment ?? {})) {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(variable) || reservedEnvironmentNames.has(variable)) {
        throw new Error(`environment variable "${variable}" is not a name Lambda accepts`);
      }
    }
    const callerStatements = args.policyStatements ?? [];
    validatePolicyStatements(callerStatements, "policyStatements", [
      ...lambdaBaseStatementSids,
      onFailureDeliverySid,
    ]);
    const onFailure = args.onFailureDestinationArn;
    const deliveryStatements: PolicyStatementSpec[] =
      onFailure === undefined
        ? []
        : [{ sid: onFailureDeliverySid, actions: ["sqs:SendMessage"], resources: [onFailure] }];

    const repository = new aws.ecr.Repository(
      `${name}-repo`,
      {
        imageScanningConfiguration: { scanOnPush: true },
        // The tag is only a push handle; the function pins the digest, so re-pointing the tag
        // on each build changes nothing that runs, and old digests stay until the lifecycle
        // policy expires them.
        imageTagMutability: "MUTABLE",
        forceDelete: false,
      },
      { parent: this },
    );
    new aws.ecr.LifecyclePolicy(
      `${name}-repo-lifecycle`,
      {
        repository: repository.name,
        policy: pulumi.jsonStringify({
          rules: [
            {
              rulePriority: 1,
              description: "Keep only the most recent images",
              selection: {
                tagStatus: "any",
                countType: "imageCountMoreThan",
                countNumber: pulumi.output(args.imagesToKeep ?? 10),
              },
              action: { type: "expire" },
            },
          ],
        }),
      },
      { parent: this },
    );

    const credentials = aws.ecr.getAuthorizationTokenOutput(
      { registryId: repository.registryId },
      { parent: this },
    );
    // RegistryImage builds through the named Buildx builder and pushes in the same update, with
    // provenance and SBOM attestations off: with them Buildx pushes an OCI index, which Lambda
    // rejects ("image manifest … media type is not supported"). README: "Container images".
    const image = new docker.RegistryImage(
      `${name}-image`,
      {
        name: pulumi.interpolate`${repository.repositoryUrl}:${directory}`,
        build: {
          context: buildContext,
          dockerfile: path.join("functions", "Dockerfile"),
          platform: imagePlatform,
          builder: args.imageBuilder ?? defaultImageBuilder,
          provenance: "false",
          sbom: "false",
          // The memory size too: the image's V8 code cache is made under the heap flags Lambda's
          // bootstrap derives from it, the only flags V8 accepts it under (functions/Dockerfile).
          buildArgs: { FUNCTION: directory, MEMORY_SIZE: pulumi.output(memorySize).apply(String) },
        },
        authConfig: {
          // The registry host the image name starts with (the token's endpoint is a URL).
          address: credentials.proxyEndpoint.apply((endpoint) => endpoint.replace(/^https:\/\//, "")),
          username: credentials.userName,
          password: pulumi.secret(credentials.password),
        },
        // Old digests stay until the repository's lifecycle policy expires them: a rollback
        // (or a function not yet updated) may still run one.
        keepRemotely: true,
      },
      { parent: this },
    );
    // The digest, never the tag: Lambda resolves a tag once and would keep running the old image
    // after the tag moves.
    const imageDigest = pulumi.interpolate`${repository.repositoryUrl}@${image.sha256Digest}`;

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        namePrefix: `/aws/lambda/${name}-`,
        retentionInDays: retention ?? 30,
        kmsKeyId: args.logKmsKeyArn,
      },
      { parent: this },
    );

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Execution role of the ${name} function`,
        assumeRolePolicy: JSON.stringify(serviceAssumeRolePolicy("lambda.amazonaws.com")),
      },
      { parent: this },
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify(
          pulumi.output(
            policyDocument([
              ...lambdaBaseStatements(logGroup.arn).filter(
                // Network interfaces are for functions in the VPC only.
                (statement) => !(outsideVpc && statement.sid === "ManageVpcNetworkInterfaces"),
              ),
              ...callerStatements,
              ...deliveryStatements,
            ]),
          ),
        ),
      },
      { parent: this },
    );

    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        packageType: "Image",
        imageUri: imageDigest,
        architectures: [lambdaArchitecture],
        role: role.arn,
        memorySize,
        timeout: args.timeout ?? 30,
        reservedConcurrentExecutions: args.reservedConcurrency,
        tracingConfig: { mode: "Active" },
        loggingConfig: {
          logFormat: "JSON",
          logGroup: logGroup.name,
          applicationLogLevel: args.logLevel ?? "INFO",
          systemLogLevel: "WARN",
        },
        ...(outsideVpc
          ? {}
          : {
              vpcConfig: { subnetIds: args.subnetIds ?? [], securityGroupIds: args.securityGroupIds ?? [] },
            }),
        // No --enable-source-maps: it costs about a sixth of each cold start (PERFORMANCE.md,
        // "Function bundles"). The source map ships beside the bundle; `npm run map-stack` maps a
        // logged stack trace with it, and a caller may still set NODE_OPTIONS.
        ...(args.environment === undefined ? {} : { environment: { variables: { ...args.environment } } }),
      },
      // Lambda checks the role's ENI permissions when it creates a VPC function, and the log
      // group must exist with its retention before the first invocation logs into it.
      { parent: this, dependsOn: [logGroup, rolePolicy] },
    );

    if (onFailure !== undefined) {
      // Lambda checks the role may send to the destination when the configuration is saved.
      new aws.lambda.FunctionEventInvokeConfig(
        `${name}-async`,
        {
          functionName: fn.name,
          maximumRetryAttempts: 2,
          destinationConfig: { onFailure: { destination: onFailure } },
        },
        { parent: this, dependsOn: [rolePolicy] },
      );
    }

    this.functionName = fn.name;
    this.functionArn = fn.arn;
    this.roleArn = role.arn;
    this.imageDigest = imageDigest;
    this.registerOutputs({
      functionName: this.functionName,
      functionArn: this.functionArn,
      roleArn: this.roleArn,
      imageDigest: this.imageDigest,
    });
  }
}
