import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { fileStatusTableDefinition } from "../../functions/shared/tableDefinitions";
import { checkComponentName, checkInteger, checkKmsKeyArn, checkRequired } from "../platform/argumentChecks";
import { configureSecureBucket } from "../platform/secureBucket";
import type { NamedResource } from "../platform/resourceRefs";
import { pipelineTable } from "../platform/tableArgs";
import { uploadLifecycleRules } from "./policies";

/** Arguments of {@link UploadStore}. */
export interface UploadStoreArgs {
  /** ARN of the customer-managed KMS key encrypting the bucket and the status table. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Days uploaded files (under `uploads/` and `validated/`) are kept before they expire, 1–3650. Default 30. */
  readonly rawUploadRetentionDays?: number;
  /** Refuse to delete the processing-status table; turn on in production. Default false. */
  readonly deletionProtection?: pulumi.Input<boolean>;
  /** Let `pulumi destroy` delete the bucket while it still holds files. Default false. */
  readonly forceDestroy?: boolean;
}

/** `<name>-uploads-` prefixes the bucket name, and S3 allows prefixes of at most 37 characters. */
const maximumNameLength = 28;

/**
 * Where uploaded CSV files and their processing status live: a versioned, SSE-KMS, TLS-only S3
 * bucket with every public access blocked, whose files expire after `rawUploadRetentionDays`, and
 * the processing-status table (one item per file, indexed by status and time).
 *
 * The bucket's notifications are not configured here: UploadNotifications owns them, because the
 * functions they invoke are built after (and from) this store.
 */
export class UploadStore extends pulumi.ComponentResource {
  public readonly bucket: NamedResource;
  /** The processing-status table. */
  public readonly statusTable: NamedResource;

  constructor(name: string, args: UploadStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:ingest:UploadStore", name, {}, opts);

    checkComponentName("UploadStore", name, maximumNameLength, "it prefixes the bucket");
    checkRequired(args, ["kmsKeyArn"]);
    checkKmsKeyArn(args.kmsKeyArn);
    const retentionDays = args.rawUploadRetentionDays ?? 30;
    checkInteger("rawUploadRetentionDays", retentionDays, 1, 3_650);

    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { bucketPrefix: `${name}-uploads-`, forceDestroy: args.forceDestroy ?? false },
      { parent: this },
    );
    configureSecureBucket(
      name,
      { bucket, kmsKeyArn: args.kmsKeyArn, lifecycleRules: uploadLifecycleRules(retentionDays) },
      this,
    );

    const table = pipelineTable(
      `${name}-file-status`,
      fileStatusTableDefinition,
      { kmsKeyArn: args.kmsKeyArn, deletionProtection: args.deletionProtection },
      this,
    );

    this.bucket = { name: bucket.bucket, arn: bucket.arn };
    this.statusTable = { name: table.name, arn: table.arn };
    this.registerOutputs({ bucket: this.bucket, statusTable: this.statusTable });
  }
}
