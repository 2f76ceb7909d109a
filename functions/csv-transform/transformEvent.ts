/**
 * What starts csv-transform: the uploads bucket's S3 notification for `validated/<fileId>.csv`;
 * a "CSV Load Continued" event from the bus, published by a run of this function that ran short of
 * time; or a continuation `{ "continueFile": { "fileId", "fromLine" } }` (sent by hand or by a
 * re-drive to carry on a load whose retries ran out). Anything else is reported as ignored, never
 * thrown: a retry would not make it readable.
 */
import { z } from "zod";
import { DetailType, intakeEventSource } from "../shared/eventRouting";
import { fileIdOfKey, uploadLayout, validatedKey } from "../shared/fileStatus";
import { decodeS3EventKey, isObjectCreated, s3EventRecordSchema } from "../shared/s3Events";

export interface FileRequest {
  readonly fileId: string;
  /** s3: the bucket's notification; bus: a "CSV Load Continued" event; continue: `continueFile`. */
  readonly trigger: "s3" | "bus" | "continue";
  /** The continuation's idea of where to resume; the status table's checkpoint decides. */
  readonly fromLine?: number;
}

export interface IgnoredInput {
  readonly reason: "NOT_OUR_BUCKET" | "NOT_A_VALIDATED_FILE" | "NOT_A_CREATE_EVENT" | "UNRECOGNISED_EVENT";
  /** The object key (S3 keys of the uploads bucket are file ids, not customer data). */
  readonly key?: string;
}

export interface TransformRequests {
  readonly files: readonly FileRequest[];
  readonly ignored: readonly IgnoredInput[];
}

/** The records are checked one by one: one unreadable record does not hide the others. */
const s3Notification = z.object({ Records: z.array(z.unknown()) });

const fileIdSchema = z.string().regex(/^[A-Za-z0-9-]{8,64}$/);

const continuation = z.object({
  continueFile: z.object({
    fileId: fileIdSchema,
    fromLine: z.number().int().nonnegative().optional(),
  }),
});

/** The EventBridge envelope of csv-transform's own continuation (see continuation.ts). */
const loadContinued = z.object({
  source: z.literal(intakeEventSource),
  "detail-type": z.literal(DetailType.csvLoadContinued),
  detail: z.object({
    bucket: z.string(),
    key: z.string(),
    fileId: fileIdSchema,
    fromLine: z.number().int().nonnegative().optional(),
  }),
});

export function transformRequests(event: unknown, uploadsBucket: string): TransformRequests {
  const resumed = continuation.safeParse(event);
  if (resumed.success) {
    const { fileId, fromLine } = resumed.data.continueFile;
    return {
      files: [{ fileId, trigger: "continue", ...(fromLine === undefined ? {} : { fromLine }) }],
      ignored: [],
    };
  }
  const continued = loadContinued.safeParse(event);
  if (continued.success) {
    const { bucket, key, fileId, fromLine } = continued.data.detail;
    // The file is always read from the configured bucket by its id: a detail naming anything else
    // did not come from this stack's csv-transform.
    if (bucket !== uploadsBucket) return { files: [], ignored: [{ reason: "NOT_OUR_BUCKET", key }] };
    if (key !== validatedKey(fileId))
      return { files: [], ignored: [{ reason: "NOT_A_VALIDATED_FILE", key }] };
    return {
      files: [{ fileId, trigger: "bus", ...(fromLine === undefined ? {} : { fromLine }) }],
      ignored: [],
    };
  }
  const notification = s3Notification.safeParse(event);
  if (!notification.success) return { files: [], ignored: [{ reason: "UNRECOGNISED_EVENT" }] };
  const files: FileRequest[] = [];
  const ignored: IgnoredInput[] = [];
  for (const raw of notification.data.Records) {
    const record = s3EventRecordSchema.safeParse(raw);
    if (!record.success) {
      ignored.push({ reason: "UNRECOGNISED_EVENT" });
      continue;
    }
    const rawKey = record.data.s3.object.key;
    const key = decodeS3EventKey(rawKey);
    if (record.data.s3.bucket.name !== uploadsBucket) {
      ignored.push({ reason: "NOT_OUR_BUCKET", key: key ?? rawKey });
    } else if (!isObjectCreated(record.data)) {
      ignored.push({ reason: "NOT_A_CREATE_EVENT", key: key ?? rawKey });
    } else if (key === undefined) {
      ignored.push({ reason: "NOT_A_VALIDATED_FILE", key: rawKey });
    } else {
      const fileId = key.startsWith(uploadLayout.validatedPrefix) ? fileIdOfKey(key) : undefined;
      if (fileId === undefined) ignored.push({ reason: "NOT_A_VALIDATED_FILE", key });
      else if (!files.some((file) => file.fileId === fileId)) files.push({ fileId, trigger: "s3" });
    }
  }
  return { files, ignored };
}
