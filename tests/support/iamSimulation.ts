/**
 * Every AWS call the deployed pipeline makes, as requests for a real IAM evaluator
 * (@cloud-copilot/iam-simulate): each function's declared calls and the calls Lambda makes with
 * its role, the state machine's calls read from its ASL definition, the EventBridge target role,
 * and each AWS service that acts as itself (EventBridge, S3, API Gateway, CloudWatch alarms,
 * CloudWatch Logs) against the resource and key policies it meets. Built from one stack's graph
 * under Pulumi mocks, with the mocks' placeholder ARNs rewritten into the shapes AWS gives
 * (iam-simulate checks each request's ARN against the action's resource types).
 *
 * The request context of each service path is what its documentation says the service sends; the
 * document is cited where the path is built.
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { splitReference } from "../../components/platform/declaredCalls";
import { onFailureDeliverySid } from "../../components/platform/containerFunction";
import type { PipelineResource } from "../../functions/shared/awsCallDeclaration";
import type { MockRecorder, RecordedResource } from "./pulumiMocks";
import { functionAwsCalls, type PipelineFunction } from "../../pipeline";

export const accountId = "123456789012";
export const region = "eu-west-1";

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

/** One request to simulate: who asks for what, under which policies and context. */
export interface SimulatedCall {
  /** Who makes the call and why, e.g. "csv-intake role (TellMissingUploads)". */
  readonly caller: string;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | string[]>>;
  readonly identityPolicy?: PolicyDocument;
  readonly resourcePolicy?: PolicyDocument;
}

