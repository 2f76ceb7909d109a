/**
 * Everything a handler writes while it runs: Powertools Logger and Metrics write through their own
 * Console instances to process.stdout and process.stderr, so both streams' write methods are
 * replaced for the duration of the call, and restored whatever happens.
 */

/** A Powertools log line (JSON with `level` and `message`). */
export type LogDocument = Record<string, unknown> & { readonly level: string; readonly message: string };

/** A CloudWatch embedded-metric-format document (JSON with `_aws`). */
export type EmfDocument = Record<string, unknown> & {
  readonly _aws: {
    readonly CloudWatchMetrics: ReadonlyArray<{
      readonly Namespace: string;
      readonly Dimensions: ReadonlyArray<readonly string[]>;
      readonly Metrics: ReadonlyArray<{ readonly Name: string; readonly Unit: string }>;
    }>;
  };
};

export interface CapturedOutput<T> {
  /** What the call answered or threw. */
  readonly outcome: PromiseSettledResult<T>;
  /** Every non-empty line written to stdout or stderr, as written. */
  readonly lines: readonly string[];
  readonly logs: readonly LogDocument[];
  readonly metrics: readonly EmfDocument[];
  /** Lines that are neither (a stray console call): they are checked like the rest. */
  readonly other: readonly string[];
}

function parsed(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function captureOutput<T>(act: () => Promise<T>): Promise<CapturedOutput<T>> {
  const chunks: string[] = [];
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const capture = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  let outcome: PromiseSettledResult<T>;
  try {
    outcome = { status: "fulfilled", value: await act() };
  } catch (error) {
    outcome = { status: "rejected", reason: error };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
  const lines = chunks
    .join("")
    .split("\n")
    .filter((line) => line.trim().length > 0);
  const logs: LogDocument[] = [];
  const metrics: EmfDocument[] = [];
  const other: string[] = [];
  for (const line of lines) {
    const document = parsed(line);
    if (document !== undefined && "_aws" in document) metrics.push(document as EmfDocument);
    else if (document !== undefined && "level" in document && "message" in document) {
      logs.push(document as LogDocument);
    } else other.push(line);
  }
  return { outcome, lines, logs, metrics, other };
}

/** The answer of a call that must have succeeded (its failure rethrown, so the test shows it). */
export function answerOf<T>(captured: CapturedOutput<T>): T {
  if (captured.outcome.status === "rejected") throw captured.outcome.reason;
  return captured.outcome.value;
}
