/**
 * Metadata as a hostile or careless sender writes it, as JSON text (so `__proto__` reaches the
 * parser as a property name, the way it arrives on the wire): names JavaScript gives a meaning of
 * its own, empty and odd names, every JSON type, numbers spelled every way, and nesting.
 */
import fc from "fast-check";

const hostileNames = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "__defineGetter__",
  "then",
  "length",
  "",
  " ",
  "a.b",
  "$ref",
  "名前",
];

const propertyName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...hostileNames) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
);

const numberText = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
  fc.constantFrom(
    "1e-400",
    "1E+400",
    "1.5e2",
    "-0",
    "0.000",
    "12345678901234567890",
    "0.1000000000000000055511151231257827",
  ),
);

const scalarText = fc.oneof(
  fc.string({ maxLength: 20 }).map((text) => JSON.stringify(text)),
  numberText,
  fc.constantFrom("true", "false", "null"),
);

const { value } = fc.letrec<{ value: string; object: string; array: string }>((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalarText, tie("object"), tie("array")),
  object: fc
    .array(fc.tuple(propertyName, tie("value")), { maxLength: 5 })
    // JSON text with duplicate names is refused by the parser: keep names unique per object.
    .map((entries) => {
      const seen = new Set<string>();
      const unique = entries.filter(([name]) => !seen.has(name) && seen.add(name));
      return `{${unique.map(([name, child]) => `${JSON.stringify(name)}:${child}`).join(",")}}`;
    }),
  array: fc.array(tie("value"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
}));

/** A metadata object (always an object at the top), as JSON text. */
export const hostileMetadataJson: fc.Arbitrary<string> = fc
  .array(fc.tuple(propertyName, value), { minLength: 1, maxLength: 6 })
  .map((entries) => {
    const seen = new Set<string>();
    const unique = entries.filter(([name]) => !seen.has(name) && seen.add(name));
    return `{${unique.map(([name, child]) => `${JSON.stringify(name)}:${child}`).join(",")}}`;
  });
