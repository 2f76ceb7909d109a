import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkRequired, checkUnqualifiedFunctionArn } from "../platform/argumentChecks";
import { uploadNotificationTargets, type UploadNotificationTarget } from "../../pipeline";

/** Arguments of {@link UploadNotifications}. */
export interface UploadNotificationsArgs {
  /** Name of the uploads bucket (UploadStore's bucketName). Required. */
  readonly bucketName: pulumi.Input<string>;
  /** ARN of that bucket, the only source S3 may invoke the functions for. Required. */
  readonly bucketArn: pulumi.Input<string>;
  /** Unqualified ARN of the csv-intake function, invoked for `uploads/*.csv` (presigned uploads). Required. */
  readonly intakeFunctionArn: pulumi.Input<string>;
  /** Unqualified ARN of the csv-transform function, invoked for `validated/*.csv`. Required. */
  readonly transformFunctionArn: pulumi.Input<string>;
}

const bucketNamePattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const bucketArnPattern = /^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/;

/**
 * The uploads bucket's event notifications (pipeline/uploadNotifications.ts): a file sent with a
 * presigned PUT (`uploads/*.csv`) starts the csv-intake function, which checks it and writes it
 * under `validated/`; that write starts the csv-transform function. Each function lets S3 invoke
 * it for this bucket only, in this account only.
 *
 * S3 keeps one notification configuration per bucket and this component replaces it whole, so
 * nothing else may configure notifications on the bucket (not even EventBridge delivery).
 */
export class UploadNotifications extends pulumi.ComponentResource {
  constructor(name: string, args: UploadNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("txn:ingest:UploadNotifications", name, {}, opts);

    checkRequired(args, ["bucketName", "bucketArn", "intakeFunctionArn", "transformFunctionArn"]);
    // Inputs that are still Outputs are checked by AWS at deploy time instead.
    if (typeof args.bucketName === "string" && !bucketNamePattern.test(args.bucketName)) {
      throw new Error(`bucketName "${args.bucketName}" is not an S3 bucket name`);
    }
    if (typeof args.bucketArn === "string") {
      const match = bucketArnPattern.exec(args.bucketArn);
      if (match === null) throw new Error(`bucketArn "${args.bucketArn}" is not an S3 bucket ARN`);
      if (typeof args.bucketName === "string" && match[1] !== args.bucketName) {
        throw new Error(`bucketArn "${args.bucketArn}" is not the bucket bucketName "${args.bucketName}"`);
      }
    }
    // A qualified ARN (version or alias) would grant and notify that qualifier only.
    for (const [argument, arn] of [
      ["intakeFunctionArn", args.intakeFunctionArn],
      ["transformFunctionArn", args.transformFunctionArn],
    ] as const) {
      checkUnqualifiedFunctionArn(argument, arn);
    }

    // The bucket owner: with sourceArn alone, a bucket of the same name re-created in another
    // account after this one is deleted could still invoke the functions.
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const functionArns: Record<UploadNotificationTarget["key"], pulumi.Input<string>> = {
      intake: args.intakeFunctionArn,
      transform: args.transformFunctionArn,
    };
    const permissions = uploadNotificationTargets.map(
      (target) =>
        new aws.lambda.Permission(
          `${name}-${target.key}-permission`,
          {
            function: functionArns[target.key],
            action: "lambda:InvokeFunction",
            principal: "s3.amazonaws.com",
            sourceArn: args.bucketArn,
            sourceAccount: accountId,
          },
          { parent: this },
        ),
    );

    // S3 checks that it may invoke each target when the configuration is saved, so the grants
    // must exist first.
    new aws.s3.BucketNotification(
      `${name}-notification`,
      {
        bucket: args.bucketName,
        lambdaFunctions: uploadNotificationTargets.map((target) => ({
          id: target.id,
          events: [...target.events],
          filterPrefix: target.filterPrefix,
          filterSuffix: target.filterSuffix,
          lambdaFunctionArn: functionArns[target.key],
        })),
      },
      { parent: this, dependsOn: permissions },
    );

    this.registerOutputs({});
  }
}
