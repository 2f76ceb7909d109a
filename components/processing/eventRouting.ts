import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AmountLane } from "../../functions/shared/stepContracts";
import {
  amountLanes,
  checkAmountLaneThresholds,
  defaultAmountLaneThresholds,
  laneRules,
  type AmountLaneThresholds,
  type LaneRule,
  type RoutingTargetKey,
} from "../../pipeline";
import { checkInteger } from "../platform/argumentChecks";
import {
  deadLetterRetentionSeconds as maximumDeadLetterRetentionSeconds,
  ruleDeadLetterQueue,
} from "../platform/deadLetterQueues";
import {
  archiveEventPattern,
  checkEventBusName,
  eventBridgeTrustPolicy,
  startExecutionPolicy,
} from "./eventRoutingPolicies";

/** Arguments of {@link EventRouting}. */
export interface EventRoutingArgs {
  /** Bus name, unique per account and region, e.g. "<project>-<stack>"; never renamed once deployed. Required. */
  readonly busName: string;
  /** ARN of the EXPRESS state machine every lane starts. Required. */
  readonly stateMachineArn: pulumi.Input<string>;
  /** ARN of the SNS topic that gets the immediate high-value alert. Required. */
  readonly alertsTopicArn: pulumi.Input<string>;
  /** ARN of the customer-managed KMS key encrypting the targets' dead-letter queues. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** US-dollar lane boundaries of `detail.amountUsd`. Default defaultAmountLaneThresholds (10,000 / 1,000). */
  readonly laneThresholds?: AmountLaneThresholds;
  /** Days the archive keeps events for replay; 0 keeps them indefinitely. Default 30. */
  readonly archiveRetentionDays?: number;
  /** Retries of each target before its event goes to the target's dead-letter queue, 0–185. Default 185. */
  readonly maximumRetryAttempts?: number;
  /** Seconds each target keeps retrying an event, 60–86400. Default 86400 (24 h). */
  readonly maximumEventAgeSeconds?: number;
  /** Seconds the targets' dead-letter queues keep an event, 60–1209600. Default 1209600 (14 days, the SQS maximum). */
  readonly deadLetterRetentionSeconds?: number;
}

/**
 * Longest component name whose autonamed children fit AWS's limits: the archive name
 * (`<name>-archive-<7 hex>`) may not exceed 48 characters.
 */
const maximumNameLength = 32;

/**
 * The pipeline's custom EventBridge bus: a replayable archive of the pipeline's own events, one
 * rule per amount lane starting the state machine (each target with a retry policy and its own
 * encrypted dead-letter queue), and an immediate alert for the high lane.
 *
 * The bus is the one child with a fixed name (`busName`): producers and operators refer to it,
 * and EventBridge has no name prefixes. Bus names are unique per account and region and dev and
 * prod may share an account, so the caller passes a name unique to the stack (such as
 * `<project>-<stack>`); AWS refuses a name that already exists rather than sharing the bus.
 * Renaming replaces the bus with its archive, rules and targets. Every other child is autonamed.
 */
export class EventRouting extends pulumi.ComponentResource {
  public readonly eventBusName: pulumi.Output<string>;
  public readonly eventBusArn: pulumi.Output<string>;
  public readonly archiveName: pulumi.Output<string>;
  /** Rule name per lane. */
  public readonly ruleNames: pulumi.Output<Record<AmountLane, string>>;
  /** Name of the rule that alerts on a high-value transaction's first delivery. */
  public readonly highAlertRuleName: pulumi.Output<string>;
  /** Dead-letter queue URL per target: "high", "medium", "low", "high-alert". */
  public readonly targetDeadLetterQueueUrls: pulumi.Output<Record<RoutingTargetKey, string>>;

