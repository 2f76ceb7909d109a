/**
 * Reads an IAM policy document (JSON text, as the program sends it, or an object) and names every
 * statement that allows more than listed actions.
 */

/** `*` or `service:*`: every action, or every action of one service. */
function isWildcardAction(action: string): boolean {
  const trimmed = action.trim();
  return trimmed === "*" || /^[^:]+:\*$/.test(trimmed);
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The document as an object, or why it is not one. */
function parseDocument(policy: unknown): Record<string, unknown> | string {
  if (isRecord(policy)) return policy;
  if (typeof policy !== "string") return "is not a policy document";
  try {
    const parsed: unknown = JSON.parse(policy);
    return isRecord(parsed) ? parsed : "is not a policy document";
  } catch {
    return "is not valid JSON";
  }
}

/**
 * One message per Allow statement that grants a wildcard action (`*`, `s3:*`) or uses NotAction
 * (which allows everything except the list). Deny statements may use wildcards: they only take
 * permissions away.
 */
export function broadGrants(policy: unknown): string[] {
  const document = parseDocument(policy);
  if (typeof document === "string") return [`policy ${document}`];
  return asList(document.Statement).flatMap((statement, index): string[] => {
    if (!isRecord(statement)) return [`statement #${index + 1} is not an object`];
    if (statement.Effect !== "Allow") return [];
    const label = typeof statement.Sid === "string" && statement.Sid !== "" ? statement.Sid : `#${index + 1}`;
    if (statement.NotAction !== undefined) {
      return [`statement ${label} allows every action except its NotAction list`];
    }
    return asList(statement.Action)
      .filter((action): action is string => typeof action === "string" && isWildcardAction(action))
      .map((action) => `statement ${label} allows the wildcard action "${action}"`);
  });
}
