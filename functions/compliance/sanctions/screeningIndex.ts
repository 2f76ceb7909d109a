/**
 * One versioned screening index: every party of every loaded list, and the version of each list
 * (name, publication date, entry count, content hash). The refresh writes it to the screening-lists
 * bucket as gzip JSON; the compliance function reads the newest at cold start. Its `version` is
 * derived from the lists' hashes, so the same lists always give the same version.
 */
import { createHash } from "crypto";
import * as z from "../../shared/zod";
import type { ListVersion, SanctionedParty, SanctionsList } from "./sanctionsList";

export const screeningIndexFormat = 1;

export interface IndexedParty extends SanctionedParty {
  /** Which list the party is on. */
  readonly list: string;
}

export interface ScreeningIndex {
  readonly format: typeof screeningIndexFormat;
  /** "<list>@<published>#<hash prefix>" joined by "+", e.g. "OFAC-SDN@2024-05-03#210ca6b4a818". */
  readonly version: string;
  readonly builtAt: string;
  readonly lists: readonly ListVersion[];
  readonly parties: readonly IndexedParty[];
}

export function indexVersion(lists: readonly ListVersion[]): string {
  return [...lists]
    .sort((a, b) => a.list.localeCompare(b.list))
    .map((list) => `${list.list}@${list.publishedAt}#${list.contentHash.slice(0, 12)}`)
    .join("+");
}

export function buildScreeningIndex(lists: readonly SanctionsList[], builtAt: Date): ScreeningIndex {
  const names = lists.map((list) => list.version.list);
  if (new Set(names).size !== names.length) throw new Error(`a list appears twice: ${names.join(", ")}`);
  const versions = lists.map((list) => list.version);
  return {
    format: screeningIndexFormat,
    version: indexVersion(versions),
    builtAt: builtAt.toISOString(),
    lists: versions,
    parties: lists.flatMap((list) => list.entries.map((entry) => ({ ...entry, list: list.version.list }))),
  };
}

const nonEmpty = z.string().check(z.minLength(1));

const listVersionSchema = z.strictObject({
  list: nonEmpty,
  publishedAt: z.iso.date(),
  entryCount: z.int().check(z.nonnegative()),
  contentHash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
});

const screeningIndexSchema = z.strictObject({
  format: z.literal(screeningIndexFormat),
  version: nonEmpty,
  builtAt: z.iso.datetime(),
  lists: z.array(listVersionSchema).check(z.minLength(1)),
  parties: z.array(
    z.strictObject({
      list: nonEmpty,
      entryNumber: nonEmpty,
      name: nonEmpty,
      type: z.enum(["individual", "entity", "vessel", "aircraft"]),
      programs: z.array(z.string()),
      aliases: z.array(z.string()),
    }),
  ),
});

export class InvalidScreeningIndexError extends Error {
  constructor(problem: string) {
    super(`screening index is invalid: ${problem}`);
    this.name = "InvalidScreeningIndexError";
  }
}

/** Checks an index read back from storage: its shape, and that each list's count is what it holds. */
export function parseScreeningIndex(raw: unknown): ScreeningIndex {
  const parsed = screeningIndexSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidScreeningIndexError(z.prettifyError(parsed.error));
  const index = parsed.data;
  for (const list of index.lists) {
    const held = index.parties.filter((party) => party.list === list.list).length;
    if (held !== list.entryCount) {
      throw new InvalidScreeningIndexError(`${list.list} says ${list.entryCount} entries but holds ${held}`);
    }
  }
  if (index.version !== indexVersion(index.lists)) {
    throw new InvalidScreeningIndexError(`version ${index.version} does not match its lists`);
  }
  return index as ScreeningIndex;
}

/** SHA-256 of the serialised index, recorded beside it so a reader can tell a damaged object. */
export function serialisedIndexHash(serialised: Buffer): string {
  return createHash("sha256").update(serialised).digest("hex");
}
