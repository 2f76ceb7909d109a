/**
 * The S3 "object created" notifications the uploads bucket sends for presigned uploads, read with
 * a schema of just the fields used. Keys arrive URL-encoded with spaces as "+" (S3's event
 * encoding), so they are decoded before the file id is taken from them. Pure.
 */
import { z } from "zod";
import { fileIdOfKey, uploadLayout } from "../shared/fileStatus";

const s3RecordSchema = z.object({
  eventSource: z.literal("aws:s3"),
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({ key: z.string().min(1), size: z.number().optional(), eTag: z.string().optional() }),
  }),
});

export const s3NotificationSchema = z.object({ Records: z.array(s3RecordSchema).min(1) });

export type S3Notification = z.infer<typeof s3NotificationSchema>;
export type S3NotificationRecord = z.infer<typeof s3RecordSchema>;

/** True when the event has the shape of an S3 notification (its records are checked later). */
export function looksLikeS3Notification(event: unknown): boolean {
  if (typeof event !== "object" || event === null || !("Records" in event)) return false;
  const records = (event as { Records: unknown }).Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every((record) => typeof record === "object" && record !== null && "s3" in record)
  );
}

/** The object key as stored, or undefined when its encoding is broken. */
export function decodeEventKey(key: string): string | undefined {
  try {
    return decodeURIComponent(key.replace(/\+/g, "%20"));
  } catch {
    return undefined;
  }
}

export type UploadTarget =
  | { readonly kind: "upload"; readonly fileId: string; readonly key: string }
  /** Not a creation under uploads/<id>.csv in our bucket; `reason` is a short code for the logs. */
  | { readonly kind: "ignored"; readonly key: string; readonly reason: string };

export function uploadTargetOf(record: S3NotificationRecord, uploadsBucket: string): UploadTarget {
  const rawKey = record.s3.object.key;
  const key = decodeEventKey(rawKey);
  if (key === undefined) return { kind: "ignored", key: rawKey, reason: "MalformedKey" };
  if (record.s3.bucket.name !== uploadsBucket) return { kind: "ignored", key, reason: "OtherBucket" };
  if (!record.eventName.startsWith("ObjectCreated:")) return { kind: "ignored", key, reason: "NotCreated" };
  const fileId = key.startsWith(uploadLayout.incomingPrefix) ? fileIdOfKey(key) : undefined;
  if (fileId === undefined) return { kind: "ignored", key, reason: "NotAnUpload" };
  return { kind: "upload", fileId, key };
}
