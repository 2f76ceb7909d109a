/**
 * Pure builders and checks of the EventRouting component: the archive's pattern, the bus-name
 * rules and the IAM documents (the rules themselves are pipeline/lanes.ts). Nothing here
 * creates a resource, so the exact documents are unit-tested without Pulumi mocks.
 */
import type * as pulumi from "@pulumi/pulumi";
import { decisionEventSource, intakeEventSource } from "../../functions/shared/eventRouting";
import type { EventPattern } from "../../pipeline";

/** The archive keeps every event the pipeline itself publishes on the bus, and nothing else. */
export function archiveEventPattern(): EventPattern {
  return { source: [intakeEventSource, decisionEventSource] };
}

const busNamePattern = /^[.\-_A-Za-z0-9]{1,256}$/;

/**
 * Throws, naming `busName`, unless EventBridge accepts it as a custom bus name: 1–256 of
 * `. - _ A-Z a-z 0-9` (so no "/", which only partner buses may use), not the reserved `default`,
 * and not starting with `aws.` (AWS's own namespace, as in partner sources `aws.partner/...`).
 */
export function checkEventBusName(busName: string): void {
  if (!busNamePattern.test(busName)) {
    throw new Error(`busName "${busName}" must be 1–256 characters of letters, digits, ".", "-" and "_"`);
  }
  if (busName === "default") {
    throw new Error(`busName "default" is the account's default event bus; choose a name for this stack`);
  }
  if (busName.toLowerCase().startsWith("aws.")) {
    throw new Error(`busName "${busName}" must not start with "aws."`);
  }
}

/** The JSON shape of a role's trust policy with one conditioned statement. */
export interface ConditionedTrustPolicy {
  readonly Version: "2012-10-17";
  readonly Statement: {
    readonly Effect: "Allow";
    readonly Principal: { readonly Service: string };
    readonly Action: "sts:AssumeRole";
    readonly Condition: { readonly StringEquals: { readonly "aws:SourceAccount": pulumi.Input<string> } };
  }[];
}

/**
 * Trust policy of the targets' role: only EventBridge, and only on behalf of rules in this
 * account (`aws:SourceAccount`), so another account's rule cannot borrow the role.
 */
export function eventBridgeTrustPolicy(accountId: pulumi.Input<string>): ConditionedTrustPolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}

/** One Allow statement on exact resources. */
export interface ExactStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: pulumi.Input<string>[];
}

export interface ExactPolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: ExactStatement[];
}

/** The targets' role may start executions of the one state machine, nothing else. */
export function startExecutionPolicy(stateMachineArn: pulumi.Input<string>): ExactPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "StartPipelineExecutions",
        Effect: "Allow",
        Action: ["states:StartExecution"],
        Resource: [stateMachineArn],
      },
    ],
  };
}
