/**
 * Which presigned upload an S3 "object created" record of the uploads bucket is about (records
 * are read with the shared S3 event schema, keys decoded by its decoder). Pure.
 */
import { fileIdOfKey, uploadLayout } from "../shared/fileStatus";
import { decodeS3EventKey, isObjectCreated, type S3EventRecord } from "../shared/s3Events";

export type UploadTarget =
  | { readonly kind: "upload"; readonly fileId: string; readonly key: string }
  /** Not a creation under uploads/<id>.csv in our bucket; `reason` is a short code for the logs. */
  | { readonly kind: "ignored"; readonly key: string; readonly reason: string };

export function uploadTargetOf(record: S3EventRecord, uploadsBucket: string): UploadTarget {
  const rawKey = record.s3.object.key;
  const key = decodeS3EventKey(rawKey);
  if (key === undefined) return { kind: "ignored", key: rawKey, reason: "MalformedKey" };
  if (record.s3.bucket.name !== uploadsBucket) return { kind: "ignored", key, reason: "OtherBucket" };
  if (!isObjectCreated(record)) return { kind: "ignored", key, reason: "NotCreated" };
  const fileId = key.startsWith(uploadLayout.incomingPrefix) ? fileIdOfKey(key) : undefined;
  if (fileId === undefined) return { kind: "ignored", key, reason: "NotAnUpload" };
  return { kind: "upload", fileId, key };
}
