/**
 * Re-checks one day's partition of the audit archive against its manifest: every listed part must
 * exist with exactly the byte length and SHA-256 the manifest recorded, gunzip, and hold as many
 * NDJSON lines (each an archived transaction) as the manifest says; the partition must hold no
 * object the manifest does not list. Reads only (GetObject, ListObjectsV2).
 *
 * A part still "written" (its deletes not finished by the archival job yet) is reported as such but
 * is not a failure: its object is already final.
 */
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import { lineTransactionId, partLines } from "../functions/archival/itemCodec";
import { parseManifest } from "../functions/archival/manifest";
import {
  manifestKey,
  partKey,
  partitionPrefix,
  type ManifestPartState,
  type PartitionManifest,
} from "../functions/shared/archiveLayout";
import { transactionsTableDefinition } from "../functions/shared/tableDefinitions";

export interface PartCheck {
  readonly key: string;
  readonly state: ManifestPartState;
  readonly expectedRecords: number;
  readonly expectedBytes: number;
  readonly expectedSha256: string;
  /** Undefined when the object is missing. */
  readonly actualBytes?: number;
  readonly actualSha256?: string;
  /** Undefined when the object is missing or not gzip. */
  readonly actualRecords?: number;
  /** Empty when the part matches its manifest entry. */
  readonly problems: readonly string[];
}

export interface PartitionCheck {
  readonly bucket: string;
  readonly day: string;
  readonly manifestKey: string;
  /** Undefined when the manifest is missing or unreadable (see problems). */
  readonly manifest?: PartitionManifest;
  readonly parts: readonly PartCheck[];
  /** Objects under the partition that the manifest does not list. */
  readonly extraObjects: readonly string[];
  /** Problems of the partition as a whole (manifest missing or inconsistent). */
  readonly problems: readonly string[];
  /** True when nothing at all is wrong. */
  readonly ok: boolean;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === "NoSuchKey" || error.name === "NotFound" || status === 404;
}

async function getObject(s3: S3Client, bucket: string, key: string): Promise<Uint8Array | undefined> {
  try {
    const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (answer.Body === undefined) return new Uint8Array();
    return await answer.Body.transformToByteArray();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function listPartition(s3: S3Client, bucket: string, day: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2(
    { client: s3 },
    { Bucket: bucket, Prefix: partitionPrefix(day) },
  )) {
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
  }
  return keys.sort();
}

/** What is wrong with the lines of a part (each must be a JSON object with a transaction id). */
function lineProblems(lines: readonly string[]): string[] {
  const invalid = lines.filter(
    (line) => lineTransactionId(line, transactionsTableDefinition.partitionKey) === undefined,
  );
  return invalid.length === 0 ? [] : [`${invalid.length} line(s) are not archived transactions`];
}

async function checkPart(
  s3: S3Client,
  bucket: string,
  listed: ReadonlySet<string>,
  part: PartitionManifest["parts"][number],
): Promise<PartCheck> {
  const expected = {
    key: part.key,
    state: part.state,
    expectedRecords: part.records,
    expectedBytes: part.bytes,
    expectedSha256: part.sha256,
  };
  // The listing decides what exists: a GetObject of a missing key is a 403, not a 404, for a
  // caller whose s3:ListBucket is limited to prefixes.
  const bytes = listed.has(part.key) ? await getObject(s3, bucket, part.key) : undefined;
  if (bytes === undefined) return { ...expected, problems: ["object missing"] };
  const problems: string[] = [];
  const actualSha256 = sha256Hex(bytes);
  if (bytes.byteLength !== part.bytes)
    problems.push(`size ${bytes.byteLength} bytes, manifest says ${part.bytes}`);
  if (actualSha256 !== part.sha256) problems.push("SHA-256 differs from the manifest");
  let actualRecords: number | undefined;
  try {
    const lines = partLines(gunzipSync(bytes).toString("utf8"));
    actualRecords = lines.length;
    if (actualRecords !== part.records)
      problems.push(`${actualRecords} records, manifest says ${part.records}`);
    problems.push(...lineProblems(lines));
  } catch (error) {
    problems.push(`not gzip: ${message(error)}`);
  }
  return {
    ...expected,
    actualBytes: bytes.byteLength,
    actualSha256,
    ...(actualRecords === undefined ? {} : { actualRecords }),
    problems,
  };
}

/** Problems of the manifest itself: parts named out of order, totals that do not add up. */
function manifestProblems(manifest: PartitionManifest, day: string): string[] {
  const problems: string[] = [];
  if (manifest.day !== day) problems.push(`manifest describes day ${manifest.day}, not ${day}`);
  manifest.parts.forEach((part, index) => {
    if (part.key !== partKey(day, index))
      problems.push(`part ${index} is named ${part.key}, expected ${partKey(day, index)}`);
  });
  const sum = manifest.parts.reduce((total, part) => total + part.records, 0);
  if (sum !== manifest.records)
    problems.push(`manifest total ${manifest.records} records, its parts add up to ${sum}`);
  return problems;
}

/** Verifies the partition of `day` in `bucket`. Throws only when S3 itself cannot be read. */
export async function verifyPartition(s3: S3Client, bucket: string, day: string): Promise<PartitionCheck> {
  const key = manifestKey(day);
  const listed = await listPartition(s3, bucket, day);
  const manifestBytes = listed.includes(key) ? await getObject(s3, bucket, key) : undefined;
  const base = { bucket, day, manifestKey: key };
  if (manifestBytes === undefined) {
    return {
      ...base,
      parts: [],
      extraObjects: listed.filter((each) => each !== key),
      problems: [`no manifest at ${key}`],
      ok: false,
    };
  }
  let manifest: PartitionManifest;
  try {
    manifest = parseManifest(Buffer.from(manifestBytes).toString("utf8"), key);
  } catch (error) {
    return {
      ...base,
      parts: [],
      extraObjects: listed.filter((each) => each !== key),
      problems: [message(error)],
      ok: false,
    };
  }
  const parts: PartCheck[] = [];
  const existing = new Set(listed);
  for (const part of manifest.parts) parts.push(await checkPart(s3, bucket, existing, part));
  const known = new Set([key, ...manifest.parts.map((part) => part.key)]);
  const extraObjects = listed.filter((each) => !known.has(each));
  const problems = manifestProblems(manifest, day);
  const ok =
    problems.length === 0 && extraObjects.length === 0 && parts.every((part) => part.problems.length === 0);
  return { ...base, manifest, parts, extraObjects, problems, ok };
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join("  ")
      .trimEnd(),
  );
}

