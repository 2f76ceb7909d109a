/**
 * The uploads bucket's Lambda notification targets for the local runtime, the same filters the
 * UploadNotifications component deploys (components/uploadPolicies.ts, uploadNotificationTargets):
 * objects created under `uploads/` ending in `.csv` go to csv-intake, under `validated/` to
 * csv-transform. The prefixes come from the shared uploadLayout; the `.csv` suffix is mirrored
 * from components/uploadPolicies.ts (csvSuffix), which imports Pulumi at runtime and so is not
 * loaded by the local runtime.
 */
import type { S3Event } from "aws-lambda";
import { uploadLayout } from "../functions/shared/fileStatus";
import type { S3NotificationTarget } from "./s3Events";

/** Mirrors csvSuffix in components/uploadPolicies.ts. */
export const localCsvSuffix = ".csv";

export interface UploadNotificationHandlers {
  readonly intake: (event: S3Event) => Promise<unknown>;
  readonly transform: (event: S3Event) => Promise<unknown>;
}

export function localUploadNotificationTargets(handlers: UploadNotificationHandlers): S3NotificationTarget[] {
  return [
    {
      id: "validate-presigned-upload",
      filterPrefix: uploadLayout.incomingPrefix,
      filterSuffix: localCsvSuffix,
      deliver: handlers.intake,
    },
    {
      id: "load-validated-file",
      filterPrefix: uploadLayout.validatedPrefix,
      filterSuffix: localCsvSuffix,
      deliver: handlers.transform,
    },
  ];
}
