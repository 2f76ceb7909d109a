/**
 * Pure builders and checks for the IAM documents of the pipeline's Lambda functions. Nothing here
 * creates a resource, so the rules are unit-tested without Pulumi mocks.
 */
import * as pulumi from "@pulumi/pulumi";

/** An IAM condition block: `{ operator: { key: value } }`. */
export type PolicyCondition = Readonly<
  Record<string, Readonly<Record<string, pulumi.Input<string | readonly string[]>>>>
>;

/** One Allow statement a function needs. */
export interface PolicyStatementSpec {
  /** Statement id, letters and digits only. Default: none. */
  readonly sid?: string;
  /** Exact actions (`service:Action`). Wildcards are rejected. */
  readonly actions: readonly string[];
  /** Resource ARNs. `"*"` only when every action is in `actionsAllowedOnAnyResource`. */
  readonly resources: readonly pulumi.Input<string>[];
  /** Condition block (e.g. `kms:ViaService`). Default: none. */
  readonly condition?: PolicyCondition;
}

/** The JSON shape of one statement in a policy document. */
export interface PolicyStatementDocument {
  readonly Sid?: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: pulumi.Input<string>[];
  readonly Condition?: PolicyCondition;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatementDocument[];
}

/** X-Ray has no resource types. */
const traceActions = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"];

/**
 * What Lambda needs to attach a VPC function's network interfaces (as in the AWS-managed
 * AWSLambdaVPCAccessExecutionRole, minus its logs:* on every log group).
 */
const vpcNetworkInterfaceActions = [
  "ec2:CreateNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSubnets",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
];

/**
 * Actions that AWS only authorizes on `Resource: "*"` (they have no resource-level permissions,
 * or Lambda calls them before the resources exist). This is the ONLY place a wildcard resource is
 * allowed; anything else must name its ARNs.
 */
export const actionsAllowedOnAnyResource: ReadonlySet<string> = new Set([
  ...traceActions,
  ...vpcNetworkInterfaceActions,
]);

const actionPattern = /^[a-z0-9-]+:[A-Za-z0-9]+$/;
const sidPattern = /^[A-Za-z0-9]+$/;

/**
 * Throws when a statement asks for more than it names: wildcard or malformed actions, `"*"`
 * resources for actions outside the allow-list, resources that are not ARNs, bad or duplicate
 * sids, or a sid in `reservedSids`. Resources that are still Outputs cannot be inspected and
 * are taken as ARNs.
 * `argumentName` is used in the messages (e.g. "policyStatements").
 */
export function validatePolicyStatements(
  statements: readonly PolicyStatementSpec[],
  argumentName: string,
  reservedSids: readonly string[] = [],
): void {
  const sids = new Set<string>();
  statements.forEach((statement, index) => {
    const where = `${argumentName}[${index}]`;
    if (statement.sid !== undefined) {
      if (!sidPattern.test(statement.sid)) {
        throw new Error(`${where}.sid "${statement.sid}" must contain only letters and digits`);
      }
      if (reservedSids.includes(statement.sid)) {
        throw new Error(`${where}.sid "${statement.sid}" is reserved for a statement every function gets`);
      }
      if (sids.has(statement.sid)) throw new Error(`${where}.sid "${statement.sid}" is used twice`);
      sids.add(statement.sid);
    }
    if (statement.actions.length === 0) throw new Error(`${where}.actions must name at least one action`);
    statement.actions.forEach((action, actionIndex) => {
      if (action.includes("*")) {
        throw new Error(
          `${where}.actions[${actionIndex}] "${action}" is a wildcard; list the exact actions the function needs`,
        );
      }
      if (!actionPattern.test(action)) {
        throw new Error(`${where}.actions[${actionIndex}] "${action}" is not of the form service:Action`);
      }
    });
    if (statement.resources.length === 0)
      throw new Error(`${where}.resources must name at least one resource`);
    statement.resources.forEach((resource, resourceIndex) => {
      if (typeof resource !== "string") return;
      if (resource === "*") {
        const scoped = statement.actions.filter((action) => !actionsAllowedOnAnyResource.has(action));
        if (scoped.length > 0) {
          throw new Error(
            `${where}.resources[${resourceIndex}] is "*" but ${scoped.join(", ")} must be granted on specific ARNs`,
          );
        }
      } else if (!resource.startsWith("arn:")) {
        throw new Error(`${where}.resources[${resourceIndex}] "${resource}" is not an ARN (or "*")`);
      }
    });
  });
}

/** Sids of {@link lambdaBaseStatements}, which callers' statements may not reuse. */
export const lambdaBaseStatementSids = [
  "WriteOwnLogGroup",
  "SendTraces",
  "ManageVpcNetworkInterfaces",
] as const;

/**
 * The statements every pipeline function needs, whatever it does: write to its own log group,
 * send X-Ray traces, and manage the network interfaces of a VPC function. Explicit statements
 * instead of the managed AWSLambdaBasicExecutionRole/AWSLambdaVPCAccessExecutionRole because
 * those grant logs:CreateLogGroup and logs:PutLogEvents on every log group in the account.
 */
export function lambdaBaseStatements(logGroupArn: pulumi.Input<string>): PolicyStatementSpec[] {
  return [
    {
      sid: "WriteOwnLogGroup",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      // The provider's log group ARN has no ":*"; the streams live under it.
      resources: [pulumi.interpolate`${logGroupArn}:*`],
    },
    {
      sid: "SendTraces",
      actions: [...traceActions],
      resources: ["*"],
    },
    {
      sid: "ManageVpcNetworkInterfaces",
      actions: [...vpcNetworkInterfaceActions],
      resources: ["*"],
    },
  ];
}

/** A policy document of Allow statements, in the order given. Validate the statements first. */
export function policyDocument(statements: readonly PolicyStatementSpec[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: statements.map((statement) => ({
      ...(statement.sid === undefined ? {} : { Sid: statement.sid }),
      Effect: "Allow",
      Action: [...statement.actions],
      Resource: [...statement.resources],
      ...(statement.condition === undefined ? {} : { Condition: statement.condition }),
    })),
  };
}

/** The JSON shape of a role's trust policy. */
export interface TrustPolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: {
    readonly Effect: "Allow";
    readonly Principal: { readonly Service: string };
    readonly Action: string[];
  }[];
}

/** Trust policy letting one AWS service (e.g. "lambda.amazonaws.com") assume a role. */
export function serviceAssumeRolePolicy(servicePrincipal: string): TrustPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: servicePrincipal }, Action: ["sts:AssumeRole"] }],
  };
}
