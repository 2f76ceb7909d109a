/**
 * The audit bucket side of the job: parts written and read back byte for byte, manifests, and the
 * watermark. Every write of a part is verified by reading the object again before anything that
 * depends on it (the manifest entry, the deletes) happens.
 */
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { manifestKey, type ManifestPart, type PartitionManifest } from "../shared/archiveLayout";
import { ArchiveIntegrityError, ArchiveObjectError, ArchiveStateError } from "./errors";
import { partLines, partText, type StoredItem } from "./itemCodec";
import {
  describesDay,
  manifestText,
  parseManifest,
  parseWatermark,
  watermarkKey,
  watermarkText,
  type Watermark,
} from "./manifest";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface ArchiveBucket {
  readonly client: S3Client;
  readonly name: string;
}

/** What a written part is: the manifest records exactly these. */
export interface WrittenObject {
  readonly sha256: string;
  readonly bytes: number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === "NoSuchKey" || error.name === "NotFound" || status === 404;
}

/** The object's bytes, or undefined when there is no such key. */
export async function getObjectBytes(bucket: ArchiveBucket, key: string): Promise<Uint8Array | undefined> {
  try {
    const answer = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
    if (answer.Body === undefined) throw new Error("GetObject returned no body");
    return await answer.Body.transformToByteArray();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new ArchiveObjectError("read", key, { cause: error });
  }
}

/**
 * The object's bytes, or undefined when there is none. Existence is asked with ListObjectsV2 first:
 * S3 answers a GetObject of a missing key with 404 only to a role allowed s3:ListBucket on the
 * request, and the function's ListBucket is limited to its prefixes, so a plain GetObject of an
 * absent manifest could come back 403 (indistinguishable from a real denial).
 */
export async function readOptionalObject(
  bucket: ArchiveBucket,
  key: string,
): Promise<Uint8Array | undefined> {
  let listed;
  try {
    listed = await bucket.client.send(
      new ListObjectsV2Command({ Bucket: bucket.name, Prefix: key, MaxKeys: 1 }),
    );
  } catch (error) {
    throw new ArchiveObjectError("listing", key, { cause: error });
  }
  // Keys sort after their own prefixes, so the key itself comes first when it exists.
  if (listed.Contents?.[0]?.Key !== key) return undefined;
  return getObjectBytes(bucket, key);
}

async function putObject(
  bucket: ArchiveBucket,
  key: string,
  body: Uint8Array,
  contentType: string,
  metadata?: Record<string, string>,
): Promise<void> {
  try {
    await bucket.client.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: key,
        Body: body,
        ContentLength: body.byteLength,
        ContentType: contentType,
        ...(metadata ? { Metadata: metadata } : {}),
      }),
    );
  } catch (error) {
    throw new ArchiveObjectError("write", key, { cause: error });
  }
}

/** A part's bytes: the items' NDJSON, gzip-compressed (deterministic for the same items). */
export async function encodePart(items: readonly StoredItem[]): Promise<Uint8Array> {
  return gzipAsync(Buffer.from(partText(items), "utf8"));
}

/** The NDJSON lines of a part's bytes. */
export async function decodePart(key: string, bytes: Uint8Array): Promise<string[]> {
  try {
    return partLines((await gunzipAsync(bytes)).toString("utf8"));
  } catch (error) {
    throw new ArchiveIntegrityError(
      key,
      `not gzip: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function checkObject(key: string, actual: Uint8Array | undefined, expected: WrittenObject): Uint8Array {
  if (actual === undefined) throw new ArchiveIntegrityError(key, "the object is missing");
  if (actual.byteLength !== expected.bytes) {
    throw new ArchiveIntegrityError(key, `${actual.byteLength} bytes, expected ${expected.bytes}`);
  }
  const sha256 = sha256Hex(actual);
  if (sha256 !== expected.sha256) {
    throw new ArchiveIntegrityError(key, `SHA-256 ${sha256}, expected ${expected.sha256}`);
  }
  return actual;
}

/**
 * Writes a part and reads it back: resolves only when the stored bytes are exactly `body`. The
 * same key may already hold the object of a run that crashed before listing it in the manifest;
 * it is replaced (its items were never deleted).
 */
export async function writeVerifiedPart(
  bucket: ArchiveBucket,
  key: string,
  body: Uint8Array,
  records: number,
): Promise<WrittenObject> {
  const written: WrittenObject = { sha256: sha256Hex(body), bytes: body.byteLength };
  await putObject(bucket, key, body, "application/gzip", {
    records: String(records),
    sha256: written.sha256,
  });
  checkObject(key, await getObjectBytes(bucket, key), written);
  return written;
}

/** A listed part's lines, after checking the object is still exactly what the manifest says. */
export async function readVerifiedPart(bucket: ArchiveBucket, part: ManifestPart): Promise<string[]> {
  const bytes = checkObject(part.key, await getObjectBytes(bucket, part.key), part);
  const lines = await decodePart(part.key, bytes);
  if (lines.length !== part.records) {
    throw new ArchiveIntegrityError(part.key, `${lines.length} lines, the manifest says ${part.records}`);
  }
  return lines;
}

export async function readManifest(
  bucket: ArchiveBucket,
  day: string,
): Promise<PartitionManifest | undefined> {
  const key = manifestKey(day);
  const bytes = await readOptionalObject(bucket, key);
  if (bytes === undefined) return undefined;
  const manifest = parseManifest(Buffer.from(bytes).toString("utf8"), key);
  if (!describesDay(manifest, day)) throw new ArchiveStateError(key, `describes ${manifest.day}, not ${day}`);
  return manifest;
}

export async function writeManifest(bucket: ArchiveBucket, manifest: PartitionManifest): Promise<void> {
  await putObject(
    bucket,
    manifestKey(manifest.day),
    Buffer.from(manifestText(manifest), "utf8"),
    "application/json",
  );
}

export async function readWatermark(bucket: ArchiveBucket): Promise<Watermark | undefined> {
  const bytes = await readOptionalObject(bucket, watermarkKey);
  return bytes === undefined ? undefined : parseWatermark(Buffer.from(bytes).toString("utf8"));
}

export async function writeWatermark(bucket: ArchiveBucket, watermark: Watermark, now: Date): Promise<void> {
  await putObject(
    bucket,
    watermarkKey,
    Buffer.from(watermarkText(watermark, now), "utf8"),
    "application/json",
  );
}
