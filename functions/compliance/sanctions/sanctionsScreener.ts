/**
 * Screens one name against a screening index and says what to do: a score at or above the block
 * threshold is BLOCK, at or above the review threshold REVIEW. The answer names the list, the
 * entry, the spelling that matched and the score, so an analyst can check it against the list.
 */
import type { SanctionsEntryMatch } from "../../shared/stepContracts";
import { NameMatcher } from "./nameMatcher";
import type { ListVersion } from "./sanctionsList";
import type { ScreeningIndex } from "./screeningIndex";

export interface ScreeningThresholds {
  /** Scores at or above this are sent to review (0–1). */
  readonly review: number;
  /** Scores at or above this are blocked (0–1, at least `review`). */
  readonly block: number;
}

export interface SanctionsMatch extends SanctionsEntryMatch {
  readonly outcome: "BLOCK" | "REVIEW";
  /** The entry's type on the list (individual, entity, vessel, ...). */
  readonly type: string;
}

/**
 * Chosen on the screening benchmark (`npm run bench -- screening`): at 0.91 it finds 99 % of the
 * listed names written in the variant forms with 0.4 % of ordinary names sent to review; only a
 * near-exact spelling blocks outright.
 */
export const defaultScreeningThresholds: ScreeningThresholds = { review: 0.91, block: 0.97 };

export function checkThresholds(thresholds: ScreeningThresholds): ScreeningThresholds {
  const { review, block } = thresholds;
  if (!(review > 0 && review <= 1 && block > 0 && block <= 1 && review <= block)) {
    throw new RangeError(
      `screening thresholds need 0 < review <= block <= 1, got review ${review}, block ${block}`,
    );
  }
  return thresholds;
}

export class SanctionsScreener {
  private builtMatcher?: NameMatcher;
  readonly thresholds: ScreeningThresholds;

  constructor(
    readonly index: ScreeningIndex,
    thresholds: ScreeningThresholds,
  ) {
    this.thresholds = checkThresholds(thresholds);
  }

  /**
   * Builds the name index now rather than at the first name screened: a deployed function calls
   * this during its init phase, so no transaction waits for it.
   */
  warm(): this {
    this.matcher();
    return this;
  }

  private matcher(): NameMatcher {
    this.builtMatcher ??= new NameMatcher(this.index.parties);
    return this.builtMatcher;
  }

  get version(): string {
    return this.index.version;
  }

  get lists(): readonly ListVersion[] {
    return this.index.lists;
  }

  screen(name: string): SanctionsMatch | undefined {
    const match = this.matcher().screen(name, this.thresholds.review);
    if (match === undefined) return undefined;
    const party = this.index.parties[match.partyIndex];
    return {
      outcome: match.score >= this.thresholds.block ? "BLOCK" : "REVIEW",
      list: party.list,
      entryNumber: party.entryNumber,
      listedName: party.name,
      matchedName: match.matchedName,
      alias: match.alias,
      score: match.score,
      programs: party.programs,
      type: party.type,
    };
  }
}
