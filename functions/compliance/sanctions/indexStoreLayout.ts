/**
 * Where screening-index versions live in the screening-lists bucket. The refresh writes a version
 * under `indexes/`, then replaces `latest.json`, which names it with its hash: a reader that sees
 * the pointer finds a complete object, and can tell a damaged one.
 */
import * as z from "../../shared/zod";

export const latestPointerKey = "latest.json";

/** Where the index versions go; the refresh may write only here and the pointer. */
export const indexObjectPrefix = "indexes/";

export function indexObjectKey(version: string, builtAt: string): string {
  // The build time keeps two refreshes of the same lists apart in the bucket's history.
  return `${indexObjectPrefix}${builtAt.replace(/[:.]/g, "-")}-${version.replace(/[^A-Za-z0-9@#+-]/g, "_")}.json.gz`;
}

export const latestPointerSchema = z.strictObject({
  version: z.string().check(z.minLength(1)),
  key: z.string().check(z.startsWith(indexObjectPrefix)),
  /** SHA-256 (hex) of the gzip object's bytes. */
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  builtAt: z.iso.datetime(),
  lists: z.array(
    z.strictObject({
      list: z.string(),
      publishedAt: z.string(),
      entryCount: z.int().check(z.nonnegative()),
      contentHash: z.string(),
    }),
  ),
});

export type LatestPointer = z.infer<typeof latestPointerSchema>;
