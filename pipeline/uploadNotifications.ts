/**
 * The uploads bucket's notifications: which created objects start which function. The
 * UploadNotifications component configures exactly these on the bucket, and the local runtime
 * delivers the same events itself (the S3 emulator sends none; see local/s3Events.ts).
 */
import { uploadLayout } from "../functions/shared/fileStatus";
import type { PipelineFunction } from "./functions";

/** Suffix of every file the pipeline accepts, in both prefixes of the uploads bucket. */
export const csvSuffix = ".csv";

export interface UploadNotificationTarget {
  /** The notification's id in the bucket's configuration. */
  readonly id: string;
  /** Names the function's invoke grant (`${name}-${key}-permission`); a shipped key never changes. */
  readonly key: "intake" | "transform";
  readonly events: readonly string[];
  readonly filterPrefix: string;
  readonly filterSuffix: string;
  readonly function: PipelineFunction;
}

/**
 * Every object created under `uploads/` ending in `.csv` (a file sent with a presigned PUT) goes
 * to csv-intake, which checks it and writes it under `validated/`; every one under `validated/`
 * to csv-transform, which loads it. The prefixes do not overlap, which S3 requires of two
 * configurations on the same event type. `ObjectCreated:*` covers PUT, POST, copy and completed
 * multipart uploads alike.
 */
export const uploadNotificationTargets: readonly UploadNotificationTarget[] = [
  {
    id: "validate-presigned-upload",
    key: "intake",
    events: ["s3:ObjectCreated:*"],
    filterPrefix: uploadLayout.incomingPrefix,
    filterSuffix: csvSuffix,
    function: "csv-intake",
  },
  {
    id: "load-validated-file",
    key: "transform",
    events: ["s3:ObjectCreated:*"],
    filterPrefix: uploadLayout.validatedPrefix,
    filterSuffix: csvSuffix,
    function: "csv-transform",
  },
];

/** The function a target notifies. */
export function notifiedFunction(key: UploadNotificationTarget["key"]): PipelineFunction {
  const target = uploadNotificationTargets.find((candidate) => candidate.key === key);
  if (target === undefined) throw new Error(`no upload notification target ${key}`);
  return target.function;
}
