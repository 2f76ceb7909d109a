/**
 * Makes the functions' structured logs readable in a terminal. In AWS every line is one JSON
 * object (Powertools Logger) for CloudWatch Logs Insights; in a terminal the same line becomes
 * `12:00:01.123 INFO  webhook-intake  Webhook accepted  transactionId=acme#tx-1 ...`. Only the
 * rendering changes: nothing is added or dropped, and lines that are not log records pass through.
 */

const levelColours: Readonly<Record<string, string>> = {
  DEBUG: "\u001b[90m",
  INFO: "\u001b[36m",
  WARN: "\u001b[33m",
  ERROR: "\u001b[31m",
  CRITICAL: "\u001b[35m",
};
const dim = "\u001b[2m";
const reset = "\u001b[0m";

/** Fields shown in the line's fixed columns, or too noisy for a terminal. */
const omittedFields = new Set([
  "level",
  "message",
  "timestamp",
  "service",
  "sampling_rate",
  "function_arn",
  "function_memory_size",
  "function_request_id",
  "cold_start",
  "xray_trace_id",
]);

function renderValue(value: unknown): string {
  if (typeof value === "string") return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** The metric names of an embedded-metric-format record; undefined when it is not one. */
function metricNames(fields: Record<string, unknown>): string[] | undefined {
  const aws = fields._aws as { CloudWatchMetrics?: { Metrics?: { Name?: unknown }[] }[] } | undefined;
  if (!Array.isArray(aws?.CloudWatchMetrics)) return undefined;
  return aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics ?? [])
    .map((metric) => metric.Name)
    .filter((name): name is string => typeof name === "string");
}

/** An EMF record (what CloudWatch turns into metrics) as `time METRIC service name=value ...`. */
function renderMetricsLine(fields: Record<string, unknown>, colour: boolean): string | undefined {
  const names = metricNames(fields);
  if (names === undefined) return undefined;
  const aws = fields._aws as { Timestamp?: unknown };
  const time = typeof aws.Timestamp === "number" ? new Date(aws.Timestamp).toISOString().slice(11, 23) : "";
  const service = typeof fields.service === "string" ? fields.service : "";
  const values = names.map((name) => `${name}=${renderValue(fields[name])}`).join(" ");
  const line = `${time} METRIC ${service.padEnd(18)} ${values}`;
  return colour ? `${dim}${line}${reset}` : line;
}

/** One log record as a terminal line; undefined when the text is not a log record. */
export function renderLogLine(line: string, colour: boolean): string | undefined {
  if (!line.startsWith("{")) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof record !== "object" || record === null) return undefined;
  const fields = record as Record<string, unknown>;
  const metrics = renderMetricsLine(fields, colour);
  if (metrics !== undefined) return metrics;
  if (typeof fields.level !== "string" || typeof fields.message !== "string") return undefined;
  const time = typeof fields.timestamp === "string" ? fields.timestamp.slice(11, 23) : "";
  const level = fields.level.padEnd(5);
  const service = typeof fields.service === "string" ? fields.service : "";
  const extras = Object.entries(fields)
    .filter(([key, value]) => !omittedFields.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${renderValue(value)}`)
    .join(" ");
  if (!colour) return [time, level, service.padEnd(18), fields.message, extras].join(" ").trimEnd();
  const levelColour = levelColours[fields.level] ?? "";
  return (
    `${dim}${time}${reset} ${levelColour}${level}${reset} ${service.padEnd(18)} ${fields.message}` +
    (extras ? ` ${dim}${extras}${reset}` : "")
  );
}

/**
 * Renders every complete log line written to `stream` from now on. Powertools writes through a
 * Console bound to process.stdout, so patching the stream's write catches it too.
 */
export function renderLogsForTerminal(
  stream: NodeJS.WriteStream,
  colour = stream.hasColors?.() ?? false,
): void {
  const write = stream.write.bind(stream) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const rendered = text
      .split("\n")
      .map((line) => renderLogLine(line, colour) ?? line)
      .join("\n");
    return write(rendered, ...rest);
  }) as typeof stream.write;
}
