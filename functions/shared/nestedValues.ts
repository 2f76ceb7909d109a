/**
 * One walk over a JSON-like value for the checks that look at every value and property name in a
 * request (card numbers, sensitive keys, reserved names). Iterative, so a hostile, deeply nested
 * payload cannot overflow the stack; each object once, so shared references and cycles end.
 */

/** The path of `key` (an array index or a property name) under the path `parent`. */
export type PathOf = (parent: string, key: string | number) => string;

export interface NestedVisitor {
  /** Every value, `root` included, with its path. */
  readonly value?: (value: unknown, path: string) => void;
  /** Every own property (the names a sender wrote, never what objects inherit), with its path. */
  readonly property?: (key: string, child: unknown, path: string) => void;
}

export function walkNested(root: unknown, rootPath: string, pathOf: PathOf, visitor: NestedVisitor): void {
  const pending: Array<{ value: unknown; path: string }> = [{ value: root, path: rootPath }];
  const seen = new WeakSet<object>();
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    const { value, path } = current;
    visitor.value?.(value, path);
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach((element, index) => pending.push({ value: element, path: pathOf(path, index) }));
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      const childPath = pathOf(path, key);
      visitor.property?.(key, child, childPath);
      pending.push({ value: child, path: childPath });
    }
  }
}
