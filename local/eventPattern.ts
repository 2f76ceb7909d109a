import { type EventPattern, type PatternValue } from "../pipeline";
/**
 * An EventBridge event-pattern matcher for the operators this repository's rules use. No maintained
 * npm library matches EventBridge patterns, so the local bus keeps this small one; a pattern that
 * uses any other operator is refused, so local routing can never silently differ from AWS.
 *
 * Semantics follow AWS's pages on event patterns:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
 */

/** The operators this matcher implements; anything else is an {@link UnsupportedPatternError}. */
export const supportedPatternOperators = [
  "exact values",
  "prefix",
  "suffix",
  "anything-but (value, list, {prefix})",
  "numeric",
  "exists",
  "$or",
] as const;

/** A pattern AWS would accept but this matcher does not implement (wildcard, cidr, equals-ignore-case, ...). */
export class UnsupportedPatternError extends Error {
  constructor(
    readonly operator: string,
    readonly path: string,
  ) {
    super(
      `event pattern operator "${operator}" at ${path} is not supported by the local matcher ` +
        `(supported: ${supportedPatternOperators.join(", ")})`,
    );
    this.name = "UnsupportedPatternError";
  }
}

/** A pattern that is not a valid EventBridge pattern at all. */
export class InvalidPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidPatternError";
  }
}

/** A JSON scalar as it appears at a leaf of an event. */
type Leaf = string | number | boolean | null;

type LeafTest = (leaves: readonly Leaf[]) => boolean;

interface ObjectNode {
  readonly fields: ReadonlyArray<{ readonly key: string; readonly node: PatternNode }>;
  /** Each `$or` alternative is an object pattern evaluated at the same level. */
  readonly alternatives: readonly ObjectNode[];
}

type PatternNode =
  | { readonly kind: "object"; readonly object: ObjectNode }
  | { readonly kind: "leaf"; readonly test: LeafTest };

// AWS: "Numeric matching works with values that are JSON numbers. It is limited to values between
// -5.0e9 and +5.0e9 inclusive" (earlier revisions of the page said 1.0e9). Values outside never
// match a numeric comparison. AWS also keeps only six decimal places; this matcher compares full
// doubles, so the two can differ only below 0.000001.
const numericLimit = 5e9;

const comparisons = {
  "=": (value: number, bound: number) => value === bound,
  "<": (value: number, bound: number) => value < bound,
  "<=": (value: number, bound: number) => value <= bound,
  ">": (value: number, bound: number) => value > bound,
  ">=": (value: number, bound: number) => value >= bound,
} as const;

type Comparison = keyof typeof comparisons;

