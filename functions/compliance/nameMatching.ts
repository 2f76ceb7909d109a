/**
 * Sanctioned-party name matching. Names reach us spelt every which way ("Kim Jong-Un",
 * "KIM JONG UN", "Jong Un Kim"), so both sides are reduced to a set of plain words first.
 * Deliberately simple and explainable: exact words after normalisation, no fuzzy distance, so
 * every hit can be justified to a reviewer. The real list's aliases carry the spelling variants.
 */

/** Letters that Unicode decomposition leaves alone but people write without. */
const transliterations: Readonly<Record<string, string>> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  đ: "d",
  ð: "d",
  ł: "l",
  þ: "th",
  ı: "i",
};

/**
 * Case fold, strip diacritics, drop apostrophes (PEOPLE'S -> peoples), turn other punctuation into
 * spaces, collapse whitespace.
 */
export function normaliseName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[ßæœøđðłþı]/g, (letter) => transliterations[letter] ?? letter)
    .replace(/['’`]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

export function nameWords(name: string): ReadonlySet<string> {
  const normalised = normaliseName(name);
  return new Set(normalised === "" ? [] : normalised.split(" "));
}

/**
 * True when `listedName` matches `screenedName` regardless of word order: every word of a listed
 * name of two or more words appears in the screened name (so legal suffixes and extra words on the
 * screened side do not hide a hit); a one-word listed name (an acronym alias) must be the whole
 * screened name, or it would fire on any name containing that word.
 */
export function namesMatch(listedName: string, screenedName: string): boolean {
  const listed = nameWords(listedName);
  const screened = nameWords(screenedName);
  if (listed.size === 0) return false;
  if (listed.size === 1) return screened.size === 1 && [...listed].every((word) => screened.has(word));
  return [...listed].every((word) => screened.has(word));
}
