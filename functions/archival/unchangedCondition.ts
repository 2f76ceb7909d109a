/**
 * The condition a delete carries so that it only removes the item exactly as it was archived:
 * every attribute read must still hold the same value, with no entry added to or removed from any
 * map or list in it. Pure.
 *
 * What no condition can see: a write that only adds a new top-level attribute (an expression cannot
 * count an item's attributes). Every writer of decided items today changes an existing attribute
 * (status, decision); a future one that adds attributes should also bump an existing one.
 *
 * DynamoDB's `=` compares maps and lists as whole documents, but the local emulator (dynalite)
 * compares them by reference and never matches. So maps and lists are compared leaf by leaf
 * (`#a.#b[2].#c = :v`) with `size()` pinning how many entries each has, which both evaluate the
 * same way. An item too large for DynamoDB's expression limits (4 KB of text, 300 operators) has
 * its biggest top-level maps and lists compared whole instead, which AWS still evaluates exactly.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { StoredItem } from "./itemCodec";

export interface UnchangedCondition {
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, AttributeValue>;
}

export interface ExpressionLimits {
  readonly maxExpressionLength: number;
  readonly maxOperators: number;
}

/** DynamoDB's limits are 4,096 characters and 300 operators; a margin for what we do not count. */
export const defaultExpressionLimits: ExpressionLimits = { maxExpressionLength: 3900, maxOperators: 280 };

class ConditionBuilder {
  private readonly names = new Map<string, string>();
  private readonly values: Record<string, AttributeValue> = {};
  private valueCount = 0;
  private readonly terms: string[] = [];
  private operatorCount = 0;

  name(attribute: string): string {
    let placeholder = this.names.get(attribute);
    if (placeholder === undefined) {
      placeholder = `#n${this.names.size}`;
      this.names.set(attribute, placeholder);
    }
    return placeholder;
  }

  value(value: AttributeValue): string {
    const placeholder = `:v${this.valueCount}`;
    this.valueCount += 1;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** One conjunct with the operators and functions it uses (the AND joining it is counted apart). */
  term(expression: string, operators: number): void {
    this.terms.push(expression);
    this.operatorCount += operators;
  }

  /** Comparators and functions, plus the ANDs between the terms. */
  get operators(): number {
    return this.operatorCount + Math.max(0, this.terms.length - 1);
  }

  build(): UnchangedCondition {
    return {
      ConditionExpression: this.terms.join(" AND "),
      ExpressionAttributeNames: Object.fromEntries([...this.names].map(([name, key]) => [key, name])),
      ExpressionAttributeValues: { ...this.values },
    };
  }
}

/** The paths and values of a map's or list's entries; undefined for any other value. */
function entries(
  builder: ConditionBuilder,
  path: string,
  value: AttributeValue,
): [string, AttributeValue][] | undefined {
  const map = value.M;
  if (map !== undefined) {
    return Object.keys(map)
      .sort()
      .map((key) => [`${path}.${builder.name(key)}`, map[key]]);
  }
  return value.L?.map((element, index) => [`${path}[${index}]`, element]);
}

function addTerms(builder: ConditionBuilder, path: string, value: AttributeValue, leafByLeaf: boolean): void {
  const children = leafByLeaf ? entries(builder, path, value) : undefined;
  if (children !== undefined) {
    builder.term(`size(${path}) = ${builder.value({ N: String(children.length) })}`, 2);
    // An empty map and an empty list have the same size; the type tells them apart.
    if (children.length === 0) {
      builder.term(`attribute_type(${path}, ${builder.value({ S: value.M !== undefined ? "M" : "L" })})`, 1);
    }
    for (const [childPath, child] of children) addTerms(builder, childPath, child, true);
    return;
  }
  if (value.NULL !== undefined) {
    builder.term(`attribute_type(${path}, ${builder.value({ S: "NULL" })})`, 1);
    return;
  }
  builder.term(`${path} = ${builder.value(value)}`, 1);
}

function buildCondition(item: StoredItem, comparedWhole: ReadonlySet<string>): ConditionBuilder {
  const builder = new ConditionBuilder();
  for (const attribute of Object.keys(item).sort()) {
    addTerms(builder, builder.name(attribute), item[attribute], !comparedWhole.has(attribute));
  }
  return builder;
}

function leafCount(value: AttributeValue): number {
  if (value.M !== undefined)
    return 1 + Object.values(value.M).reduce((sum, child) => sum + leafCount(child), 0);
  if (value.L !== undefined) return 1 + value.L.reduce((sum, child) => sum + leafCount(child), 0);
  return 1;
}

/**
 * A condition true exactly when the item still has every attribute of `item` with the same value
 * (maps and lists with no entry more or less). A missing item fails it too.
 */
export function unchangedCondition(
  item: StoredItem,
  limits: ExpressionLimits = defaultExpressionLimits,
): UnchangedCondition {
  if (Object.keys(item).length === 0) throw new TypeError("an item has at least its key attribute");
  const containers = Object.keys(item)
    .filter((attribute) => item[attribute].M !== undefined || item[attribute].L !== undefined)
    .sort((left, right) => leafCount(item[right]) - leafCount(item[left]));
  const comparedWhole = new Set<string>();
  for (;;) {
    const builder = buildCondition(item, comparedWhole);
    const condition = builder.build();
    const fits =
      condition.ConditionExpression.length <= limits.maxExpressionLength &&
      builder.operators <= limits.maxOperators;
    const next = containers.find((attribute) => !comparedWhole.has(attribute));
    // With every container compared whole and still too long, DynamoDB refuses the delete and the
    // run fails loudly: an item of hundreds of top-level attributes is not a transaction.
    if (fits || next === undefined) return condition;
    comparedWhole.add(next);
  }
}
