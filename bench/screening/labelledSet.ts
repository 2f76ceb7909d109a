/**
 * The screening evaluation set, rebuilt from the list and a seed on every run: sampled listed
 * spellings (primary names and aliases) rendered the ways customers write them, and ordinary names
 * that are on no list. The same list, seed and sizes give the same set everywhere.
 */
import { nameTokens } from "../../functions/compliance/sanctions/nameNormalisation";
import type { SanctionedParty } from "../../functions/compliance/sanctions/sanctionsList";
import { SeededRandom } from "../lib/random";
import commonNames from "./commonNames.json";

export const variantKinds = [
  "exact",
  "otherCase",
  "diacritics",
  "reordered",
  "middleNameDropped",
  "typo",
  "transliteration",
] as const;
export type VariantKind = (typeof variantKinds)[number];

export interface PositiveCase {
  readonly kind: VariantKind;
  readonly name: string;
  readonly listedName: string;
  readonly entryNumber: string;
}

/** Listed spelling → written form, or undefined when the kind does not apply to that name. */
type Renderer = (
  listed: string,
  party: SanctionedParty,
  alias: boolean,
  random: SeededRandom,
) => string | undefined;

function naturalOrder(listed: string): string {
  const comma = listed.indexOf(",");
  return comma === -1 ? listed : `${listed.slice(comma + 1).trim()} ${listed.slice(0, comma).trim()}`;
}

function titleCase(text: string): string {
  return text
    .toLowerCase()
    .replace(/(^|[\s-])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}

const accented: Readonly<Record<string, string>> = {
  a: "á",
  e: "é",
  i: "í",
  o: "ó",
  u: "ü",
  n: "ñ",
  c: "ç",
  s: "š",
};

function withDiacritics(text: string, random: SeededRandom): string | undefined {
  // Listed names with diacritics are written without them; plain ones gain some, as many systems add them.
  const stripped = text.normalize("NFKD").replace(/\p{M}/gu, "");
  if (stripped !== text) return stripped;
  const positions = [...text].flatMap((letter, index) => (accented[letter.toLowerCase()] ? [index] : []));
  if (positions.length === 0) return undefined;
  const letters = [...text];
  const chosen = new Set([random.pick(positions), random.pick(positions)]);
  for (const index of chosen) {
    const lower = accented[letters[index].toLowerCase()];
    letters[index] = letters[index] === letters[index].toLowerCase() ? lower : lower.toUpperCase();
  }
  return letters.join("");
}

function reordered(listed: string, random: SeededRandom): string | undefined {
  const words = naturalOrder(listed).split(/\s+/);
  if (words.length < 2) return undefined;
  // Family name first without the comma, as many forms and card schemes write it.
  if (listed.includes(",")) return listed.replace(",", "");
  const rotation = random.integer(1, words.length - 1);
  return [...words.slice(rotation), ...words.slice(0, rotation)].join(" ");
}

function middleNameDropped(
  listed: string,
  party: SanctionedParty,
  alias: boolean,
  random: SeededRandom,
): string | undefined {
  if (alias || party.type !== "individual" || !listed.includes(",")) return undefined;
  const [family, given] = listed.split(",", 2).map((part) => part.trim());
  const givenWords = given.split(/\s+/);
  if (givenWords.length < 2) return undefined;
  const dropped = random.integer(1, givenWords.length - 1);
  return `${givenWords.filter((_, index) => index !== dropped).join(" ")} ${family}`;
}

const alphabet = "abcdefghijklmnopqrstuvwxyz";

function typo(listed: string, random: SeededRandom): string | undefined {
  const words = naturalOrder(listed).split(/\s+/);
  const long = words.flatMap((word, index) => (/^\p{L}{4,}$/u.test(word) ? [index] : []));
  if (long.length === 0) return undefined;
  const index = random.pick(long);
  const letters = [...words[index].toLowerCase()];
  const at = random.integer(1, letters.length - 2);
  const edit = random.pick(["substitute", "delete", "insert", "transpose"] as const);
  if (edit === "substitute")
    letters[at] = random.pick([...alphabet].filter((letter) => letter !== letters[at]));
  if (edit === "delete") letters.splice(at, 1);
  if (edit === "insert") letters.splice(at, 0, random.pick([...alphabet]));
  if (edit === "transpose") [letters[at], letters[at + 1]] = [letters[at + 1], letters[at]];
  words[index] = letters.join("");
  return words.join(" ");
}

/**
 * Common romanisation differences (Arabic, Persian, Cyrillic, Korean, Chinese sources): one is
 * applied, the first that fits the name.
 */
const transliterationRules: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bMOHAMMED\b/, "MUHAMMAD"],
  [/\bMUHAMMAD\b/, "MOHAMED"],
  [/\bMOHAMMAD\b/, "MUHAMMED"],
  [/\bAHMED\b/, "AHMAD"],
  [/\bHUSSEIN\b/, "HUSAYN"],
  [/\bHUSSAIN\b/, "HOSSEIN"],
  [/\bYOUSEF\b/, "YUSUF"],
  [/\bOMAR\b/, "UMAR"],
  [/\bABDUL/, "ABDEL"],
  [/\bAL-/, "EL-"],
  [/KH/, "H"],
  [/OU/, "U"],
  [/EE/, "I"],
  [/SH/, "CH"],
  [/Y(?=[AEIOU])/, "I"],
  [/J(?=[AEIOU])/, "DZH"],
  [/PH/, "F"],
  [/Q/, "K"],
  [/W/, "V"],
  [/(\p{L})\1/u, "$1"],
];

