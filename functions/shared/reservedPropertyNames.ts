/**
 * Property names JavaScript gives a meaning of its own. `__proto__` set by assignment replaces an
 * object's prototype instead of adding a property, and the DynamoDB marshaller decides an object's
 * type from its `constructor`, so such metadata would be lost silently or fail every write and
 * end in the dead-letter queue. They are refused with a reason instead; every other name (toString,
 * valueOf, ...) is stored as sent.
 */
import { walkNested } from "./nestedValues";

export const reservedPropertyNames: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** Paths of every own property with a reserved name, at any depth under `root` (named `rootPath`). */
export function findReservedPropertyNames(root: unknown, rootPath: string): string[] {
  const paths: string[] = [];
  walkNested(root, rootPath, childPath, {
    property: (key, _child, path) => {
      if (reservedPropertyNames.has(key)) paths.push(path);
    },
  });
  return paths.sort();
}
