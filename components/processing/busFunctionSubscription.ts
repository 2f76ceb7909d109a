import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkInteger } from "../platform/argumentChecks";
import { ruleDeadLetterQueue } from "../platform/deadLetterQueues";
import { type EventPattern } from "../../pipeline";

/** Arguments of {@link BusFunctionSubscription}. */
export interface BusFunctionSubscriptionArgs {
  /** Name of the custom bus the rule listens on. Required. */
  readonly eventBusName: pulumi.Input<string>;
  /** Event pattern of the rule (a shared definition, so the local bus routes the same). Required. */
  readonly pattern: EventPattern;
  /** ARN of the function that receives the matching events. Required. */
  readonly functionArn: pulumi.Input<string>;
  /** Customer-managed KMS key encrypting the target's dead-letter queue. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Retries before an event goes to the dead-letter queue, 0–185. Default 185. */
  readonly maximumRetryAttempts?: number;
  /** Seconds the target keeps retrying an event, 60–86400. Default 86400. */
  readonly maximumEventAgeSeconds?: number;
}

/**
 * A rule on the pipeline's bus delivering matching events to one Lambda function, with a retry
 * policy, its own encrypted dead-letter queue and the invoke permission scoped to the rule.
 */
export class BusFunctionSubscription extends pulumi.ComponentResource {
  public readonly ruleArn: pulumi.Output<string>;
  public readonly deadLetterQueueUrl: pulumi.Output<string>;

  constructor(name: string, args: BusFunctionSubscriptionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:routing:BusFunctionSubscription", name, {}, opts);
    const maximumRetryAttempts = args.maximumRetryAttempts ?? 185;
    const maximumEventAgeSeconds = args.maximumEventAgeSeconds ?? 86_400;
    checkInteger(`BusFunctionSubscription ${name}: maximumRetryAttempts`, maximumRetryAttempts, 0, 185);
    checkInteger(
      `BusFunctionSubscription ${name}: maximumEventAgeSeconds`,
      maximumEventAgeSeconds,
      60,
      86_400,
    );

    const rule = new aws.cloudwatch.EventRule(
      `${name}-rule`,
      { eventBusName: args.eventBusName, eventPattern: JSON.stringify(args.pattern) },
      { parent: this },
    );
    const { queue, policy: queuePolicy } = ruleDeadLetterQueue(`${name}-dlq`, args.kmsKeyArn, rule.arn, this);
    const permission = new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: args.functionArn,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      },
      { parent: this },
    );
    new aws.cloudwatch.EventTarget(
      `${name}-target`,
      {
        eventBusName: args.eventBusName,
        rule: rule.name,
        targetId: "function",
        arn: args.functionArn,
        retryPolicy: { maximumRetryAttempts, maximumEventAgeInSeconds: maximumEventAgeSeconds },
        deadLetterConfig: { arn: queue.arn },
      },
      // Grants first, so the first events neither fail to invoke nor fail to dead-letter.
      { parent: this, dependsOn: [queuePolicy, permission] },
    );

    this.ruleArn = rule.arn;
    this.deadLetterQueueUrl = queue.url;
    this.registerOutputs({ ruleArn: this.ruleArn, deadLetterQueueUrl: this.deadLetterQueueUrl });
  }
}
