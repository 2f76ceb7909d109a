/**
 * The uploads bucket as the intake uses it (layout in shared/fileStatus.ts): `uploads/<id>.csv` as
 * a presigned PUT left it, `validated/<id>.csv` once checked, the object the loader reads. Only
 * this function writes validated/, and only after a file passed, so a validated object is always
 * the exact bytes that were judged:
 * - POST /upload bodies are put as they arrived;
 * - presigned uploads are copied server-side on the condition that the object still has the ETag
 *   of the version that was read (a client may PUT again while its URL is valid).
 */
import { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { incomingKey, validatedKey } from "../shared/fileStatus";

/** The only media type accepted, on POST /upload and on presigned PUTs (where it is signed). */
export const csvMediaType = "text/csv";

/** An S3 call failed; the request (or the event) may be retried. */
export class UploadStorageError extends Error {
  constructor(operation: string, options: { cause: unknown }) {
    super(`Uploads bucket ${operation} failed`, options);
    this.name = "UploadStorageError";
  }
}

/** The incoming object changed between validation and the copy: validate the new version. */
export class UploadChangedError extends Error {
  constructor(readonly fileId: string) {
    super(`The upload of file ${fileId} was replaced while it was being validated`);
    this.name = "UploadChangedError";
  }
}

export interface IncomingObject {
  readonly body: Readable;
  /** The version read, for the conditional copy. */
  readonly etag: string;
}

export interface PresignedUpload {
  readonly url: string;
  readonly expiresAt: Date;
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

export class UploadStorage {
  constructor(
    private readonly s3: S3Client,
    private readonly presignS3: S3Client,
    private readonly bucket: string,
  ) {}

  /** Stores the exact bytes of a validated POST /upload body. */
  async putValidated(fileId: string, bytes: Buffer): Promise<void> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: validatedKey(fileId),
          Body: bytes,
          ContentType: csvMediaType,
          ContentLength: bytes.length,
        }),
      );
    } catch (error) {
      throw new UploadStorageError("put", { cause: error });
    }
  }

  /** Opens a presigned upload as a stream; undefined when the object is gone. */
  async openIncoming(fileId: string): Promise<IncomingObject | undefined> {
    let answer;
    try {
      answer = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: incomingKey(fileId) }));
    } catch (error) {
      if (errorName(error) === "NoSuchKey") return undefined;
      throw new UploadStorageError("get", { cause: error });
    }
    const body = answer.Body;
    if (!(body instanceof Readable) || answer.ETag === undefined) {
      if (body instanceof Readable) body.destroy();
      throw new UploadStorageError("get", {
        cause: new Error("the object came without a Node stream body or an ETag"),
      });
    }
    return { body, etag: answer.ETag };
  }

  /**
   * Removes a presigned upload for good: the bucket is versioned, so a plain delete would only
   * hide it behind a delete marker. The delete comes first (in a versioned bucket it adds a
   * marker, so no later reader sees the file), then every version of the key, marker included.
   */
  async removeIncoming(fileId: string): Promise<void> {
    const key = incomingKey(fileId);
    try {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
      let keyMarker: string | undefined;
      let versionIdMarker: string | undefined;
      do {
        const page = await this.s3.send(
          new ListObjectVersionsCommand({
            Bucket: this.bucket,
            Prefix: key,
            KeyMarker: keyMarker,
            VersionIdMarker: versionIdMarker,
          }),
        );
        const versions = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
          .filter((version) => version.Key === key && version.VersionId !== undefined)
          .map((version) => ({ Key: key, VersionId: version.VersionId }));
        if (versions.length > 0) {
          const deleted = await this.s3.send(
            new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: versions, Quiet: true } }),
          );
          if ((deleted.Errors ?? []).length > 0)
            throw new Error(`${deleted.Errors?.length} versions not deleted`);
        }
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
      } while (keyMarker !== undefined);
    } catch (error) {
      throw new UploadStorageError("remove", { cause: error });
    }
  }

  /** Copies the validated version of a presigned upload to validated/ (server-side, any size up to 5 GB). */
  async copyToValidated(fileId: string, etag: string): Promise<void> {
    try {
      await this.s3.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: validatedKey(fileId),
          CopySource: copySource(this.bucket, incomingKey(fileId)),
          CopySourceIfMatch: etag,
          MetadataDirective: "REPLACE",
          ContentType: csvMediaType,
        }),
      );
    } catch (error) {
      const name = errorName(error);
      if (name === "PreconditionFailed" || name === "NoSuchKey") throw new UploadChangedError(fileId);
      throw new UploadStorageError("copy", { cause: error });
    }
  }

  /**
   * A URL for one PUT of `uploads/<id>.csv`. Content-Type is signed, so S3 refuses an upload
   * without `Content-Type: text/csv`; the client must send exactly the headers answered.
   */
  async presignUpload(fileId: string, now: Date, expirySeconds: number): Promise<PresignedUpload> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: incomingKey(fileId),
      ContentType: csvMediaType,
    });
    // SigV4 dates have whole seconds: the URL dies exactly expirySeconds after the signed second.
    const signedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
    let url: string;
    try {
      url = await getSignedUrl(this.presignS3, command, {
        expiresIn: expirySeconds,
        signingDate: signedAt,
        signableHeaders: new Set(["content-type"]),
      });
    } catch (error) {
      throw new UploadStorageError("presign", { cause: error });
    }
    return { url, expiresAt: new Date(signedAt.getTime() + expirySeconds * 1000) };
  }
}
