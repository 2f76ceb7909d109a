/**
 * Property names JavaScript gives a meaning of its own. `__proto__` set by assignment replaces an
 * object's prototype instead of adding a property, and the DynamoDB marshaller decides an object's
 * type from its `constructor`, so such metadata would be lost silently or fail every write and
 * end in the dead-letter queue. They are refused with a reason instead; every other name (toString,
 * valueOf, ...) is stored as sent.
 */
export const reservedPropertyNames: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** Paths of every own property with a reserved name, at any depth under `root` (named `rootPath`). */
export function findReservedPropertyNames(root: unknown, rootPath: string): string[] {
  const paths: string[] = [];
  const pending: Array<{ value: unknown; path: string }> = [{ value: root, path: rootPath }];
  const seen = new WeakSet<object>();
  while (pending.length > 0) {
    const current = pending.pop();
    if (!current || typeof current.value !== "object" || current.value === null) continue;
    if (seen.has(current.value)) continue;
    seen.add(current.value);
    if (Array.isArray(current.value)) {
      current.value.forEach((element, index) =>
        pending.push({ value: element, path: childPath(current.path, index) }),
      );
      continue;
    }
    // Own keys only: the names a sender wrote, never what objects inherit.
    for (const key of Object.keys(current.value)) {
      const path = childPath(current.path, key);
      if (reservedPropertyNames.has(key)) paths.push(path);
      pending.push({ value: (current.value as Record<string, unknown>)[key], path });
    }
  }
  return paths.sort();
}