function shaCell(part: PartCheck): string {
  if (part.actualSha256 === undefined) return "-";
  return `${part.actualSha256.slice(0, 12)} ${part.actualSha256 === part.expectedSha256 ? "ok" : "MISMATCH"}`;
}

/** A per-part table and a summary, for the terminal. */
export function formatPartitionCheck(check: PartitionCheck): string {
  const lines = [`Partition s3://${check.bucket}/${partitionPrefix(check.day)}`];
  if (check.manifest) {
    lines.push(
      `Manifest ${check.manifestKey}: ${check.manifest.parts.length} part(s), ` +
        `${check.manifest.records} record(s), updated ${check.manifest.updatedAt}`,
    );
  }
  if (check.parts.length > 0) {
    lines.push("");
    const rows = [["PART", "STATE", "RECORDS", "BYTES", "SHA-256", "RESULT"]];
    for (const part of check.parts) {
      const name = part.key.slice(partitionPrefix(check.day).length);
      rows.push([
        name,
        part.state,
        `${part.actualRecords ?? "-"}/${part.expectedRecords}`,
        `${part.actualBytes ?? "-"}/${part.expectedBytes}`,
        shaCell(part),
        part.problems.length === 0 ? "ok" : part.problems.join("; "),
      ]);
    }
    lines.push(...table(rows));
  }
  for (const extra of check.extraObjects) lines.push(`EXTRA  ${extra} is not listed in the manifest`);
  for (const problem of check.problems) lines.push(`PROBLEM  ${problem}`);
  const failedParts = check.parts.filter((part) => part.problems.length > 0).length;
  const pending = check.parts.filter((part) => part.state === "written").length;
  const verifiedRecords = check.parts
    .filter((part) => part.problems.length === 0)
    .reduce((sum, part) => sum + part.expectedRecords, 0);
  lines.push("");
  lines.push(
    `Summary: ${check.parts.length} part(s) checked, ${check.parts.length - failedParts} ok, ${failedParts} failed; ` +
      `${check.extraObjects.length} extra object(s); ${verifiedRecords}/${check.manifest?.records ?? 0} record(s) verified` +
      (pending > 0 ? `; ${pending} part(s) still finishing their deletes` : "") +
      `. ${check.ok ? "OK" : "FAILED"}`,
  );
  return `${lines.join("\n")}\n`;
}