function transliteration(listed: string): string | undefined {
  const upper = listed.toUpperCase();
  for (const [pattern, replacement] of transliterationRules) {
    if (pattern.test(upper)) return naturalOrder(upper.replace(pattern, replacement));
  }
  return undefined;
}

const renderers: Readonly<Record<VariantKind, Renderer>> = {
  exact: (listed) => listed,
  otherCase: (listed) => titleCase(naturalOrder(listed)),
  diacritics: (listed, _party, _alias, random) => withDiacritics(listed, random),
  reordered: (listed, _party, _alias, random) => reordered(listed, random),
  middleNameDropped,
  typo: (listed, _party, _alias, random) => typo(listed, random),
  transliteration: (listed) => transliteration(listed),
};

/** Every applicable variant of `sampleSize` listed spellings drawn with the seed. */
export function positiveCases(
  parties: readonly SanctionedParty[],
  sampleSize: number,
  seed: number,
): PositiveCase[] {
  const random = new SeededRandom(seed);
  const spellings = parties.flatMap((party) => [
    { party, listed: party.name, alias: false },
    ...party.aliases.map((alias) => ({ party, listed: alias, alias: true })),
  ]);
  const cases: PositiveCase[] = [];
  const used = new Set<number>();
  while (used.size < Math.min(sampleSize, spellings.length)) {
    const index = random.integer(0, spellings.length - 1);
    if (used.has(index)) continue;
    used.add(index);
    const { party, listed, alias } = spellings[index];
    if (nameTokens(listed).length === 0) continue;
    for (const kind of variantKinds) {
      const name = renderers[kind](listed, party, alias, random);
      if (name !== undefined) cases.push({ kind, name, listedName: listed, entryNumber: party.entryNumber });
    }
  }
  return cases;
}

/** The words of a name as a set key, to tell an ordinary name that happens to be listed. */
export function tokenSetKey(name: string): string {
  return [...new Set(nameTokens(name))].sort().join(" ");
}

export interface NegativeSet {
  readonly names: readonly string[];
  /** Generated names that are, word for word, a listed name: left out, they are true matches. */
  readonly excludedAsListed: readonly string[];
}

/** Ordinary people and shop names from the committed name lists, none of them a listed name. */
export function negativeNames(parties: readonly SanctionedParty[], count: number, seed: number): NegativeSet {
  const random = new SeededRandom(seed);
  const listed = new Set(parties.flatMap((party) => [party.name, ...party.aliases]).map(tokenSetKey));
  const names: string[] = [];
  const excluded: string[] = [];
  const seen = new Set<string>();
  while (names.length < count) {
    const given = random.pick(commonNames.givenNames);
    const family = random.pick(commonNames.familyNames);
    const shape = random.weighted([
      ["given family", 5],
      ["given given family", 2],
      ["given family family", 1],
      ["business", 2],
    ] as const);
    const name =
      shape === "given family"
        ? `${given} ${family}`
        : shape === "given given family"
          ? `${given} ${random.pick(commonNames.givenNames)} ${family}`
          : shape === "given family family"
            ? `${given} ${family} ${random.pick(commonNames.familyNames)}`
            : `${family} ${random.pick(commonNames.businessWords)} ${random.pick(commonNames.businessForms)}`.trim();
    if (seen.has(name)) continue;
    seen.add(name);
    if (listed.has(tokenSetKey(name))) excluded.push(name);
    else names.push(name);
  }
  return { names, excludedAsListed: excluded };
}
