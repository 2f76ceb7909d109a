import * as pulumi from "@pulumi/pulumi";
import { checkRequired } from "./argumentChecks";
import { encryptedQueue } from "./deadLetterQueues";

/** Arguments of {@link FailureQueue}. */
export interface FailureQueueArgs {
  /** Customer-managed KMS key encrypting the queue. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
}

/**
 * The on-failure destination of the functions Lambda invokes asynchronously (S3 notifications,
 * bus rules, the archival schedule): an event whose invocation failed after Lambda's two retries
 * lands here with the error, instead of being discarded. Lambda sends it with the function's own
 * role, so each function's policy grants sqs:SendMessage on it and no queue policy is needed.
 */
export class FailureQueue extends pulumi.ComponentResource {
  public readonly queueArn: pulumi.Output<string>;
  public readonly queueUrl: pulumi.Output<string>;

  constructor(name: string, args: FailureQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:platform:FailureQueue", name, {}, opts);
    checkRequired(args, ["kmsKeyArn"]);
    const queue = encryptedQueue(`${name}-queue`, args.kmsKeyArn, this);
    this.queueArn = queue.arn;
    this.queueUrl = queue.url;
    this.registerOutputs({ queueArn: this.queueArn, queueUrl: this.queueUrl });
  }
}
