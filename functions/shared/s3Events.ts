/**
 * S3 event notifications, read with Powertools' schema of the event (parser/schemas/s3), and the
 * one decoder of the object keys they carry. Pure.
 *
 * One deviation from the Powertools record: `requestParameters.sourceIPAddress` also accepts an
 * IPv6 address, which S3 reports for requests over its dual-stack endpoints (Powertools' S3 schema
 * accepts IPv4 only; its API Gateway schemas accept both).
 */
import { S3Schema } from "@aws-lambda-powertools/parser/schemas/s3";
import { z } from "zod";

/** One record of an S3 event notification. */
export const s3EventRecordSchema = S3Schema.shape.Records.element.extend({
  requestParameters: z.object({
    sourceIPAddress: z.union([z.ipv4(), z.ipv6(), z.literal("s3.amazonaws.com")]),
  }),
});

/** An S3 event notification: one record or more. */
export const s3EventSchema = z.object({ Records: z.array(s3EventRecordSchema).min(1) });

export type S3EventRecord = z.infer<typeof s3EventRecordSchema>;

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

/**
 * The object key as stored, or undefined when its encoding is broken. S3 URL-encodes the keys in
 * its events, spaces as "+".
 */
export function decodeS3EventKey(key: string): string | undefined {
  try {
    return decodeURIComponent(key.replace(/\+/g, "%20"));
  } catch {
    return undefined;
  }
}

/** Whether the record reports an object created (Put, Post, Copy, CompleteMultipartUpload). */
export function isObjectCreated(record: S3EventRecord): boolean {
  return record.eventName.startsWith("ObjectCreated:");
}
