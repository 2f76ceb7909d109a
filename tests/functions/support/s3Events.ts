/**
 * S3 event notifications for the tests, all from one fixture (fixtures/s3/object-created.json, the
 * shape S3 sends): only the bucket, the key, the object and the event name change.
 */
import type { S3Event } from "aws-lambda";
import objectCreatedFixture from "../fixtures/s3/object-created.json";

/** How S3 writes a key into its events: URL-encoded, spaces as "+", slashes kept. */
export function s3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/g, "/");
}

/** An S3 notification of one record for `key` (as stored; encoded here the way S3 encodes it). */
export function objectCreatedEvent(
  bucket: string,
  key: string,
  object: { readonly size: number; readonly eTag: string } = {
    size: 1024,
    eTag: "d41d8cd98f00b204e9800998ecf8427e",
  },
  eventName = "ObjectCreated:Put",
): S3Event {
  const event = structuredClone(objectCreatedFixture) as S3Event;
  const [record] = event.Records;
  record.eventName = eventName;
  record.s3.bucket.name = bucket;
  record.s3.bucket.arn = `arn:aws:s3:::${bucket}`;
  record.s3.object.key = s3EventKey(key);
  record.s3.object.size = object.size;
  record.s3.object.eTag = object.eTag.replace(/"/g, "");
  return event;
}

/** One notification holding the records of `events`, in order. */
export function s3EventOf(...events: readonly S3Event[]): S3Event {
  return { Records: events.flatMap((event) => event.Records) };
}