function isComparison(value: PatternValue): value is Comparison {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(comparisons, value);
}

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Leaf {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function compileNumeric(spec: PatternValue, path: string): (leaf: Leaf) => boolean {
  const invalid = (why: string) =>
    new InvalidPatternError(`numeric at ${path} ${why}, got ${describe(spec)}`);
  if (!Array.isArray(spec) || (spec.length !== 2 && spec.length !== 4)) {
    throw invalid("must be [operator, number] or [lower operator, number, upper operator, number]");
  }
  const tests: Array<(value: number) => boolean> = [];
  for (let index = 0; index < spec.length; index += 2) {
    const operator = spec[index];
    const bound = spec[index + 1];
    if (!isComparison(operator)) throw invalid(`has unknown operator ${describe(operator)}`);
    if (typeof bound !== "number" || !Number.isFinite(bound))
      throw invalid("needs a number after each operator");
    const compare = comparisons[operator];
    tests.push((value) => compare(value, bound));
  }
  if (spec.length === 4 && !(/^>=?$/.test(String(spec[0])) && /^<=?$/.test(String(spec[2])))) {
    throw invalid('range must be a lower bound (">" or ">=") followed by an upper bound ("<" or "<=")');
  }
  // A string such as "5" never matches: numeric matching is for JSON numbers only.
  return (leaf) =>
    typeof leaf === "number" && Math.abs(leaf) <= numericLimit && tests.every((passes) => passes(leaf));
}

function compileAnythingBut(spec: PatternValue, path: string): (leaf: Leaf) => boolean {
  if (typeof spec === "string" || typeof spec === "number") {
    return (leaf) => leaf !== spec;
  }
  if (Array.isArray(spec)) {
    const allStrings = spec.every((item) => typeof item === "string");
    const allNumbers = spec.every((item) => typeof item === "number");
    if (spec.length === 0 || !(allStrings || allNumbers)) {
      throw new InvalidPatternError(
        `anything-but at ${path} needs a non-empty list of only strings or only numbers, got ${describe(spec)}`,
      );
    }
    return (leaf) => !spec.some((item) => item === leaf);
  }
  if (isPlainObject(spec)) {
    const keys = Object.keys(spec);
    if (keys.length !== 1) {
      throw new InvalidPatternError(`anything-but at ${path} takes one operator, got ${describe(spec)}`);
    }
    const [operator] = keys;
    if (operator !== "prefix") throw new UnsupportedPatternError(`anything-but/${operator}`, path);
    const prefix = spec.prefix;
    if (typeof prefix !== "string") {
      // AWS: "Anything-but matching only works with a single prefix, not a list."
      throw new InvalidPatternError(
        `anything-but prefix at ${path} must be one string, got ${describe(prefix)}`,
      );
    }
    return (leaf) => typeof leaf === "string" && !leaf.startsWith(prefix);
  }
  throw new InvalidPatternError(`anything-but at ${path} cannot take ${describe(spec)}`);
}

function compileAffix(
  operator: "prefix" | "suffix",
  spec: PatternValue,
  path: string,
): (leaf: Leaf) => boolean {
  if (isPlainObject(spec)) {
    const nested = Object.keys(spec)[0] ?? "{}";
    throw new UnsupportedPatternError(`${operator}/${nested}`, path);
  }
  if (typeof spec !== "string") {
    throw new InvalidPatternError(`${operator} at ${path} must be a string, got ${describe(spec)}`);
  }
  return operator === "prefix"
    ? (leaf) => typeof leaf === "string" && leaf.startsWith(spec)
    : (leaf) => typeof leaf === "string" && leaf.endsWith(spec);
}

/** One element of a field's value list: an exact value or a one-operator object. */
function compileLeafElement(element: PatternValue, path: string): LeafTest {
  if (isScalar(element)) {
    return (leaves) => leaves.some((leaf) => leaf === element);
  }
  if (!isPlainObject(element)) {
    throw new InvalidPatternError(`value list at ${path} cannot contain ${describe(element)}`);
  }
  const keys = Object.keys(element);
  if (keys.length !== 1) {
    throw new InvalidPatternError(
      `matcher at ${path} must have exactly one operator, got ${describe(element)}`,
    );
  }
  const [operator] = keys;
  const spec = element[operator];
  const any =
    (matches: (leaf: Leaf) => boolean): LeafTest =>
    (leaves) =>
      leaves.some(matches);
  switch (operator) {
    case "prefix":
    case "suffix":
      return any(compileAffix(operator, spec, path));
    case "anything-but":
      return any(compileAnythingBut(spec, path));
    case "numeric":
      return any(compileNumeric(spec, path));
    case "exists":
      if (typeof spec !== "boolean") {
        throw new InvalidPatternError(`exists at ${path} must be true or false, got ${describe(spec)}`);
      }
      // Exists only looks at leaves: an object-valued field counts as absent (AWS's own example).
      return spec ? (leaves) => leaves.length > 0 : (leaves) => leaves.length === 0;
    default:
      throw new UnsupportedPatternError(operator, path);
  }
}

function compileObject(pattern: { [key: string]: PatternValue }, path: string): ObjectNode {
  const fields: Array<{ key: string; node: PatternNode }> = [];
  let alternatives: ObjectNode[] = [];
  for (const [key, value] of Object.entries(pattern)) {
    const fieldPath = path ? `${path}.${key}` : key;
    if (key === "$or") {
      if (!Array.isArray(value) || value.length === 0 || !value.every(isPlainObject)) {
        throw new InvalidPatternError(
          `$or at ${fieldPath} must be a list of patterns, got ${describe(value)}`,
        );
      }
      alternatives = value.map((alternative, index) =>
        compileObject(alternative as { [key: string]: PatternValue }, `${fieldPath}[${index}]`),
      );
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidPatternError(`value list at ${fieldPath} must not be empty`);
      const tests = value.map((element) => compileLeafElement(element, fieldPath));
      fields.push({ key, node: { kind: "leaf", test: (leaves) => tests.some((test) => test(leaves)) } });
    } else if (isPlainObject(value)) {
      fields.push({ key, node: { kind: "object", object: compileObject(value, fieldPath) } });
    } else {
      throw new InvalidPatternError(
        `pattern field ${fieldPath} must be a list of values or a nested pattern, got ${describe(value)}`,
      );
    }
  }
  return { fields, alternatives };
}

/**
 * The scalars a field holds: arrays are flattened (a pattern matches when any element does);
 * objects are not leaves, so they hold none. An empty array therefore counts as absent.
 */
function leavesOf(value: unknown): Leaf[] {
  if (Array.isArray(value)) return value.flatMap(leavesOf);
  return isScalar(value) ? [value] : [];
}

/** The objects a field holds; an array of objects matches a nested pattern when one element does. */
function objectsOf(value: unknown): Array<{ [key: string]: unknown }> {
  if (Array.isArray(value)) return value.flatMap(objectsOf);
  return isPlainObject(value) ? [value] : [];
}

function matchesNode(node: PatternNode, value: unknown): boolean {
  if (node.kind === "leaf") return node.test(leavesOf(value));
  const candidates = objectsOf(value);
  // A missing object still lets `exists: false` inside it match.
  if (candidates.length === 0) return matchesObject(node.object, undefined);
  return candidates.some((candidate) => matchesObject(node.object, candidate));
}

function matchesObject(node: ObjectNode, value: { [key: string]: unknown } | undefined): boolean {
  const fieldsMatch = node.fields.every(({ key, node: child }) =>
    matchesNode(
      child,
      value !== undefined && Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined,
    ),
  );
  return (
    fieldsMatch &&
    (node.alternatives.length === 0 ||
      node.alternatives.some((alternative) => matchesObject(alternative, value)))
  );
}

/**
 * Validates a pattern once and returns its matcher. Throws {@link UnsupportedPatternError} naming
 * the operator when the pattern needs one this matcher lacks, {@link InvalidPatternError} when it is
 * not a valid pattern.
 */
export function compileEventPattern(pattern: EventPattern): (event: unknown) => boolean {
  if (!isPlainObject(pattern)) {
    throw new InvalidPatternError(`an event pattern must be a JSON object, got ${describe(pattern)}`);
  }
  const root = compileObject(pattern, "");
  return (event) => matchesObject(root, isPlainObject(event) ? event : undefined);
}

/** Throws naming the operator when the local matcher cannot evaluate `pattern` exactly as AWS does. */
export function assertSupportedPattern(pattern: EventPattern): void {
  compileEventPattern(pattern);
}

export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  return compileEventPattern(pattern)(event);
}
