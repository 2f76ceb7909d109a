/**
 * Pure builders of the screening-lists pieces: the refresh function's and the screening reader's
 * IAM statements (written from their declared AWS calls, functions/screening-lists-refresh/
 * awsCalls.ts and functions/compliance/awsCalls.ts) and the bucket's lifecycle rules.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatementSpec } from "./iamPolicy";

export {
  screeningListsRefreshedMetricName,
  screeningListsRefreshServiceName,
} from "../functions/screening-lists-refresh/refreshMetric";

export interface ScreeningListsResources {
  readonly bucketArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
}

/** Reads the current pointer, writes index versions and the pointer: nothing else in the bucket. */
export function refreshFunctionStatements(resources: ScreeningListsResources): PolicyStatementSpec[] {
  return [
    {
      sid: "ReadLatestVersion",
      actions: ["s3:GetObject"],
      resources: [pulumi.interpolate`${resources.bucketArn}/latest.json`],
    },
    {
      sid: "WriteIndexVersions",
      actions: ["s3:PutObject"],
      resources: [
        pulumi.interpolate`${resources.bucketArn}/latest.json`,
        pulumi.interpolate`${resources.bucketArn}/indexes/*`,
      ],
    },
    { sid: "UseListsKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [resources.kmsKeyArn] },
  ];
}

/** The compliance function reads the pointer and the versions it names. */
export function screeningReaderStatements(resources: ScreeningListsResources): PolicyStatementSpec[] {
  return [
    {
      sid: "ReadScreeningLists",
      actions: ["s3:GetObject"],
      resources: [
        pulumi.interpolate`${resources.bucketArn}/latest.json`,
        pulumi.interpolate`${resources.bucketArn}/indexes/*`,
      ],
    },
    { sid: "DecryptScreeningLists", actions: ["kms:Decrypt"], resources: [resources.kmsKeyArn] },
  ];
}

/**
 * Index versions are kept as long as a decision may be questioned (they say what a transaction was
 * screened against); replaced pointers go after 30 days.
 */
export function screeningListsLifecycleRules(keepVersionsDays: number) {
  return [
    {
      id: "keep-index-versions",
      status: "Enabled",
      filter: { prefix: "indexes/" },
      expiration: { days: keepVersionsDays },
      noncurrentVersionExpiration: { noncurrentDays: 30 },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    },
    {
      id: "replaced-pointers",
      status: "Enabled",
      filter: { prefix: "latest.json" },
      noncurrentVersionExpiration: { noncurrentDays: 30 },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    },
  ];
}
