/**
 * What every sanctions list becomes once parsed, whatever its official format: entries with their
 * names and aliases, and the version of the list they came from. A screening decision quotes both,
 * so an analyst can find the entry in the publisher's own file.
 */

export type SanctionedPartyType = "individual" | "entity" | "vessel" | "aircraft";

/** A published list at one point in time. */
export interface ListVersion {
  /** Short stable name: "OFAC-SDN", "EU-FSF". */
  readonly list: string;
  /** The publisher's date for this edition (YYYY-MM-DD). */
  readonly publishedAt: string;
  readonly entryCount: number;
  /** SHA-256 (hex) of the official file's bytes as downloaded. */
  readonly contentHash: string;
}

export interface SanctionedParty {
  /** The publisher's own number for the entry (OFAC ent_num, EU logicalId). */
  readonly entryNumber: string;
  readonly name: string;
  readonly type: SanctionedPartyType;
  readonly programs: readonly string[];
  readonly aliases: readonly string[];
}

/** One parsed list: its version and its entries. */
export interface SanctionsList {
  readonly version: ListVersion;
  readonly entries: readonly SanctionedParty[];
}

/** An official file that cannot be used as a list: wrong layout, cut short, implausible. */
export class SanctionsListFormatError extends Error {
  constructor(
    readonly list: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${list} list refused: ${problem}`, options);
    this.name = "SanctionsListFormatError";
  }
}
