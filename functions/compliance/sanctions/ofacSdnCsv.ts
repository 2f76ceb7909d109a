/**
 * OFAC's `sdn.csv` (the Specially Designated Nationals list in its official CSV layout): twelve
 * columns, no header, `-0-` for empty, aliases only inside Remarks as `a.k.a. '…'`, CRLF lines
 * and a DOS end-of-file byte. A file that does not look like that is refused, never half read: a
 * truncated download must not become a shorter list.
 */
import { createHash } from "crypto";
import { parse } from "csv-parse/sync";
import {
  SanctionsListFormatError,
  type SanctionedParty,
  type SanctionedPartyType,
  type SanctionsList,
} from "./sanctionsList";

export const ofacSdnListName = "OFAC-SDN";

const columnCount = 12;
const empty = "-0-";
const typeBySdnType: Readonly<Record<string, SanctionedPartyType>> = {
  "": "entity",
  individual: "individual",
  vessel: "vessel",
  aircraft: "aircraft",
};

/** `a.k.a.` (also known as) and `f.k.a.` (formerly known as): both are names a party trades under. */
const aliasPattern = /\b[af]\.k\.a\. '([^']+(?:'[^';.]+)*)'/g;

function field(value: string | undefined): string {
  const trimmed = (value ?? "").trim();
  return trimmed === empty ? "" : trimmed;
}

/** `SDGT] [IFSR` → ["SDGT", "IFSR"]: OFAC joins several programs with "] [". */
export function sdnPrograms(program: string): string[] {
  return program
    .split("] [")
    .map((part) => part.replace(/[[\]]/g, "").trim())
    .filter((part) => part !== "");
}

/** Aliases quoted in Remarks, in order, without repeats. */
export function remarksAliases(remarks: string): string[] {
  const aliases = [...remarks.matchAll(aliasPattern)].map((match) => match[1].trim());
  return [...new Set(aliases)].filter((alias) => alias !== "");
}

function partyOf(record: readonly string[], line: number): SanctionedParty {
  if (record.length !== columnCount) {
    throw new SanctionsListFormatError(
      ofacSdnListName,
      `line ${line} has ${record.length} columns, sdn.csv has ${columnCount}`,
    );
  }
  const entryNumber = field(record[0]);
  const name = field(record[1]);
  const sdnType = field(record[2]).toLowerCase();
  if (!/^\d+$/.test(entryNumber)) {
    throw new SanctionsListFormatError(
      ofacSdnListName,
      `line ${line}: ent_num "${entryNumber}" is not a number`,
    );
  }
  if (name === "") throw new SanctionsListFormatError(ofacSdnListName, `line ${line}: SDN_Name is empty`);
  const type = typeBySdnType[sdnType];
  if (type === undefined) {
    throw new SanctionsListFormatError(ofacSdnListName, `line ${line}: unknown SDN_Type "${sdnType}"`);
  }
  const aliases = remarksAliases(field(record[11])).filter((alias) => alias !== name);
  return {
    entryNumber,
    name,
    type,
    programs: sdnPrograms(field(record[3])),
    aliases,
  };
}

export interface OfacSdnCsvOptions {
  /** The edition's publication date (YYYY-MM-DD); sdn.csv itself does not carry it. */
  readonly publishedAt: string;
}

/**
 * Parses the bytes of an `sdn.csv`. The hash is of the bytes exactly as given, so it can be
 * compared with what OFAC serves.
 */
export function parseOfacSdnCsv(bytes: Buffer, options: OfacSdnCsvOptions): SanctionsList {
  const contentHash = createHash("sha256").update(bytes).digest("hex");
  let text = bytes.toString("latin1");
  // A complete file ends with a line break (and OFAC's end-of-file byte): anything else was cut.
  const end = text.replace(/\x1a$/, "");
  if (!/\r?\n$/.test(end)) {
    throw new SanctionsListFormatError(ofacSdnListName, "the file does not end with a line break: cut short");
  }
  text = end;
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true });
  } catch (error) {
    throw new SanctionsListFormatError(ofacSdnListName, `not CSV: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const entries = records.map((record, index) => partyOf(record, index + 1));
  const numbers = new Set(entries.map((entry) => entry.entryNumber));
  if (numbers.size !== entries.length) {
    throw new SanctionsListFormatError(ofacSdnListName, "an ent_num appears twice");
  }
  return {
    version: {
      list: ofacSdnListName,
      publishedAt: options.publishedAt,
      entryCount: entries.length,
      contentHash,
    },
    entries,
  };
}
