/**
 * The Powertools log formatter every logger in the project uses: each log item (message,
 * attributes and their property names at any depth, errors with their causes) has card numbers
 * masked to the last four digits where it is formatted, so no code path can forget to. The
 * logger's JSON replacer applies the same masking once more while serialising, for values the
 * formatter cannot look into (class instances with toJSON).
 */
import { LogFormatter, LogItem, Logger } from "@aws-lambda-powertools/logger";
import type {
  ConstructorOptions,
  LogAttributes,
  UnformattedAttributes,
} from "@aws-lambda-powertools/logger/types";
import { containsPan, redactPanText } from "./pan";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Numbers are judged by their integer digits; a card number never has a fraction or exponent. */
function maskedNumber(value: number | bigint): number | bigint | string {
  if (typeof value === "number" && !Number.isSafeInteger(value)) return value;
  const digits = value.toString();
  return containsPan(digits) ? redactPanText(digits) : value;
}

/**
 * One value with card numbers masked, one level: strings, integers and the property names of plain
 * objects. A JSON.stringify replacer (it is called again for every nested value).
 */
export function maskCardNumbers(_key: string, value: unknown): unknown {
  if (typeof value === "string") return redactPanText(value);
  if (typeof value === "number" || typeof value === "bigint") return maskedNumber(value);
  if (isPlainObject(value) && Object.keys(value).some(containsPan)) {
    return Object.fromEntries(Object.entries(value).map(([name, child]) => [redactPanText(name), child]));
  }
  return value;
}

/** Deeper than any log attribute we write; beyond it a value is replaced, not walked. */
const maxDepth = 32;

/** A copy of a log value with card numbers masked at any depth; class instances are kept as they are. */
function maskDeep(value: unknown, depth: number): unknown {
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") {
    return maskCardNumbers("", value);
  }
  if (typeof value !== "object" || value === null) return value;
  if (depth >= maxDepth) return "[not logged: nested too deeply]";
  if (Array.isArray(value)) return value.map((element) => maskDeep(element, depth + 1));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, child]) => [redactPanText(name), maskDeep(child, depth + 1)]),
  );
}

/**
 * Powertools' standard JSON log shape (its own formatter is not exported, so the base keys are
 * repeated here), masked.
 */
export class CardMaskingLogFormatter extends LogFormatter {
  public formatAttributes(
    attributes: UnformattedAttributes,
    additionalLogAttributes: LogAttributes,
  ): LogItem {
    const context = attributes.lambdaContext;
    const baseAttributes: LogAttributes = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: context?.coldStart,
      function_arn: context?.invokedFunctionArn,
      function_memory_size: context?.memoryLimitInMB,
      function_name: context?.functionName,
      function_request_id: context?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
    };
    const item = new LogItem({ attributes: baseAttributes }).addAttributes(additionalLogAttributes);
    item.setAttributes(maskDeep(item.getAttributes(), 0) as LogAttributes);
    return item;
  }

  public override formatError(error: Error): LogAttributes {
    return maskDeep(super.formatError(error), 0) as LogAttributes;
  }
}

/**
 * A Powertools Logger whose every line is masked (formatter and JSON replacer). Every logger in
 * the project, the local runtime's included, is made here.
 */
export interface MaskingLoggerOptions {
  readonly serviceName?: string;
  readonly logLevel?: ConstructorOptions["logLevel"];
}

export function createMaskingLogger(options: MaskingLoggerOptions = {}): Logger {
  return new Logger({
    ...options,
    logFormatter: new CardMaskingLogFormatter(),
    jsonReplacerFn: maskCardNumbers,
  });
}
