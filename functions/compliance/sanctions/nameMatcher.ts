/**
 * Fuzzy screening of one name against every name and alias of the loaded lists.
 *
 * Blocking: each listed word is indexed under itself, under each spelling with one letter deleted
 * and under its folded spelling, so a screened word finds the listed words within one typo or one
 * transliteration of it by a few map look-ups. Only names sharing enough such words with the
 * screened name (two, or all of a shorter name) are scored: a handful, never the whole list.
 *
 * Scoring: words are paired greedily by Jaro-Winkler similarity (best pairs first), and the score
 * is the smaller of how much of the screened name and how much of the listed name the pairs cover,
 * weighted by word length. A listed individual's given names after the first may be missing (at a
 * small cost); family names and the words of other names may not.
 */
import { jaroWinkler } from "@skyra/jaro-winkler";
import { foldSpelling, meaningfulWords, nameTokens } from "./nameNormalisation";
import type { SanctionedParty } from "./sanctionsList";

/** Words that pair below this similarity count as unmatched. */
const pairingFloor = 0.75;
/** Score kept for words that differ only in transliteration. */
const foldedEqualSimilarity = 0.98;
/** Share of the screened name's letters a listed name must reach by blocking to be scored at all. */
const minimumSharedShare = 0.5;
/**
 * Multiplier per listed middle name missing from the screened name: below the default block
 * threshold, so a name that matches only without its middle name is reviewed, not blocked.
 */
const missingMiddleNameFactor = 0.955;

interface IndexedName {
  readonly partyIndex: number;
  readonly text: string;
  readonly alias: boolean;
  readonly tokens: readonly string[];
  readonly folded: readonly string[];
  /** Vocabulary index of each word, to reuse a word pair's similarity across names. */
  readonly wordIds: readonly number[];
  /** Per word: may the screened name leave it out (a listed middle name). */
  readonly optional: readonly boolean[];
  readonly requiredHits: number;
  /** Letters in the words a screened name may not leave out. */
  readonly requiredLength: number;
}

/** The listed name a screened name came closest to. */
export interface NameMatch {
  readonly party: SanctionedParty;
  /** Index of the party in the list it was built from. */
  readonly partyIndex: number;
  /** The listed spelling that matched: the primary name or one alias. */
  readonly matchedName: string;
  readonly alias: boolean;
  /** 0–1, rounded to three decimals. */
  readonly score: number;
}

function deletions(token: string): string[] {
  if (token.length < 3) return [];
  const keys: string[] = [];
  for (let index = 0; index < token.length; index += 1)
    keys.push(token.slice(0, index) + token.slice(index + 1));
  return keys;
}

function blockingKeys(token: string, folded: string): string[] {
  return [token, ...deletions(token), `~${folded}`];
}

/**
 * The words of a listed spelling, and which may be missing from a screened name: an individual's
 * given names after the first, when the list writes "FAMILY, Given Middle".
 */
function listedWords(
  text: string,
  party: SanctionedParty,
  alias: boolean,
): { tokens: string[]; optional: boolean[] } {
  const comma = text.indexOf(",");
  if (alias || party.type !== "individual" || comma === -1) {
    const tokens = nameTokens(text);
    return { tokens, optional: tokens.map(() => false) };
  }
  const family = meaningfulWords(text.slice(0, comma));
  const given = meaningfulWords(text.slice(comma + 1));
  if (family.length === 0 || given.length === 0) {
    // "XU, Bin": the given name is only a particle; keep what a screened "Xu Bin" keeps.
    const tokens = nameTokens(text);
    return { tokens, optional: tokens.map(() => false) };
  }
  return {
    tokens: [...family, ...given],
    optional: [...family.map(() => false), ...given.map((_, index) => index > 0)],
  };
}

export function tokenSimilarity(
  screened: string,
  screenedFolded: string,
  listed: string,
  listedFolded: string,
): number {
  if (screened === listed) return 1;
  if (screenedFolded === listedFolded) return foldedEqualSimilarity;
  return Math.max(jaroWinkler(screened, listed), jaroWinkler(screenedFolded, listedFolded));
}

