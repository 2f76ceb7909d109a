/**
 * The OFAC SDN list shipped with the code (lists/ofac/, see its README): the list when the pipeline
 * runs locally, and a deployed function's fallback until the first refresh. The compressed file
 * sits beside the bundle instead of inside it, so the module stays small and the list is read only
 * when screening starts.
 */
import { existsSync, readFileSync } from "fs";
import path from "path";
import { gunzipSync } from "zlib";
import { parseOfacSdnCsv } from "./ofacSdnCsv";
import type { SanctionsList } from "./sanctionsList";
import { buildScreeningIndex, type ScreeningIndex } from "./screeningIndex";

export const bundledSdnFileName = "sdn-2024-05-03.csv.gz";
export const bundledSdnPublishedAt = "2024-05-03";

/** Source tree (tests, tsx, local runtime) or beside the bundle (dist/functions/compliance/lists/). */
function bundledSdnPath(): string {
  const candidates = [
    path.join(__dirname, "..", "lists", "ofac", bundledSdnFileName),
    path.join(__dirname, "lists", "ofac", bundledSdnFileName),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error(`bundled sanctions list not found at ${candidates.join(" or ")}`);
  return found;
}

export function loadBundledSdnList(): SanctionsList {
  const bytes = gunzipSync(readFileSync(bundledSdnPath()));
  return parseOfacSdnCsv(bytes, { publishedAt: bundledSdnPublishedAt });
}

/** The bundled list as a screening index; its build time is the publication date, so it never varies. */
export function bundledScreeningIndex(): ScreeningIndex {
  return buildScreeningIndex([loadBundledSdnList()], new Date(`${bundledSdnPublishedAt}T00:00:00Z`));
}