  constructor(name: string, args: EventRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:routing:EventRouting", name, {}, opts);

    if (!/^[A-Za-z0-9_-]+$/.test(name) || name.length > maximumNameLength) {
      throw new Error(
        `EventRouting name "${name}" must be 1–${maximumNameLength} letters, digits, "-" or "_" (it prefixes the archive, rule and queue names)`,
      );
    }
    checkEventBusName(args.busName);
    const thresholds = args.laneThresholds ?? defaultAmountLaneThresholds;
    try {
      checkAmountLaneThresholds(thresholds);
    } catch (error) {
      throw new Error(`EventRouting ${name}: laneThresholds: ${(error as Error).message}`);
    }
    const archiveRetentionDays = args.archiveRetentionDays ?? 30;
    if (!Number.isSafeInteger(archiveRetentionDays) || archiveRetentionDays < 0) {
      throw new Error(
        `archiveRetentionDays must be a whole number of days, 0 or more (0 keeps events indefinitely), got ${archiveRetentionDays}`,
      );
    }
    const maximumRetryAttempts = args.maximumRetryAttempts ?? 185;
    checkInteger("maximumRetryAttempts", maximumRetryAttempts, 0, 185);
    const maximumEventAgeSeconds = args.maximumEventAgeSeconds ?? 86_400;
    checkInteger("maximumEventAgeSeconds", maximumEventAgeSeconds, 60, 86_400);
    const queueRetentionSeconds = args.deadLetterRetentionSeconds ?? maximumDeadLetterRetentionSeconds;
    checkInteger("deadLetterRetentionSeconds", queueRetentionSeconds, 60, maximumDeadLetterRetentionSeconds);
    const retryPolicy = { maximumRetryAttempts, maximumEventAgeInSeconds: maximumEventAgeSeconds };

    const bus = new aws.cloudwatch.EventBus(
      `${name}-bus`,
      { name: args.busName, description: "Transaction pipeline events: received and processed transactions" },
      { parent: this },
    );

    // Replay needs the archive: after a fix, re-drive a window of events instead of asking
    // providers to resend. Only the pipeline's own sources, so stray test events are not kept.
    const archive = new aws.cloudwatch.EventArchive(
      `${name}-archive`,
      {
        eventSourceArn: bus.arn,
        description: `${args.busName}: the pipeline's own events, for replay`,
        eventPattern: JSON.stringify(archiveEventPattern()),
        retentionDays: archiveRetentionDays,
      },
      { parent: this },
    );

    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const role = new aws.iam.Role(
      `${name}-target-role`,
      { assumeRolePolicy: pulumi.jsonStringify(eventBridgeTrustPolicy(accountId)) },
      { parent: this },
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-target-policy`,
      { role: role.id, policy: pulumi.jsonStringify(startExecutionPolicy(args.stateMachineArn)) },
      { parent: this },
    );
    const targets: Record<LaneRule["target"], { arn: pulumi.Input<string>; roleArn?: pulumi.Input<string> }> =
      {
        "state-machine": { arn: args.stateMachineArn, roleArn: role.arn },
        "alerts-topic": { arn: args.alertsTopicArn },
      };

    const queues = {} as Record<RoutingTargetKey, aws.sqs.Queue>;
    const rules = {} as Record<RoutingTargetKey, aws.cloudwatch.EventRule>;

    // One rule per lane starting the state machine, and the high lane's first-delivery alert (its
    // own rule, so a re-drive or replay is routed but never alerts twice; the alerts topic's own
    // policy (DataStores) lets EventBridge publish, no role is involved). One dead-letter queue per
    // target, so a failing target's backlog is told apart from the others' and its policy admits
    // only that target's rule.
    for (const laneRule of laneRules(thresholds)) {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-${laneRule.key}`,
        {
          eventBusName: bus.name,
          description: laneRule.description,
          eventPattern: JSON.stringify(laneRule.pattern),
        },
        { parent: this },
      );
      const { queue, policy: queuePolicy } = ruleDeadLetterQueue(
        `${name}-${laneRule.key}-dlq`,
        args.kmsKeyArn,
        rule.arn,
        this,
        queueRetentionSeconds,
      );
      const target = targets[laneRule.target];
      new aws.cloudwatch.EventTarget(
        `${name}-${laneRule.key}-target`,
        {
          eventBusName: bus.name,
          rule: rule.name,
          targetId: laneRule.targetId,
          arn: target.arn,
          roleArn: target.roleArn,
          inputTransformer: {
            inputPaths: { ...laneRule.input.inputPaths },
            inputTemplate: laneRule.input.inputTemplate,
          },
          retryPolicy,
          deadLetterConfig: { arn: queue.arn },
        },
        // Grants first, so the first events neither fail to start nor fail to dead-letter.
        { parent: this, dependsOn: target.roleArn === undefined ? [queuePolicy] : [queuePolicy, rolePolicy] },
      );
      rules[laneRule.key] = rule;
      queues[laneRule.key] = queue;
    }

    const byLane = (pick: (rule: aws.cloudwatch.EventRule) => pulumi.Output<string>) =>
      pulumi.all(Object.fromEntries(amountLanes.map((lane) => [lane, pick(rules[lane])]))) as pulumi.Output<
        Record<AmountLane, string>
      >;
    const byTarget = (pick: (queue: aws.sqs.Queue) => pulumi.Output<string>) =>
      pulumi.all(
        Object.fromEntries(Object.entries(queues).map(([key, queue]) => [key, pick(queue)])),
      ) as pulumi.Output<Record<RoutingTargetKey, string>>;

    this.eventBusName = bus.name;
    this.eventBusArn = bus.arn;
    this.archiveName = archive.name;
    this.ruleNames = byLane((rule) => rule.name);
    this.highAlertRuleName = rules["high-alert"].name;
    this.targetDeadLetterQueueUrls = byTarget((queue) => queue.url);
    this.registerOutputs({
      eventBusName: this.eventBusName,
      eventBusArn: this.eventBusArn,
      archiveName: this.archiveName,
      ruleNames: this.ruleNames,
      highAlertRuleName: this.highAlertRuleName,
      targetDeadLetterQueueUrls: this.targetDeadLetterQueueUrls,
    });
  }
}