/** Word-pair similarities of one screening, keyed by screened word and listed word. */
type SimilarityCache = Map<number, number>;

/** The score of a screened name (its words and their folded spellings) against one listed name. */
function nameScore(
  tokens: readonly string[],
  folded: readonly string[],
  listed: IndexedName,
  cache: SimilarityCache,
  vocabularySize: number,
): number {
  const pairs: Array<readonly [number, number, number]> = [];
  for (let q = 0; q < tokens.length; q += 1) {
    for (let c = 0; c < listed.tokens.length; c += 1) {
      const key = q * vocabularySize + listed.wordIds[c];
      let similarity = cache.get(key);
      if (similarity === undefined) {
        similarity = tokenSimilarity(tokens[q], folded[q], listed.tokens[c], listed.folded[c]);
        cache.set(key, similarity);
      }
      if (similarity >= pairingFloor) pairs.push([similarity, q, c]);
    }
  }
  pairs.sort((a, b) => b[0] - a[0]);
  const screenedSimilarity = new Array<number>(tokens.length).fill(0);
  const listedSimilarity = new Array<number>(listed.tokens.length).fill(0);
  const screenedUsed = new Array<boolean>(tokens.length).fill(false);
  const listedUsed = new Array<boolean>(listed.tokens.length).fill(false);
  for (const [similarity, q, c] of pairs) {
    if (screenedUsed[q] || listedUsed[c]) continue;
    screenedUsed[q] = listedUsed[c] = true;
    screenedSimilarity[q] = listedSimilarity[c] = similarity;
  }
  let screenedWeight = 0;
  let screenedCovered = 0;
  tokens.forEach((token, q) => {
    screenedWeight += token.length;
    screenedCovered += token.length * screenedSimilarity[q];
  });
  let listedWeight = 0;
  let listedCovered = 0;
  let penalty = 1;
  listed.tokens.forEach((token, c) => {
    if (!listedUsed[c] && listed.optional[c]) {
      penalty *= missingMiddleNameFactor;
      return;
    }
    listedWeight += token.length;
    listedCovered += token.length * listedSimilarity[c];
  });
  if (screenedWeight === 0 || listedWeight === 0) return 0;
  return Math.min(screenedCovered / screenedWeight, (listedCovered / listedWeight) * penalty);
}

export class NameMatcher {
  private readonly names: IndexedName[] = [];
  private readonly vocabulary = new Map<string, number>();
  private readonly postings: number[][] = [];
  // Most keys lead to one word: a bare number saves an array each (cold start is mostly this map).
  private readonly wordsByKey = new Map<string, number | number[]>();
  // Scratch space for one screening, reused: which names a screened word reached, and how often.
  private hits: Uint8Array = new Uint8Array(0);
  private hitLength: Uint16Array = new Uint16Array(0);
  private lastWord: Int32Array = new Int32Array(0);
  private screeningStamp = 0;

  constructor(private readonly parties: readonly SanctionedParty[]) {
    parties.forEach((party, partyIndex) => {
      this.add(partyIndex, party, party.name, false);
      for (const alias of party.aliases) this.add(partyIndex, party, alias, true);
    });
    this.hits = new Uint8Array(this.names.length);
    this.hitLength = new Uint16Array(this.names.length);
    this.lastWord = new Int32Array(this.names.length).fill(-1);
  }

  private readonly foldedWords = new Map<string, string>();

  private folded(token: string): string {
    let folded = this.foldedWords.get(token);
    if (folded === undefined) {
      folded = foldSpelling(token);
      this.foldedWords.set(token, folded);
    }
    return folded;
  }

  /** How many spellings (names and aliases) are indexed. */
  get nameCount(): number {
    return this.names.length;
  }