export const describeCall = (call: SimulatedCall): string =>
  `${call.caller}: ${call.action} on ${call.resource}`;

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Placeholder ARN → the ARN AWS would give, per resource type the simulation meets. */
function realArn(resource: RecordedResource, stack: string): string | undefined {
  const name = String(resource.state.name ?? resource.name);
  switch (resource.type) {
    case "aws:dynamodb/table:Table":
      return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
    case "aws:cloudwatch/eventRule:EventRule": {
      const bus = resource.inputs.eventBusName;
      return bus === undefined
        ? `arn:aws:events:${region}:${accountId}:rule/${name}`
        : `arn:aws:events:${region}:${accountId}:rule/${String(bus)}/${name}`;
    }
    case "aws:iam/role:Role":
      return `arn:aws:iam::${accountId}:role/${name}`;
    case "aws:sfn/stateMachine:StateMachine":
      return `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
    case "aws:lambda/function:Function":
      return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
    case "aws:kms/key:Key":
      return `arn:aws:kms:${region}:${accountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    case "aws:secretsmanager/secret:Secret":
      return `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-AbCdEf`;
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`;
    default:
      void stack;
      return undefined;
  }
}

/** A stack's graph with realistic ARNs: every document and reference rewritten consistently. */
export class StackGraph {
  private readonly rewrites: [RegExp, string][];

  constructor(
    private readonly recorder: MockRecorder,
    readonly stack: string,
    /** The bus name the program derives from project and stack. */
    readonly eventBusName: string,
  ) {
    const pairs: [string, string][] = [];
    for (const resource of recorder.resources) {
      const placeholder = resource.state.arn;
      const real = realArn(resource, stack);
      if (typeof placeholder === "string" && real !== undefined) pairs.push([placeholder, real]);
    }
    // Longest first, and only whole ARNs (not a prefix of a longer name).
    pairs.sort(([a], [b]) => b.length - a.length);
    this.rewrites = pairs.map(([from, to]) => [
      new RegExp(`${from.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(?![A-Za-z0-9_-])`, "g"),
      to,
    ]);
  }

  /** A text with every placeholder ARN replaced. */
  rewrite(text: string): string {
    return this.rewrites.reduce((current, [pattern, real]) => current.replace(pattern, real), text);
  }

  one(type: string, name: string): RecordedResource {
    return this.recorder.one(type, name);
  }

  ofType(type: string): RecordedResource[] {
    return this.recorder.ofType(type);
  }

  arnOf(type: string, name: string): string {
    return this.rewrite(String(this.one(type, name).state.arn));
  }

  /** A resource's JSON document input (`policy`, `definition`, …), rewritten. */
  documentOf<T>(resource: RecordedResource, property = "policy"): T {
    const value = resource.inputs[property];
    return JSON.parse(this.rewrite(typeof value === "string" ? value : JSON.stringify(value))) as T;
  }
}

/** Where each PipelineResource of the declarations lives in the graph (independent of pipeline.ts). */
export function pipelineResourceArns(graph: StackGraph): Record<PipelineResource, string> {
  const table = (name: string) => graph.arnOf("aws:dynamodb/table:Table", name);
  return {
    transactionsTable: table("data-transactions"),
    archivedTransactionsTable: table("archival-archived-transactions"),
    intakeTable: table("data-intake-records"),
    fileStatusTable: table("uploads-file-status"),
    uploadsBucket: graph.arnOf("aws:s3/bucket:Bucket", "uploads-bucket"),
    archiveBucket: graph.arnOf("aws:s3/bucket:Bucket", "archival-bucket"),
    screeningListsBucket: graph.arnOf("aws:s3/bucket:Bucket", "screening-lists-bucket"),
    eventBus: `arn:aws:events:${region}:${accountId}:event-bus/${graph.eventBusName}`,
    alertsTopic: graph.arnOf("aws:sns/topic:Topic", "data-alerts"),
    deadLetterQueue: graph.arnOf("aws:sqs/queue:Queue", "data-dead-letters"),
    pipelineKey: graph.arnOf("aws:kms/key:Key", "data-key"),
    signingSecret: graph.arnOf("aws:secretsmanager/secret:Secret", "webhook-signing-secret"),
  };
}

const sessionOf = (roleName: string) => `arn:aws:sts::${accountId}:assumed-role/${roleName}/session`;
const secure = { "aws:SecureTransport": "true" };

/** The resource policy a resource meets a request with, if it has one. */
function resourcePolicyFor(graph: StackGraph, arn: string): PolicyDocument | undefined {
  const [, , service] = arn.split(":");
  if (service === "kms") return graph.documentOf(graph.one("aws:kms/key:Key", "data-key"));
  if (service === "s3") {
    const bucketName = arn.slice("arn:aws:s3:::".length).split("/")[0];
    const policy = graph
      .ofType("aws:s3/bucketPolicy:BucketPolicy")
      .find((candidate) => candidate.inputs.bucket === bucketName);
    return policy === undefined ? undefined : graph.documentOf(policy);
  }
  if (service === "sns") {
    const policy = graph
      .ofType("aws:sns/topicPolicy:TopicPolicy")
      .find((candidate) => graph.rewrite(String(candidate.inputs.arn)) === arn);
    return policy === undefined ? undefined : graph.documentOf(policy);
  }
  if (service === "sqs") {
    const policy = graph.ofType("aws:sqs/queuePolicy:QueuePolicy").find((candidate) => {
      const url = String(candidate.inputs.queueUrl);
      return arn.endsWith(`:${url.split("/").pop()}`);
    });
    return policy === undefined ? undefined : graph.documentOf(policy);
  }
  if (service === "lambda") return lambdaResourcePolicy(graph, arn);
  return undefined;
}

/**
 * A function's resource policy as Lambda writes it from AddPermission (Lambda Developer Guide,
 * "Working with resource-based IAM policies in Lambda"): ArnLike on AWS:SourceArn, StringEquals on
 * AWS:SourceAccount.
 */
function lambdaResourcePolicy(graph: StackGraph, functionArn: string): PolicyDocument {
  const functionName = functionArn.split(":").pop();
  const statements = graph
    .ofType("aws:lambda/permission:Permission")
    .filter((permission) => {
      const target = graph.rewrite(String(permission.inputs.function));
      return target === functionArn || target === functionName;
    })
    .map((permission): PolicyStatement => {
      const condition: Record<string, Record<string, unknown>> = {};
      if (permission.inputs.sourceArn !== undefined) {
        condition.ArnLike = { "AWS:SourceArn": graph.rewrite(String(permission.inputs.sourceArn)) };
      }
      if (permission.inputs.sourceAccount !== undefined) {
        condition.StringEquals = { "AWS:SourceAccount": String(permission.inputs.sourceAccount) };
      }
      return {
        Sid: permission.name,
        Effect: "Allow",
        Principal: { Service: String(permission.inputs.principal) },
        Action: String(permission.inputs.action),
        Resource: functionArn,
        ...(Object.keys(condition).length === 0 ? {} : { Condition: condition }),
      };
    });
  return { Version: "2012-10-17", Statement: statements };
}

/** A concrete request resource for a policy resource: `*` becomes one object, key or stream. */
const concrete = (resource: string) => resource.replace(/\*/g, "simulated-object");

/** Context a statement's own conditions ask for, expanded to one context per listed value. */
function contextsFor(condition: PolicyStatement["Condition"]): Record<string, string>[] {
  let contexts: Record<string, string>[] = [{}];
  for (const [operator, block] of Object.entries(condition ?? {})) {
    // A Null guard asks only that the key be present, which the values below make it.
    if (operator === "Null") continue;
    for (const [key, value] of Object.entries(block)) {
      const values = asList(value as string | string[]).map((entry) =>
        operator.startsWith("StringLike") ? entry.replace(/\*/g, "2025-01-01/") : entry,
      );
      contexts = contexts.flatMap((context) => values.map((entry) => ({ ...context, [key]: entry })));
    }
  }
  return contexts;
}

/**
 * The name of a function folder's ContainerFunction in the graph (its role `<name>-role`, policy
 * `<name>-policy`, log group `<name>-logs`), found by the image built from that folder.
 */
export function functionResourceName(graph: StackGraph, folder: PipelineFunction): string {
  const image = graph
    .ofType("docker:index/registryImage:RegistryImage")
    .find(
      (candidate) =>
        (candidate.inputs.build as { buildArgs?: Record<string, string> } | undefined)?.buildArgs
          ?.FUNCTION === folder,
    );
  if (image === undefined) throw new Error(`no image is built from functions/${folder}`);
  return image.name.replace(/-image$/, "");
}

/** Whether the graph's function of that name runs in the VPC (has subnets). */
export function inVpc(graph: StackGraph, name: string): boolean {
  const fn = graph.one("aws:lambda/function:Function", `${name}-function`);
  const vpcConfig = fn.inputs.vpcConfig as { subnetIds?: readonly unknown[] } | undefined;
  return (vpcConfig?.subnetIds?.length ?? 0) > 0;
}

/** Calls of one function: its declared calls, plus what Lambda does with its role. */
export function functionCalls(
  graph: StackGraph,
  folder: PipelineFunction,
  policy?: PolicyDocument,
): SimulatedCall[] {
  const name = functionResourceName(graph, folder);
  const rolePolicy =
    policy ?? graph.documentOf<PolicyDocument>(graph.one("aws:iam/rolePolicy:RolePolicy", `${name}-policy`));
  const principal = sessionOf(`${name}-role`);
  const arns = pipelineResourceArns(graph);
  const calls: SimulatedCall[] = [];
  const push = (sid: string, action: string, resource: string, context: Record<string, string | string[]>) =>
    calls.push({
      caller: `${folder} role (${sid})`,
      principal,
      action,
      resource,
      context: { ...secure, ...context },
      identityPolicy: rolePolicy,
      resourcePolicy: resourcePolicyFor(graph, resource),
    });

  for (const call of functionAwsCalls[folder]) {
    for (const reference of call.resources) {
      const { resource, path } = splitReference(reference);
      const arn = concrete(`${arns[resource]}${path}`);
      for (const action of call.actions) {
        // KMS through a service: the service calls KMS with the caller's credentials and says so
        // in kms:ViaService (AWS KMS Developer Guide, "kms:ViaService").
        const vias: Record<string, string>[] =
          call.via === undefined
            ? [{}]
            : call.via.map((service) => ({
                "kms:ViaService": `${service}.${region}.amazonaws.com`,
                "kms:CallerAccount": accountId,
              }));
        for (const via of vias) {
          for (const context of contextsFor(call.condition))
            push(call.sid, action, arn, { ...via, ...context });
        }
      }
    }
  }

  // Lambda writes the function's logs and traces and manages its VPC interfaces with the role
  // (Lambda Developer Guide, "Defining Lambda function permissions with an execution role").
  const logGroup = graph.rewrite(
    String(
      graph.ofType("aws:cloudwatch/logGroup:LogGroup").find((group) => group.name === `${name}-logs`)?.state
        .arn,
    ),
  );
  for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) {
    push("WriteOwnLogGroup", action, `${logGroup}:log-stream:2025/01/01/[$LATEST]0123abcd`, {});
  }
  for (const action of ["xray:PutTraceSegments", "xray:PutTelemetryRecords"])
    push("SendTraces", action, "*", {});
  // A function outside the VPC has no network interfaces for Lambda to manage.
  if (inVpc(graph, name)) {
    const eni = `arn:aws:ec2:${region}:${accountId}:network-interface/eni-0123456789abcdef0`;
    for (const action of ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]) {
      push("ManageVpcNetworkInterfaces", action, "*", {});
    }
    for (const action of [
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ]) {
      push("ManageVpcNetworkInterfaces", action, eni, {});
    }
  }

  // A failed asynchronous invocation goes to the on-failure queue, sent by Lambda with the role
  // (Lambda Developer Guide, "Adding a destination": the execution role needs sqs:SendMessage),
  // and SQS encrypts it with the key on the role's behalf.
  const invokeConfig = graph
    .ofType("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")
    .find((config) => config.name === `${name}-async`);
  if (invokeConfig !== undefined) {
    const destination = graph.rewrite(
      (invokeConfig.inputs.destinationConfig as { onFailure: { destination: string } }).onFailure.destination,
    );
    push(onFailureDeliverySid, "sqs:SendMessage", destination, {});
    for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
      push(onFailureDeliverySid, action, arns.pipelineKey, {
        "kms:ViaService": `sqs.${region}.amazonaws.com`,
        "kms:CallerAccount": accountId,
      });
    }
  }
  return calls;
}

interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Branches?: { States: Record<string, AslState> }[];
  ItemProcessor?: { States: Record<string, AslState> };
  Iterator?: { States: Record<string, AslState> };
}

/** Every Task state of a definition, nested Parallel branches and Map processors included. */
function taskStates(states: Record<string, AslState>): [string, AslState][] {
  return Object.entries(states).flatMap(([name, state]): [string, AslState][] => [
    ...(state.Type === "Task" ? [[name, state] as [string, AslState]] : []),
    ...(state.Branches ?? []).flatMap((branch) => taskStates(branch.States)),
    ...(state.ItemProcessor ? taskStates(state.ItemProcessor.States) : []),
    ...(state.Iterator ? taskStates(state.Iterator.States) : []),
  ]);
}

/**
 * The state machine's calls, read from the deployed definition: each Task's service integration
 * becomes the IAM action the Step Functions Developer Guide lists for it ("How Step Functions
 * generates IAM policies for integrated services"), plus KMS for the encrypted table, topic and
 * queue, and the log delivery and X-Ray calls of its logging and tracing.
 */
export function stateMachineCalls(graph: StackGraph, policy?: PolicyDocument): SimulatedCall[] {
  const machine = graph.one("aws:sfn/stateMachine:StateMachine", "transactions-machine");
  const definition = graph.documentOf<{ States: Record<string, AslState> }>(machine, "definition");
  const rolePolicy =
    policy ??
    graph.documentOf<PolicyDocument>(graph.one("aws:iam/rolePolicy:RolePolicy", "transactions-policy"));
  const principal = sessionOf("transactions-role");
  const key = graph.arnOf("aws:kms/key:Key", "data-key");
  const calls: SimulatedCall[] = [];
  const push = (state: string, action: string, resource: string, context: Record<string, string> = {}) =>
    calls.push({
      caller: `state machine role (${state})`,
      principal,
      action,
      resource,
      context: { ...secure, ...context },
      identityPolicy: rolePolicy,
      resourcePolicy: resourcePolicyFor(graph, resource),
    });
  const viaKey = (state: string, service: string, actions: string[]) => {
    for (const action of actions) {
      push(state, action, key, {
        "kms:ViaService": `${service}.${region}.amazonaws.com`,
        "kms:CallerAccount": accountId,
      });
    }
  };

  for (const [name, state] of taskStates(definition.States)) {
    const parameters = state.Parameters ?? {};
    const integration = String(state.Resource)
      .replace(/^arn:aws:states:::/, "")
      .replace(/\.(sync|waitForTaskToken)$/, "");
    switch (integration) {
      case "lambda:invoke":
        push(name, "lambda:InvokeFunction", String(parameters.FunctionName));
        break;
      case "dynamodb:updateItem":
      case "dynamodb:getItem":
      case "dynamodb:putItem": {
        const operation = integration.split(":")[1];
        const action = `dynamodb:${operation[0].toUpperCase()}${operation.slice(1)}`;
        push(name, action, `arn:aws:dynamodb:${region}:${accountId}:table/${String(parameters.TableName)}`);
        viaKey(name, "dynamodb", ["kms:Decrypt", "kms:GenerateDataKey"]);
        break;
      }
      case "sns:publish":
        push(name, "sns:Publish", String(parameters.TopicArn));
        viaKey(name, "sns", ["kms:GenerateDataKey", "kms:Decrypt"]);
        break;
      case "sqs:sendMessage": {
        const queueName = String(parameters.QueueUrl).split("/").pop();
        push(name, "sqs:SendMessage", `arn:aws:sqs:${region}:${accountId}:${queueName}`);
        viaKey(name, "sqs", ["kms:GenerateDataKey", "kms:Decrypt"]);
        break;
      }
      case "events:putEvents": {
        for (const entry of parameters.Entries as Record<string, unknown>[]) {
          push(
            name,
            "events:PutEvents",
            `arn:aws:events:${region}:${accountId}:event-bus/${String(entry.EventBusName)}`,
            {
              "events:source": String(entry.Source),
              "events:detail-type": String(entry.DetailType),
            },
          );
        }
        break;
      }
      default:
        throw new Error(
          `state ${name} uses ${String(state.Resource)}, which the simulation cannot map to IAM actions yet`,
        );
    }
  }
  // Logging to CloudWatch Logs and X-Ray tracing (Step Functions Developer Guide, "IAM policies
  // for logging to CloudWatch Logs" and "X-Ray"): none of these take a resource.
  for (const action of [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
  ]) {
    push("logging and tracing", action, "*");
  }
  return calls;
}

/** A rule's targets: what each service principal path starts from. */
function targets(graph: StackGraph) {
  return graph.ofType("aws:cloudwatch/eventTarget:EventTarget").map((target) => {
    const busName = target.inputs.eventBusName === undefined ? undefined : String(target.inputs.eventBusName);
    const rule = graph
      .ofType("aws:cloudwatch/eventRule:EventRule")
      .find(
        (candidate) =>
          candidate.state.name === target.inputs.rule &&
          candidate.inputs.eventBusName === target.inputs.eventBusName,
      );
    if (rule === undefined) throw new Error(`no rule for target ${target.name}`);
    return {
      target,
      busName,
      ruleArn: graph.arnOf("aws:cloudwatch/eventRule:EventRule", rule.name),
      arn: graph.rewrite(String(target.inputs.arn)),
      roleArn: target.inputs.roleArn === undefined ? undefined : graph.rewrite(String(target.inputs.roleArn)),
      deadLetterArn:
        target.inputs.deadLetterConfig === undefined
          ? undefined
          : graph.rewrite(String((target.inputs.deadLetterConfig as { arn: string }).arn)),
    };
  });
}

/** The encryption context key CloudWatch Logs puts on every KMS request for a log group. */
export const logsEncryptionContextKey = "kms:EncryptionContext:aws:logs:arn";

/** A document with one condition key renamed wherever it appears. */
function renameConditionKey(document: PolicyDocument, from: string, to: string): PolicyDocument {
  return {
    ...document,
    Statement: document.Statement.map((statement) =>
      statement.Condition === undefined
        ? statement
        : {
            ...statement,
            Condition: Object.fromEntries(
              Object.entries(statement.Condition).map(([operator, block]) => [
                operator,
                Object.fromEntries(
                  Object.entries(block).map(([key, value]) => [key === from ? to : key, value]),
                ),
              ]),
            ),
          },
    ),
  };
}

/** Calls AWS services make as themselves, and EventBridge's calls with the target role. */
export function servicePrincipalCalls(graph: StackGraph, keyPolicy?: PolicyDocument): SimulatedCall[] {
  const key = graph.arnOf("aws:kms/key:Key", "data-key");
  const keyDocument = keyPolicy ?? graph.documentOf<PolicyDocument>(graph.one("aws:kms/key:Key", "data-key"));
  const calls: SimulatedCall[] = [];
  const asService = (
    caller: string,
    service: string,
    action: string,
    resource: string,
    context: Record<string, string>,
  ) =>
    calls.push({
      caller,
      principal: service,
      action,
      resource,
      context,
      resourcePolicy: resource === key ? keyDocument : resourcePolicyFor(graph, resource),
    });

  for (const { target, ruleArn, arn, roleArn, deadLetterArn } of targets(graph)) {
    const caller = `EventBridge (${target.name})`;
    // EventBridge sends aws:SourceArn (the rule) and aws:SourceAccount to resource policies of
    // its targets (EventBridge User Guide, "Using resource-based policies for Amazon EventBridge").
    const source = { "aws:SourceArn": ruleArn, "aws:SourceAccount": accountId, ...secure };
    const service = arn.split(":")[2];
    if (roleArn !== undefined) {
      // A target reached with a role: EventBridge assumes it (trust policy), then calls with it
      // (EventBridge User Guide, "Permissions for targets"; the StartExecution role).
      const roleName = roleArn.split("/").pop() ?? "";
      const role = graph.one("aws:iam/role:Role", roleName);
      asService(caller, "events.amazonaws.com", "sts:AssumeRole", roleArn, source);
      calls[calls.length - 1] = {
        ...calls[calls.length - 1],
        resourcePolicy: graph.documentOf(role, "assumeRolePolicy"),
      };
      const rolePolicy = graph
        .ofType("aws:iam/rolePolicy:RolePolicy")
        .find((policy) => graph.rewrite(String(policy.inputs.role)) === `${roleName}-id`);
      if (service !== "states")
        throw new Error(`target ${target.name}: no IAM action known for ${service} targets with a role`);
      calls.push({
        caller: `EventBridge target role (${target.name})`,
        principal: sessionOf(roleName),
        action: "states:StartExecution",
        resource: arn,
        context: secure,
        identityPolicy: rolePolicy === undefined ? undefined : graph.documentOf(rolePolicy),
      });
    } else if (service === "sns") {
      asService(caller, "events.amazonaws.com", "sns:Publish", arn, source);
      // To an encrypted topic EventBridge uses the key as itself and sends none of aws:SourceAccount,
      // aws:SourceArn, aws:SourceOrgID (SNS Developer Guide, "Key management", compatibility).
      for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
        asService(`${caller} → encrypted topic`, "events.amazonaws.com", action, key, {});
      }
    } else if (service === "lambda") {
      asService(caller, "events.amazonaws.com", "lambda:InvokeFunction", arn, source);
    } else {
      throw new Error(`target ${target.name}: no simulation for ${service} targets`);
    }
    if (deadLetterArn !== undefined) {
      // Dead-letter delivery (EventBridge User Guide, "Using dead-letter queues"): the queue policy
      // is matched on aws:SourceArn of the rule; an encrypted queue needs the key for EventBridge.
      asService(
        `${caller} → dead-letter queue`,
        "events.amazonaws.com",
        "sqs:SendMessage",
        deadLetterArn,
        source,
      );
      for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
        asService(`${caller} → encrypted dead-letter queue`, "events.amazonaws.com", action, key, {
          "aws:SourceArn": ruleArn,
          "aws:SourceAccount": accountId,
        });
      }
    }
  }

  for (const permission of graph.ofType("aws:lambda/permission:Permission")) {
    const principal = String(permission.inputs.principal);
    const functionTarget = graph.rewrite(String(permission.inputs.function));
    const functionArn = functionTarget.startsWith("arn:")
      ? functionTarget
      : `arn:aws:lambda:${region}:${accountId}:function:${functionTarget}`;
    const sourceArn = graph.rewrite(String(permission.inputs.sourceArn));
    if (principal === "s3.amazonaws.com") {
      // S3 event notifications send the bucket as aws:SourceArn and its owner as aws:SourceAccount
      // (S3 User Guide, "Granting permissions to invoke an AWS Lambda function").
      asService(`S3 (${permission.name})`, principal, "lambda:InvokeFunction", functionArn, {
        "aws:SourceArn": sourceArn,
        "aws:SourceAccount": accountId,
      });
    } else if (principal === "apigateway.amazonaws.com") {
      // API Gateway sends the method's execute-api ARN, stage and path filled in (API Gateway
      // Developer Guide, "Control access to a REST API with IAM permissions", Lambda integrations).
      const stage = String(graph.ofType("aws:apigateway/stage:Stage")[0]?.inputs.stageName ?? "v1");
      const request = sourceArn.replace("/*/", `/${stage}/`).replace(/\/\*$/, "/simulated-id");
      asService(`API Gateway (${permission.name})`, principal, "lambda:InvokeFunction", functionArn, {
        "aws:SourceArn": request,
        "aws:SourceAccount": accountId,
      });
    }
  }

  // Alarm actions: CloudWatch publishes as cloudwatch.amazonaws.com with the alarm as
  // aws:SourceArn and its account as aws:SourceAccount (CloudWatch User Guide, "Confused deputy
  // prevention" for alarm actions), and uses the topic's key as itself.
  for (const alarm of graph.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")) {
    const alarmArn = graph.arnOf("aws:cloudwatch/metricAlarm:MetricAlarm", alarm.name);
    const source = { "aws:SourceArn": alarmArn, "aws:SourceAccount": accountId };
    for (const topic of new Set([
      ...asList(alarm.inputs.alarmActions as string[]),
      ...asList(alarm.inputs.okActions as string[]),
    ])) {
      asService(
        `CloudWatch alarm ${alarm.name}`,
        "cloudwatch.amazonaws.com",
        "sns:Publish",
        graph.rewrite(topic),
        {
          ...source,
          ...secure,
        },
      );
    }
    for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
      asService(
        `CloudWatch alarm ${alarm.name} → encrypted topic`,
        "cloudwatch.amazonaws.com",
        action,
        key,
        source,
      );
    }
  }

  // Encrypted log groups: CloudWatch Logs uses the key as its regional principal with the log
  // group's ARN in the encryption context (CloudWatch Logs User Guide, "Encrypt log data in
  // CloudWatch Logs using AWS KMS").
  //
  // iam-simulate recognises a variable condition key only after a "/" (aws:ResourceTag/x), not
  // after kms:EncryptionContext:'s ":", and would ignore this one. So the key policy's
  // encryption-context condition is evaluated under the global key aws:SourceArn (same ArnLike
  // operator, same pattern, same value): a rename of the key only, in policy and request alike.
  const logsPrincipal = `logs.${region}.amazonaws.com`;
  const logsKeyPolicy = renameConditionKey(keyDocument, logsEncryptionContextKey, "aws:SourceArn");
  for (const group of graph.ofType("aws:cloudwatch/logGroup:LogGroup")) {
    if (group.inputs.kmsKeyId === undefined) continue;
    const context = { "aws:SourceArn": graph.rewrite(String(group.state.arn)) };
    for (const action of [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:GenerateDataKey",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
      "kms:DescribeKey",
    ]) {
      calls.push({
        caller: `CloudWatch Logs (${group.name}, ${logsEncryptionContextKey} as aws:SourceArn)`,
        principal: logsPrincipal,
        action,
        resource: key,
        context,
        resourcePolicy: logsKeyPolicy,
      });
    }
  }
  return calls;
}

export interface SimulationOutcome {
  readonly call: SimulatedCall;
  readonly result: string;
  readonly ignoredContextKeys: readonly string[];
}

/** Runs one call through iam-simulate: "Allowed", "ImplicitlyDenied", … or the validation error. */
export async function simulate(call: SimulatedCall): Promise<SimulationOutcome> {
  const simulation: Simulation = {
    request: {
      principal: call.principal,
      action: call.action,
      resource: { resource: call.resource, accountId },
      contextVariables: { ...call.context },
    },
    identityPolicies:
      call.identityPolicy === undefined ? [] : [{ name: "role-policy", policy: call.identityPolicy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(call.resourcePolicy === undefined ? {} : { resourcePolicy: call.resourcePolicy }),
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === "error") {
    return {
      call,
      result: `error: ${response.errors.message} ${JSON.stringify(response.errors)}`,
      ignoredContextKeys: [],
    };
  }
  const ignored = response.resultType === "single" ? (response.result.ignoredContextKeys ?? []) : [];
  return { call, result: response.overallResult, ignoredContextKeys: ignored };
}

/** Every call of a stack: functions, state machine, target role and service principals. */
export function allCalls(graph: StackGraph): SimulatedCall[] {
  return [
    ...(Object.keys(functionAwsCalls) as PipelineFunction[]).flatMap((folder) =>
      functionCalls(graph, folder),
    ),
    ...stateMachineCalls(graph),
    ...servicePrincipalCalls(graph),
  ];
}

/** Each policy document the stack deploys that the simulation reads. */
export function deployedDocuments(graph: StackGraph): PolicyDocument[] {
  const documents: PolicyDocument[] = [
    ...graph
      .ofType("aws:iam/rolePolicy:RolePolicy")
      .map((policy) => graph.documentOf<PolicyDocument>(policy)),
    ...graph
      .ofType("aws:iam/role:Role")
      .map((role) => graph.documentOf<PolicyDocument>(role, "assumeRolePolicy")),
    graph.documentOf<PolicyDocument>(graph.one("aws:kms/key:Key", "data-key")),
    ...graph
      .ofType("aws:sns/topicPolicy:TopicPolicy")
      .map((policy) => graph.documentOf<PolicyDocument>(policy)),
    ...graph
      .ofType("aws:sqs/queuePolicy:QueuePolicy")
      .map((policy) => graph.documentOf<PolicyDocument>(policy)),
    ...graph
      .ofType("aws:s3/bucketPolicy:BucketPolicy")
      .map((policy) => graph.documentOf<PolicyDocument>(policy)),
  ];
  return documents;
}

export { asList };
