/**
 * Turns a name as people write it into comparable words: case folded, diacritics and punctuation
 * gone, honorifics and legal-form noise dropped. Word order is left to the matcher, which compares
 * words as a set. `foldSpelling` then maps the spellings that transliteration varies (Mohammed /
 * Muhammad, Yousef / Yusuf, Dzhokhar / Jokhar) onto one form, so a variant costs little.
 */

/** Letters that Unicode decomposition leaves alone but people write without. */
const letterTransliterations: Readonly<Record<string, string>> = {
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

/** Titles in front of a name: never part of who someone is. */
const honorifics: ReadonlySet<string> = new Set([
  "mr",
  "mrs",
  "ms",
  "miss",
  "mister",
  "madam",
  "dr",
  "prof",
  "professor",
  "sir",
  "dame",
  "lord",
  "sheikh",
  "shaikh",
  "sheik",
  "shaykh",
  "haji",
  "hajji",
  "hadji",
  "mullah",
  "mulla",
  "maulana",
  "mawlana",
  "maulvi",
  "imam",
  "sayyid",
  "sayed",
  "general",
  "gen",
  "colonel",
  "col",
  "major",
  "maj",
  "captain",
  "capt",
  "lieutenant",
  "lt",
  "sr",
  "jr",
]);

/**
 * Words that say nothing about which party it is (articles, connecting particles, legal forms and
 * their common shortenings): "Anglo-Caribbean Co., Ltd." and "Anglo Caribbean Company Limited"
 * are the same name. Matched exactly: folding spellings here would drop real names ("Sik" folds
 * like "Sheik").
 */
const noiseWords: ReadonlySet<string> = new Set([
  "the",
  "of",
  "and",
  "for",
  "de",
  "del",
  "der",
  "da",
  "do",
  "dos",
  "das",
  "di",
  "du",
  "la",
  "le",
  "el",
  "al",
  "ul",
  "bin",
  "ibn",
  "bint",
  "van",
  "von",
  "co",
  "company",
  "corp",
  "corporation",
  "inc",
  "incorporated",
  "ltd",
  "limited",
  "llc",
  "plc",
  "sa",
  "sarl",
  "srl",
  "gmbh",
  "ag",
  "bv",
  "nv",
  "jsc",
  "ojsc",
  "cjsc",
  "pjsc",
  "llp",
  "lp",
  "ooo",
  "oo",
  "lc",
  "zao",
  "oao",
  "fze",
  "fzco",
  "fzc",
  "sdn",
  "bhd",
  "pte",
  "pvt",
  "joint",
  "stock",
  "open",
  "closed",
  "public",
  "private",
  "liability",
  "societe",
  "anonyme",
]);

/** Case fold, strip diacritics, drop apostrophes (PEOPLE'S -> peoples), other punctuation -> space. */
export function normaliseName(name: string): string {
  // Most listed and screened names are plain ASCII: skip Unicode decomposition for them.
  if (/^[\x20-\x7e]*$/.test(name)) {
    return name
      .toLowerCase()
      .replace(/['`]/g, "")
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  }
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[ßæœøđðłþı]/g, (letter) => letterTransliterations[letter] ?? letter)
    .replace(/['’`ʼ‘]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * The words that identify a name, in their written order. Honorifics and noise words are dropped
 * (long legal-form words also when misspelt: "Compnay", "Limted") unless nothing else is left
 * ("The Company" is still a name).
 */
export function nameTokens(name: string): string[] {
  const meaningful = meaningfulWords(name);
  if (meaningful.length > 0) return meaningful;
  const words = normaliseName(name)
    .split(" ")
    .filter((word) => word !== "");
  const untitled = words.filter((word) => !isHonorific(word));
  return untitled.length > 0 ? untitled : words;
}

/** Runs of single letters become one word: "S.A." and "SA", "C. V." and "CV" read the same. */
function joinedInitials(words: readonly string[]): string[] {
  const joined: string[] = [];
  let previousWasLetter = false;
  for (const word of words) {
    if (word.length === 1 && previousWasLetter) joined[joined.length - 1] += word;
    else joined.push(word);
    previousWasLetter = word.length === 1;
  }
  return joined;
}

function normalisedWords(name: string): string[] {
  const normalised = normaliseName(name);
  return normalised === "" ? [] : joinedInitials(normalised.split(" "));
}

/** The words of a name without honorifics and noise words, possibly none ("The Company"). */
export function meaningfulWords(name: string): string[] {
  return normalisedWords(name).filter(
    (word) => !isHonorific(word) && !isNoise(word) && !isMisspeltNoise(word),
  );
}

/** Whole-word spellings of one name, mapped to one form before the letter rules run. */
const nameVariants: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["muhammad", ["mohammed", "mohammad", "mohamed", "mohamad", "muhammed", "mohamud", "mehmet", "mahomed"]],
  ["yusuf", ["yousef", "youssef", "yousif", "yusef", "yosef", "yousuf"]],
  ["husain", ["hussein", "hussain", "husayn", "hosein", "hossein", "husein"]],
  ["abd", ["abdul", "abdel", "abdal", "abdol"]],
  ["ahmad", ["ahmed", "ahmet"]],
  ["mahmud", ["mahmoud", "mahmood"]],
  ["usama", ["osama", "ussama"]],
  ["umar", ["omar", "omer"]],
  ["uthman", ["othman", "osman", "usman"]],
  ["aleksandr", ["alexander", "aleksander", "alexandr"]],
];
const canonicalName = new Map(
  nameVariants.flatMap(([canonical, forms]) => [canonical, ...forms].map((form) => [form, canonical])),
);

/**
 * Letter sequences that transliteration systems write differently for the same sound, longest
 * first. Applied to both sides, so they only ever make two spellings of one name agree.
 */
const spellingVariants: Readonly<Record<string, string>> = {
  dzh: "j",
  dj: "j",
  zh: "j",
  kh: "h",
  gh: "g",
  ph: "f",
  ck: "k",
  q: "k",
  tch: "s",
  tsh: "s",
  sch: "s",
  ch: "s",
  sh: "s",
  ts: "z",
  tz: "z",
  w: "v",
  ou: "u",
  oo: "u",
  ee: "i",
  ie: "i",
  ey: "i",
  ei: "i",
  y: "i",
  ae: "a",
  ai: "a",
  ay: "a",
};
const spellingPattern = new RegExp(
  Object.keys(spellingVariants)
    .sort((a, b) => b.length - a.length)
    .join("|"),
  "g",
);

/** One spelling for the transliteration variants of a normalised word. */
export function foldSpelling(token: string): string {
  const canonical = canonicalName.get(token);
  if (canonical !== undefined) return canonical;
  const folded = token
    .replace(spellingPattern, (sequence) => spellingVariants[sequence] ?? sequence)
    .replace(/(.)\1+/g, "$1");
  return canonicalName.get(folded) ?? folded;
}

function oneLetterDeleted(word: string): string[] {
  const keys: string[] = [];
  for (let index = 0; index < word.length; index += 1)
    keys.push(word.slice(0, index) + word.slice(index + 1));
  return keys;
}

/** Long legal-form words (a typo leaves them recognisable) and each of them with one letter deleted. */
const longNoiseWords: ReadonlySet<string> = new Set([...noiseWords].filter((word) => word.length >= 6));
const longNoiseDeletions: ReadonlySet<string> = new Set([...longNoiseWords].flatMap(oneLetterDeleted));

/**
 * One letter changed, added, dropped or swapped in a long legal-form word ("limqted", "compnay"):
 * two spellings are within one such edit when deleting at most one letter from each makes them equal.
 */
function isMisspeltNoise(word: string): boolean {
  if (word.length < 5 || word.length > 13) return false;
  if (longNoiseDeletions.has(word)) return true;
  return oneLetterDeleted(word).some((key) => longNoiseWords.has(key) || longNoiseDeletions.has(key));
}

/**
 * Only words of five letters or more are also compared in their folded spelling ("Dzhoint" for
 * JOINT, "Hadzhi" for HAJI): a short real name can fold like a title ("Sik" like "Sheik").
 */
const foldedMinimumLength = 5;
const foldedHonorifics: ReadonlySet<string> = new Set([...honorifics].map(foldSpelling));
const foldedNoiseWords: ReadonlySet<string> = new Set([...noiseWords].map(foldSpelling));

function isHonorific(word: string): boolean {
  return (
    honorifics.has(word) || (word.length >= foldedMinimumLength && foldedHonorifics.has(foldSpelling(word)))
  );
}

function isNoise(word: string): boolean {
  return (
    noiseWords.has(word) || (word.length >= foldedMinimumLength && foldedNoiseWords.has(foldSpelling(word)))
  );
}
