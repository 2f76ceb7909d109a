/**
 * Finds sensitive authentication data (PCI DSS: card verification codes, PINs, magnetic-stripe
 * track data), which may never be stored after authorisation, not even encrypted. It is detected by
 * property name at any depth, because the values themselves (three digits, a PIN) look like
 * anything else.
 */
import { walkNested } from "./nestedValues";

/**
 * Property names, compared after lower-casing and dropping everything but letters and digits, so
 * `CVV2`, `card_cvc`-style variants such as `cvc_2`, `Track-1` and `pinBlock` all match. "cid"
 * (Amex's code) is left out on purpose: as a bare key it far more often means "customer id".
 */
const sensitiveKeyNames: ReadonlySet<string> = new Set([
  "cvv",
  "cvv2",
  "cvc",
  "cvc2",
  "cav2",
  "cvn",
  "cvd",
  "securitycode",
  "cardsecuritycode",
  "cardverificationvalue",
  "cardverificationcode",
  "pin",
  "pinblock",
  "pincode",
  "track1",
  "track2",
  "track3",
  "trackdata",
  "track1data",
  "track2data",
  "magstripe",
  "magneticstripe",
  "magstripedata",
]);

export function isSensitiveKey(key: string): boolean {
  return sensitiveKeyNames.has(key.toLowerCase().replace(/[^a-z0-9]/g, ""));
}

/** A key with a null or empty value carries no data, so it is not reported. */
function holdsData(value: unknown): boolean {
  return value !== null && value !== undefined && value !== "";
}

const childPath = (parent: string, key: string | number): string =>
  typeof key === "number" ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;

/** Paths (e.g. `card.cvv`) of every sensitive property holding a value, at any depth. */
export function findSensitiveData(value: unknown): string[] {
  const paths: string[] = [];
  walkNested(value, "", childPath, {
    property: (key, child, path) => {
      if (isSensitiveKey(key) && holdsData(child)) paths.push(path);
    },
  });
  return paths.sort();
}
