/**
 * The official list files the refresh downloads, and how each format is read. Configured as JSON
 * (SCREENING_LISTS_SOURCES) so a stack can add a list or move to a mirror without a code change.
 */
import * as z from "../shared/zod";
import { parseEuConsolidatedXml } from "../compliance/sanctions/euConsolidatedXml";
import { parseOfacSdnCsv } from "../compliance/sanctions/ofacSdnCsv";
import type { SanctionsList } from "../compliance/sanctions/sanctionsList";

export const listFormats = ["ofac-sdn-csv", "eu-fsf-xml"] as const;
export type ListFormat = (typeof listFormats)[number];

export const listSourceSchema = z.strictObject({
  /** The name the list is recorded under ("OFAC-SDN", "EU-FSF"). */
  list: z.string().check(z.regex(/^[A-Z0-9-]+$/)),
  url: z.url({ protocol: /^https?$/ }),
  format: z.enum(listFormats),
});
export const listSourcesSchema = z.array(listSourceSchema).check(z.minLength(1));
export type ListSource = z.infer<typeof listSourceSchema>;

/** OFAC's own SDN list in its legacy CSV layout, and the EU's consolidated financial sanctions XML. */
export const defaultListSources: readonly ListSource[] = [
  {
    list: "OFAC-SDN",
    url: "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.CSV",
    format: "ofac-sdn-csv",
  },
];

/**
 * Reads one downloaded file. sdn.csv carries no date of its own, so its edition is dated by the
 * server's Last-Modified (else the day it was fetched); the EU file dates itself.
 */
export function parseListFile(source: ListSource, bytes: Buffer, lastModified: Date): SanctionsList {
  const publishedAt = lastModified.toISOString().slice(0, 10);
  const parsed =
    source.format === "ofac-sdn-csv"
      ? parseOfacSdnCsv(bytes, { publishedAt })
      : parseEuConsolidatedXml(bytes);
  return { ...parsed, version: { ...parsed.version, list: source.list } };
}
