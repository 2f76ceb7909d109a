/**
 * One refresh of the screening lists: download each official file, refuse anything that is not a
 * complete list (wrong format, cut short, entry count collapsed against the version screening
 * uses now), and write a new screening-index version to the bucket, then point `latest.json` at
 * it. Content identical to the current version writes nothing. A refused list leaves the current
 * version in place: screening carries on with it, and the stale-list alarm says so in time.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { createHash } from "crypto";
import { gzipSync } from "zlib";
import {
  indexObjectKey,
  latestPointerKey,
  latestPointerSchema,
  type LatestPointer,
} from "../compliance/sanctions/indexStoreLayout";
import { SanctionsListFormatError, type SanctionsList } from "../compliance/sanctions/sanctionsList";
import { buildScreeningIndex } from "../compliance/sanctions/screeningIndex";
import { parseListFile, type ListSource } from "./listSources";

/** A list the refresh will not publish: the reason names the list and what was wrong. */
export class ScreeningListRefusedError extends Error {
  constructor(
    readonly list: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${list} refused: ${problem}`, options);
    this.name = "ScreeningListRefusedError";
  }
}

export interface RefreshDependencies {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly fetch: typeof fetch;
  readonly now: () => Date;
  /** A list may shrink to this share (0–1) of its current entry count and no further. */
  readonly minimumRetainedShare: number;
  readonly downloadTimeoutMs: number;
}

export type RefreshOutcome =
  | {
      readonly status: "written";
      readonly version: string;
      readonly key: string;
      readonly pointer: LatestPointer;
    }
  | { readonly status: "unchanged"; readonly version: string };

async function download(
  source: ListSource,
  deps: RefreshDependencies,
): Promise<{ bytes: Buffer; lastModified: Date }> {
  let answer: Response;
  try {
    answer = await deps.fetch(source.url, { signal: AbortSignal.timeout(deps.downloadTimeoutMs) });
  } catch (error) {
    throw new ScreeningListRefusedError(source.list, `download failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!answer.ok) throw new ScreeningListRefusedError(source.list, `download answered HTTP ${answer.status}`);
  const bytes = Buffer.from(await answer.arrayBuffer());
  // A connection dropped mid-body can still end "successfully" with fewer bytes than announced.
  const announced = answer.headers.get("content-length");
  if (
    announced !== null &&
    answer.headers.get("content-encoding") === null &&
    Number(announced) !== bytes.length
  ) {
    throw new ScreeningListRefusedError(
      source.list,
      `received ${bytes.length} bytes of the ${announced} announced: cut short`,
    );
  }
  const modified = Date.parse(answer.headers.get("last-modified") ?? "");
  return { bytes, lastModified: Number.isNaN(modified) ? deps.now() : new Date(modified) };
}

function parse(source: ListSource, bytes: Buffer, lastModified: Date): SanctionsList {
  try {
    return parseListFile(source, bytes, lastModified);
  } catch (error) {
    if (error instanceof SanctionsListFormatError) {
      throw new ScreeningListRefusedError(source.list, error.message, { cause: error });
    }
    throw error;
  }
}

async function readLatest(deps: RefreshDependencies): Promise<LatestPointer | undefined> {
  try {
    const answer = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: latestPointerKey }));
    const text = (await answer.Body?.transformToString("utf8")) ?? "";
    return latestPointerSchema.parse(JSON.parse(text));
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}

function checkNotCollapsed(list: SanctionsList, previous: LatestPointer | undefined, share: number): void {
  const { list: name, entryCount } = list.version;
  if (entryCount === 0) throw new ScreeningListRefusedError(name, "the file holds no entries");
  const before = previous?.lists.find((version) => version.list === name)?.entryCount;
  if (before !== undefined && entryCount < Math.ceil(before * share)) {
    throw new ScreeningListRefusedError(
      name,
      `entry count collapsed from ${before} to ${entryCount} (at least ${Math.ceil(before * share)} expected)`,
    );
  }
}

export async function refreshScreeningLists(
  sources: readonly ListSource[],
  deps: RefreshDependencies,
): Promise<RefreshOutcome> {
  const previous = await readLatest(deps);
  const lists: SanctionsList[] = [];
  for (const source of sources) {
    const { bytes, lastModified } = await download(source, deps);
    const list = parse(source, bytes, lastModified);
    checkNotCollapsed(list, previous, deps.minimumRetainedShare);
    lists.push(list);
  }
  const builtAt = deps.now();
  const index = buildScreeningIndex(lists, builtAt);
  if (previous !== undefined && previous.version === index.version) {
    return { status: "unchanged", version: index.version };
  }
  const body = gzipSync(JSON.stringify(index));
  const key = indexObjectKey(index.version, index.builtAt);
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: deps.bucket,
      Key: key,
      Body: body,
      ContentType: "application/gzip",
      ServerSideEncryption: "aws:kms",
    }),
  );
  const pointer: LatestPointer = {
    version: index.version,
    key,
    sha256: createHash("sha256").update(body).digest("hex"),
    builtAt: index.builtAt,
    lists: index.lists.map((list) => ({ ...list })),
  };
  // Written after the index object, so a reader never finds a pointer to nothing.
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: deps.bucket,
      Key: latestPointerKey,
      Body: JSON.stringify(pointer, null, 2),
      ContentType: "application/json",
      ServerSideEncryption: "aws:kms",
    }),
  );
  return { status: "written", version: index.version, key, pointer };
}
