/**
 * Reading and updating a partition manifest (layout in shared/archiveLayout.ts), and the
 * watermark saying which day the next run starts from. Pure: the S3 side is in archiveObjects.ts.
 * The verify CLI parses manifests with the same schema, so the two can never disagree.
 */
import * as z from "../shared/zod";
import {
  archivePrefix,
  isArchiveDay,
  manifestKey,
  partitionPrefix,
  type ManifestPart,
  type ManifestPartState,
  type PartitionManifest,
} from "../shared/archiveLayout";
import { ArchiveStateError } from "./errors";

/** Where the job keeps its watermark; outside `transactions/` so no partition ever lists it. */
export const watermarkKey = "state/archival-watermark.json";

const daySchema = z.string().check(z.refine(isArchiveDay, "expected a YYYY-MM-DD day"));
const count = z.int().check(z.gte(0));

const partSchema = z.object({
  key: z.string().check(z.minLength(1)),
  records: count,
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex digits")),
  bytes: count,
  state: z.enum(["written", "complete"]),
});

const manifestSchema = z.object({
  partition: z.string(),
  day: daySchema,
  parts: z.array(partSchema),
  records: count,
  updatedAt: z.string(),
});

const watermarkSchema = z.object({ nextDay: daySchema });

export interface Watermark {
  /** The first day the next run looks at: every earlier day has nothing left to archive. */
  readonly nextDay: string;
}

function parseJson(text: string, key: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ArchiveStateError(key, "not valid JSON", { cause: error });
  }
}

function schemaProblem(error: z.core.$ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}

/** The manifest stored at `key`, checked against its schema; fails naming the key and the problem. */
export function parseManifest(text: string, key: string): PartitionManifest {
  const parsed = manifestSchema.safeParse(parseJson(text, key));
  if (!parsed.success) throw new ArchiveStateError(key, schemaProblem(parsed.error));
  return parsed.data;
}

export function parseWatermark(text: string, key: string = watermarkKey): Watermark {
  const parsed = watermarkSchema.safeParse(parseJson(text, key));
  if (!parsed.success) throw new ArchiveStateError(key, schemaProblem(parsed.error));
  return { nextDay: parsed.data.nextDay };
}

/** `dt=YYYY-MM-DD`, the partition's folder name (the manifest's and the record's `partition`). */
export function partitionName(day: string): string {
  // partitionPrefix validates the day: `transactions/dt=YYYY-MM-DD/`.
  return partitionPrefix(day).slice(archivePrefix.length, -1);
}

export function emptyManifest(day: string, now: Date): PartitionManifest {
  return {
    partition: partitionName(day),
    day,
    parts: [],
    records: 0,
    updatedAt: now.toISOString(),
  };
}

/** The manifest with `part` appended; its key must be the next part of the day. */
export function withPart(manifest: PartitionManifest, part: ManifestPart, now: Date): PartitionManifest {
  const parts = [...manifest.parts, part];
  return {
    ...manifest,
    parts,
    records: parts.reduce((sum, each) => sum + each.records, 0),
    updatedAt: now.toISOString(),
  };
}

export function withPartState(
  manifest: PartitionManifest,
  key: string,
  state: ManifestPartState,
  now: Date,
): PartitionManifest {
  if (!manifest.parts.some((part) => part.key === key)) {
    throw new ArchiveStateError(manifestKey(manifest.day), `lists no part ${key}`);
  }
  return {
    ...manifest,
    parts: manifest.parts.map((part) => (part.key === key ? { ...part, state } : part)),
    updatedAt: now.toISOString(),
  };
}

/** The manifest as stored: indented, so an auditor can read it as it is. */
export function manifestText(manifest: PartitionManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function watermarkText(watermark: Watermark, now: Date): string {
  return `${JSON.stringify({ nextDay: watermark.nextDay, updatedAt: now.toISOString() }, null, 2)}\n`;
}

/** True when the manifest describes `day` (a manifest copied into another partition is not trusted). */
export function describesDay(manifest: PartitionManifest, day: string): boolean {
  return manifest.day === day && manifest.partition === partitionName(day);
}
