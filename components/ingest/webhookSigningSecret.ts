import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkInteger } from "../platform/argumentChecks";
import type { SecretResource } from "../platform/resourceRefs";

/** Arguments of {@link WebhookSigningSecret}. */
export interface WebhookSigningSecretArgs {
  /** The signing document as JSON (`{"providers": [{name, scheme, secrets}]}`), kept secret. Required. */
  readonly document: pulumi.Input<string>;
  /** Customer-managed KMS key encrypting the secret. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Days Secrets Manager keeps a deleted secret recoverable, 7–30. Default 7. */
  readonly recoveryWindowInDays?: number;
}

/**
 * The webhook providers' signing secrets in Secrets Manager, written from the stack's secret
 * config. Each change is a new secret version; its id is passed to the intake function's
 * configuration so every container restarts and reads the rotated secrets.
 */
export class WebhookSigningSecret extends pulumi.ComponentResource {
  /** The secret, with the id of its current version (a new one whenever the document changes). */
  public readonly secret: SecretResource;

  constructor(name: string, args: WebhookSigningSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:ingest:WebhookSigningSecret", name, {}, opts);
    const window = args.recoveryWindowInDays ?? 7;
    checkInteger(`WebhookSigningSecret ${name}: recoveryWindowInDays`, window, 7, 30);
    const secret = new aws.secretsmanager.Secret(
      `${name}-secret`,
      {
        // A prefix, not a fixed name: dev and prod stacks may share one account.
        namePrefix: `${name}-`,
        description:
          "Webhook providers and their active signing secrets (read by the webhook-intake function)",
        kmsKeyId: args.kmsKeyArn,
        recoveryWindowInDays: window,
      },
      { parent: this },
    );
    const version = new aws.secretsmanager.SecretVersion(
      `${name}-version`,
      { secretId: secret.id, secretString: pulumi.secret(args.document) },
      { parent: this },
    );
    this.secret = { arn: secret.arn, versionId: version.versionId };
    this.registerOutputs({ secret: this.secret });
  }
}