  private add(partyIndex: number, party: SanctionedParty, text: string, alias: boolean): void {
    const { tokens, optional } = listedWords(text, party, alias);
    if (tokens.length === 0) return;
    const nameIndex = this.names.length;
    const required = optional.filter((isOptional) => !isOptional).length;
    const wordIds = tokens.map((token) => this.wordId(token));
    this.names.push({
      partyIndex,
      text,
      alias,
      tokens,
      folded: tokens.map((token) => this.folded(token)),
      wordIds,
      optional,
      requiredHits: Math.min(2, required),
      requiredLength: tokens.reduce((sum, token, index) => sum + (optional[index] ? 0 : token.length), 0),
    });
    for (const wordIndex of new Set(wordIds)) this.postings[wordIndex].push(nameIndex);
  }

  /** The vocabulary index of a listed word, indexing it under its blocking keys the first time. */
  private wordId(token: string): number {
    const known = this.vocabulary.get(token);
    if (known !== undefined) return known;
    const wordIndex = this.postings.length;
    this.vocabulary.set(token, wordIndex);
    this.postings.push([]);
    for (const key of blockingKeys(token, this.folded(token))) {
      const words = this.wordsByKey.get(key);
      if (words === undefined) this.wordsByKey.set(key, wordIndex);
      else if (typeof words === "number") {
        if (words !== wordIndex) this.wordsByKey.set(key, [words, wordIndex]);
      } else if (words[words.length - 1] !== wordIndex) words.push(wordIndex);
    }
    return wordIndex;
  }

  /** Listed words within one typo or one transliteration of `token`. */
  private nearWords(token: string, folded: string): Set<number> {
    const found = new Set<number>();
    for (const key of blockingKeys(token, folded)) {
      const words = this.wordsByKey.get(key);
      if (typeof words === "number") found.add(words);
      else if (words !== undefined) for (const word of words) found.add(word);
    }
    return found;
  }

  /** Names reached by enough of the screened words to possibly score. */
  private candidates(tokens: readonly string[], folded: readonly string[]): number[] {
    this.screeningStamp += 1;
    const stamp = this.screeningStamp * 64;
    const touched: number[] = [];
    tokens.forEach((token, q) => {
      for (const word of this.nearWords(token, folded[q])) {
        for (const nameIndex of this.postings[word]) {
          // Count each screened word once per name, however many listed words it reached there.
          if (this.lastWord[nameIndex] >= stamp && this.lastWord[nameIndex] - stamp === q) continue;
          if (this.lastWord[nameIndex] < stamp) {
            this.hits[nameIndex] = 0;
            this.hitLength[nameIndex] = 0;
            touched.push(nameIndex);
          }
          this.lastWord[nameIndex] = stamp + q;
          this.hits[nameIndex] += 1;
          this.hitLength[nameIndex] += token.length;
        }
      }
    });
    // Names sharing less than half the letters of the screened name, or of their own required
    // words (a shared word may differ by a letter), cannot cover enough of either to score.
    const screenedLength = tokens.reduce((sum, token) => sum + token.length, 0);
    const minimumLength = screenedLength * minimumSharedShare;
    return touched.filter((nameIndex) => {
      const listed = this.names[nameIndex];
      const shared = this.hitLength[nameIndex];
      return (
        this.hits[nameIndex] >= listed.requiredHits &&
        shared >= minimumLength &&
        shared + this.hits[nameIndex] >= listed.requiredLength * minimumSharedShare
      );
    });
  }

  /** The best-scoring listed name at or above `minimumScore`, or undefined. */
  screen(name: string, minimumScore: number): NameMatch | undefined {
    const tokens = nameTokens(name).slice(0, 63);
    if (tokens.length === 0) return undefined;
    const folded = tokens.map(foldSpelling);
    let best: NameMatch | undefined;
    const cache: SimilarityCache = new Map();
    for (const nameIndex of this.candidates(tokens, folded)) {
      const listed = this.names[nameIndex];
      const score = Math.round(nameScore(tokens, folded, listed, cache, this.postings.length) * 1000) / 1000;
      if (score < minimumScore) continue;
      if (
        best !== undefined &&
        (score < best.score || (score === best.score && listed.partyIndex >= best.partyIndex))
      ) {
        continue;
      }
      best = {
        party: this.parties[listed.partyIndex],
        partyIndex: listed.partyIndex,
        matchedName: listed.text,
        alias: listed.alias,
        score,
      };
    }
    return best;
  }
}
