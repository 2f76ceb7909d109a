/**
 * How components hand their tables, buckets and queues to callers: each is one value, because its
 * callers take its attributes together (the pipeline's resources, pipeline/environment.ts, give a
 * function's environment the name or URL and its role policy the ARN).
 */
import type * as pulumi from "@pulumi/pulumi";

/** A table or bucket: environments and stack outputs name it, policies grant its ARN. */
export interface NamedResource {
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
}

/** A queue: senders address its URL, policies grant its ARN. */
export interface QueueResource {
  readonly url: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
}

/** A secret: policies grant its ARN; its current version's id changes whenever its value does. */
export interface SecretResource {
  readonly arn: pulumi.Output<string>;
  readonly versionId: pulumi.Output<string>;
}
