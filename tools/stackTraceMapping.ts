/**
 * Maps a stack trace logged by a deployed function back to the TypeScript, with the source map
 * that ships beside its bundle (`index.js.map`). The functions run without
 * `--enable-source-maps` (it costs about a sixth of every cold start), so their logged traces
 * point into the minified bundle; this rewrites each `index.js:<line>:<column>` position to the
 * source file, line and column it was compiled from, with Node's own source-map reader. Pure.
 */
import { SourceMap, type SourceMapPayload } from "node:module";
import path from "node:path";

/** `<anything>index.js:12:345`, the bundle's name taken from the map. */
function positionPattern(bundleName: string): RegExp {
  const escaped = bundleName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`[^\\s()]*${escaped}:(\\d+):(\\d+)`, "g");
}

/**
 * `trace` with every position in the bundle replaced by its source position, written relative to
 * `sourceRoot` (the map's sources are relative to the folder the map was written to, `mapDirectory`).
 * Positions the map does not cover are left as they are.
 */
export function mapStackTrace(
  trace: string,
  payload: SourceMapPayload,
  options: { readonly mapDirectory: string; readonly sourceRoot: string; readonly bundleName?: string },
): string {
  const sourceMap = new SourceMap(payload);
  const bundleName = options.bundleName ?? payload.file ?? "index.js";
  return trace.replace(positionPattern(bundleName), (position, line: string, column: string) => {
    // Stack traces count lines and columns from 1, source maps from 0.
    const entry = sourceMap.findEntry(Number(line) - 1, Number(column) - 1);
    if (!("originalSource" in entry)) return position;
    const source = path.relative(
      options.sourceRoot,
      path.resolve(options.mapDirectory, entry.originalSource),
    );
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
