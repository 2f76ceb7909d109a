import { type InputTransformer } from "../pipeline";
/**
 * EventBridge's input transformer: values picked from the event by JSONPath, placed into a
 * template, the result handed to the target as text. The local bus uses it so a target receives
 * the same input it would from AWS, built from the same transformer object the stack deploys.
 *
 * Behaviour, from https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 * and https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html:
 * - Paths: dot notation, dashes, underscores, alphanumerics, forward slashes, array indices.
 * - "If you specify a variable to match a JSON path that doesn't exist in the event, that variable
 *   isn't created and won't appear in the output": its placeholder is replaced by nothing.
 * - A JSON template (one surrounded by curly braces) gets string values quoted and objects and arrays
 *   inserted as JSON when a placeholder stands as a value; "The JSON that is passed to the target is
 *   minified".
 * - Inside a quoted string the value's text goes in unescaped ("EventBridge doesn't escape values
 *   extracted by Input Path"), and an object or array loses its internal quotes "to ensure a valid
 *   string" (stated on the EventBridge Pipes input-transformation page, the same engine).
 * - Any other template is text: every value goes in as its text.
 *
 * Not confirmed by the docs, chosen here: a string value placed as a JSON value is escaped (so a quote
 * inside it cannot break the JSON); a placeholder naming no variable at all stays as literal text
 * (`checkInputTransformer` refuses such templates); wildcard paths are refused rather than guessed.
 */

/** What the predefined `aws.events.*` variables resolve to; absent ones are not created, like missing paths. */
export interface TransformContext {
  readonly ruleName?: string;
  readonly ruleArn?: string;
  /** ISO 8601 time the bus received the event. */
  readonly ingestionTime?: string;
}

type PathStep = { readonly key: string } | { readonly index: number };

// AWS API reference: InputPathsMap keys match [A-Za-z0-9_-]+, at most 100 of them.
const variableNamePattern = /^[A-Za-z0-9_-]+$/;
const maxVariables = 100;
const placeholderPattern = /^<([A-Za-z0-9_.-]+)>/;

function parsePath(path: string): PathStep[] {
  if (!path.startsWith("$")) throw new Error(`input path ${JSON.stringify(path)} must start with "$"`);
  const steps: PathStep[] = [];
  const stepPattern = /^(?:\.([^.[\]*]+)|\[(\d+)\])/;
  let rest = path.slice(1);
  while (rest.length > 0) {
    if (rest.startsWith(".*") || rest.startsWith("[*]")) {
      throw new Error(
        `input path ${JSON.stringify(path)} uses a wildcard, which the local transformer does not support`,
      );
    }
    const match = stepPattern.exec(rest);
    if (!match) throw new Error(`input path ${JSON.stringify(path)} is not dot notation with array indices`);
    steps.push(match[1] !== undefined ? { key: match[1] } : { index: Number(match[2]) });
    rest = rest.slice(match[0].length);
  }
  return steps;
}

/** The value at `path`, or `undefined` when the event has nothing there. */
function resolvePath(event: unknown, steps: readonly PathStep[]): unknown {
  let current: unknown = event;
  for (const step of steps) {
    if ("index" in step) {
      if (!Array.isArray(current) || step.index >= current.length) return undefined;
      current = current[step.index];
    } else {
      if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
      if (!Object.prototype.hasOwnProperty.call(current, step.key)) return undefined;
      current = (current as Record<string, unknown>)[step.key];
    }
  }
  return current;
}

function predefinedVariables(event: unknown, context: TransformContext): Map<string, unknown> {
  const variables = new Map<string, unknown>([["aws.events.event.json", event]]);
  if (typeof event === "object" && event !== null && !Array.isArray(event)) {
    // "The original event payload as JSON (without the detail field)".
    const withoutDetail: Record<string, unknown> = { ...(event as Record<string, unknown>) };
    delete withoutDetail.detail;
    variables.set("aws.events.event", withoutDetail);
  }
  if (context.ruleArn !== undefined) variables.set("aws.events.rule-arn", context.ruleArn);
  if (context.ruleName !== undefined) variables.set("aws.events.rule-name", context.ruleName);
  if (context.ingestionTime !== undefined)
    variables.set("aws.events.event.ingestion-time", context.ingestionTime);
  return variables;
}

const predefinedNames = new Set([
  "aws.events.rule-arn",
  "aws.events.rule-name",
  "aws.events.event",
  "aws.events.event.json",
  "aws.events.event.ingestion-time",
]);

function isJsonTemplate(template: string): boolean {
  const trimmed = template.trim();
  return trimmed.startsWith("{") && trimmed.endsWith("}");
}

/** A value as text inside a string: scalars as their text, objects and arrays without quotes. */
function asText(value: unknown): string {
  if (typeof value === "string") return value;
  const json = JSON.stringify(value) ?? "";
  return typeof value === "object" && value !== null ? json.replaceAll('"', "") : json;
}

/**
 * Throws naming the variable or path when a transformer cannot work: bad variable names, too many
 * variables, unparseable or wildcard paths, or a placeholder that names no variable.
 */
export function checkInputTransformer(transformer: InputTransformer): void {
  const names = Object.keys(transformer.inputPaths);
  if (names.length > maxVariables) {
    throw new Error(`an input transformer allows at most ${maxVariables} variables, got ${names.length}`);
  }
  for (const [name, path] of Object.entries(transformer.inputPaths)) {
    if (!variableNamePattern.test(name)) {
      throw new Error(`input transformer variable ${JSON.stringify(name)} must match [A-Za-z0-9_-]+`);
    }
    parsePath(path);
  }
  if (transformer.inputTemplate.length === 0) throw new Error("an input template must not be empty");
  for (const match of transformer.inputTemplate.matchAll(/<([A-Za-z0-9_.-]+)>/g)) {
    const name = match[1];
    if (!names.includes(name) && !predefinedNames.has(name)) {
      throw new Error(`input template placeholder <${name}> names no variable in inputPaths`);
    }
  }
}

/** The text EventBridge would hand the target for `event`. */
export function applyInputTransformer(
  transformer: InputTransformer,
  event: unknown,
  context: TransformContext = {},
): string {
  const variables = predefinedVariables(event, context);
  const missing = new Set([...predefinedNames].filter((name) => !variables.has(name)));
  for (const [name, path] of Object.entries(transformer.inputPaths)) {
    const value = resolvePath(event, parsePath(path));
    if (value === undefined) {
      missing.add(name);
    } else {
      variables.set(name, value);
    }
  }

  const template = transformer.inputTemplate;
  const json = isJsonTemplate(template);
  let output = "";
  let inString = false;
  let index = 0;
  while (index < template.length) {
    const char = template[index];
    const placeholder = char === "<" ? placeholderPattern.exec(template.slice(index)) : null;
    if (placeholder && (variables.has(placeholder[1]) || missing.has(placeholder[1]))) {
      const name = placeholder[1];
      if (variables.has(name)) {
        const value = variables.get(name);
        output += json && !inString ? (JSON.stringify(value) ?? "") : asText(value);
      }
      index += placeholder[0].length;
      continue;
    }
    if (json && inString && char === "\\") {
      output += template.slice(index, index + 2);
      index += 2;
      continue;
    }
    if (json && char === '"') inString = !inString;
    if (json && !inString && /\s/.test(char)) {
      index += 1;
      continue;
    }
    output += char;
    index += 1;
  }
  return output;
}
