/**
 * The OFAC SDN list shipped with the code (lists/ofac/, see its README): the list when the pipeline
 * runs locally, and a deployed function's fallback until the first refresh. The compressed file
 * sits beside the bundle instead of inside it, so the module stays small and the list is read only
 * when screening starts. The bundle build also writes the list's screening index beside it
 * (gzip JSON, as the screening-lists bucket holds them): reading that is about ten times faster
 * than parsing the CSV, and it is the very index the CSV gives.
 */
import { existsSync, readFileSync } from "fs";
import path from "path";
import { gunzipSync, gzipSync } from "zlib";
import { parseOfacSdnCsv } from "./ofacSdnCsv";
import type { SanctionsList } from "./sanctionsList";
import {
  buildScreeningIndex,
  indexVersion,
  screeningIndexFormat,
  type ScreeningIndex,
} from "./screeningIndex";

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

/** The bundled list's index as written beside a bundle, relative to the bundle's folder. */
export const prebuiltIndexPath = path.join("lists", "ofac", "sdn-2024-05-03.index.json.gz");

function indexFromCsv(): ScreeningIndex {
  return buildScreeningIndex([loadBundledSdnList()], new Date(`${bundledSdnPublishedAt}T00:00:00Z`));
}

/** The bundled list's index, serialised for `prebuiltIndexPath` (functions/build.ts writes it). */
export function serialisedBundledIndex(): Buffer {
  return gzipSync(JSON.stringify(indexFromCsv()), { level: 9 });
}

/**
 * An index the build wrote beside the bundle. It is checked as a whole (format, version, entry
 * counts) but not party by party as a downloaded index is: it was made from the CSV by this code
 * in the same build as the bundle, and checking every party would cost more than it saves.
 */
function readPrebuiltIndex(file: string): ScreeningIndex {
  const index = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as ScreeningIndex;
  const counts = index.lists.map((list) => index.parties.filter((party) => party.list === list.list).length);
  if (
    index.format !== screeningIndexFormat ||
    index.version !== indexVersion(index.lists) ||
    index.lists.some((list, position) => list.entryCount !== counts[position])
  ) {
    throw new Error(`${file} is not a complete screening index of ${index.version}`);
  }
  return index;
}

/**
 * The bundled list as a screening index; its build time is the publication date, so it never
 * varies. Beside a bundle, the index the build wrote; in the source tree, built from the CSV.
 */
export function bundledScreeningIndex(): ScreeningIndex {
  const prebuilt = path.join(__dirname, prebuiltIndexPath);
  return existsSync(prebuilt) ? readPrebuiltIndex(prebuilt) : indexFromCsv();
}
