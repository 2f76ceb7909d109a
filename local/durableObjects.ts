/**
 * S3 objects on disk for `npm start -- --data-dir`: fauxqs keeps objects in memory only, so an
 * uploaded file answered 202 would not survive a kill. Every object written to the emulator's
 * buckets is also written to `<data-dir>/s3/<bucket>/<key>` (to a temporary file, fsynced, then
 * renamed) before the emulator answers the PUT, and deleted with it; at start the objects found
 * there are put back into the emulator without S3 notifications (the reconciler resumes the loads
 * that were in flight).
 *
 * fauxqs has no storage hook, so this wraps the methods of its S3 store class, found by file path
 * (the package exports only its entry point). The emulator's version is pinned (~1.9) and the
 * tests (tests/local/durableObjects.test.ts) fail if the class or its methods move.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

interface StoredObject {
  readonly body: Buffer;
  readonly contentType?: string;
  readonly metadata?: Record<string, string>;
}

interface MultipartUpload {
  readonly bucket: string;
  readonly key: string;
}

/** The part of fauxqs's S3Store this relies on. */
interface S3StoreLike {
  spy?: unknown;
  buckets: Map<string, Map<string, StoredObject>>;
  multipartUploads: Map<string, MultipartUpload>;
  createBucket(name: string): void;
  putObject(
    bucket: string,
    key: string,
    body: Buffer,
    contentType?: string,
    metadata?: Record<string, string>,
  ): unknown;
  deleteObject(bucket: string, key: string): unknown;
  deleteObjects(bucket: string, keys: string[]): unknown;
  completeMultipartUpload(uploadId: string, parts: unknown): unknown;
}

type S3StoreClass = { prototype: S3StoreLike };

/** Stores writing through to a folder, by instance (tests run several pipelines in one process). */
const folders = new WeakMap<S3StoreLike, string>();
/** The folder the next bucket creation claims its store for (set just around that call). */
let claimingFolder: string | undefined;
let patched: Promise<void> | undefined;
/** The last store claimed for each folder, to put its objects back. */
const claimed = new Map<string, WeakRef<S3StoreLike>>();

function storeModulePath(): string {
  for (const base of require.resolve.paths("fauxqs") ?? []) {
    const candidate = join(base, "fauxqs", "dist", "s3", "s3Store.js");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("fauxqs's S3 store module was not found (dist/s3/s3Store.js)");
}

const objectPath = (folder: string, bucket: string, key: string) =>
  join(folder, encodeURIComponent(bucket), `${encodeURIComponent(key)}.object`);

/** Writes a file so that after a crash it is either whole or absent. */
function writeDurably(path: string, data: Buffer | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const descriptor = openSync(temporary, "w");
  try {
    writeSync(descriptor, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  renameSync(temporary, path);
}

function persist(folder: string, bucket: string, key: string, object: StoredObject | undefined): void {
  if (object === undefined) return;
  const path = objectPath(folder, bucket, key);
  // The description first: an object file is only ever read with its description beside it.
  writeDurably(
    `${path}.json`,
    JSON.stringify({ bucket, key, contentType: object.contentType, metadata: object.metadata ?? {} }),
  );
  writeDurably(path, object.body);
}

function forget(folder: string, bucket: string, key: string): void {
  const path = objectPath(folder, bucket, key);
  rmSync(path, { force: true });
  rmSync(`${path}.json`, { force: true });
}

async function patchStoreClass(): Promise<void> {
  const module = (await import(pathToFileURL(storeModulePath()).href)) as { S3Store?: S3StoreClass };
  const prototype = module.S3Store?.prototype;
  for (const method of [
    "createBucket",
    "putObject",
    "deleteObject",
    "deleteObjects",
    "completeMultipartUpload",
  ] as const) {
    if (typeof prototype?.[method] !== "function") {
      throw new Error(
        `fauxqs's S3Store has no ${method}: durable objects need updating for this fauxqs version`,
      );
    }
  }
  const store = prototype!;
  const { createBucket, putObject, deleteObject, deleteObjects, completeMultipartUpload } = store;
  store.createBucket = function (this: S3StoreLike, name) {
    if (claimingFolder !== undefined && !folders.has(this)) {
      folders.set(this, claimingFolder);
      claimed.set(claimingFolder, new WeakRef(this));
    }
    return createBucket.call(this, name);
  };
  store.putObject = function (this: S3StoreLike, bucket, key, body, contentType, metadata) {
    const result = putObject.call(this, bucket, key, body, contentType, metadata);
    const folder = folders.get(this);
    if (folder !== undefined) persist(folder, bucket, key, this.buckets.get(bucket)?.get(key));
    return result;
  };
  store.completeMultipartUpload = function (this: S3StoreLike, uploadId, parts) {
    const upload = this.multipartUploads.get(uploadId);
    const result = completeMultipartUpload.call(this, uploadId, parts);
    const folder = folders.get(this);
    if (folder !== undefined && upload)
      persist(folder, upload.bucket, upload.key, this.buckets.get(upload.bucket)?.get(upload.key));
    return result;
  };
  store.deleteObject = function (this: S3StoreLike, bucket, key) {
    const result = deleteObject.call(this, bucket, key);
    const folder = folders.get(this);
    if (folder !== undefined) forget(folder, bucket, key);
    return result;
  };
  store.deleteObjects = function (this: S3StoreLike, bucket, keys) {
    const result = deleteObjects.call(this, bucket, keys);
    const folder = folders.get(this);
    if (folder !== undefined) for (const key of keys) forget(folder, bucket, key);
    return result;
  };
}

/** Loads the store class's write-through once per process. */
export function enableDurableObjects(): Promise<void> {
  patched ??= patchStoreClass();
  return patched;
}

/**
 * Creates `buckets` in the emulator with their objects kept in `folder`, putting back the objects
 * a previous run left there. `createBucket` is the emulator's own (FauxqsServer.createBucket).
 * Answers how many objects were restored.
 */
export async function createDurableBuckets(
  folder: string,
  buckets: readonly string[],
  createBucket: (name: string) => void,
): Promise<number> {
  await enableDurableObjects();
  let store: S3StoreLike | undefined;
  claimingFolder = folder;
  try {
    for (const bucket of buckets) createBucket(bucket);
  } finally {
    claimingFolder = undefined;
  }
  let restored = 0;
  for (const bucket of buckets) {
    const bucketFolder = join(folder, encodeURIComponent(bucket));
    if (!existsSync(bucketFolder)) continue;
    for (const name of readdirSync(bucketFolder)) {
      if (!name.endsWith(".object.json")) continue;
      const description = JSON.parse(readFileSync(join(bucketFolder, name), "utf8")) as {
        bucket: string;
        key: string;
        contentType?: string;
        metadata?: Record<string, string>;
      };
      const bodyPath = join(bucketFolder, name.slice(0, -".json".length));
      if (!existsSync(bodyPath)) continue;
      store ??= storeOf(folder);
      if (store === undefined) throw new Error("the emulator's S3 store was not claimed for durable objects");
      // Put back quietly: a restored object is not a new upload (no S3 notification).
      const spy = store.spy;
      store.spy = undefined;
      try {
        store.putObject(
          description.bucket,
          description.key,
          readFileSync(bodyPath),
          description.contentType,
          description.metadata,
        );
      } finally {
        store.spy = spy;
      }
      restored += 1;
    }
  }
  return restored;
}

function storeOf(folder: string): S3StoreLike | undefined {
  return claimed.get(folder)?.deref();
}
