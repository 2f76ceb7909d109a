/**
 * `npm run map-stack -- <index.js.map> [trace file]`
 *
 * Prints a stack trace logged by a deployed function (read from the file, or from standard input)
 * with its bundle positions mapped to the TypeScript sources: the map is the `index.js.map` beside
 * the function's bundle, from the same build as the image (`npm run build:functions -- <function>`
 * at that commit writes it to dist/functions/<function>/, and the image holds it at
 * /var/task/index.js.map).
 */
import { readFile } from "node:fs/promises";
import type { SourceMapPayload } from "node:module";
import path from "node:path";
import { mapStackTrace } from "./stackTraceMapping";

const usage =
  "usage: npm run map-stack -- <index.js.map> [trace file]   (the trace on standard input otherwise)";

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function main(args: readonly string[]): Promise<void> {
  const [mapFile, traceFile] = args;
  if (mapFile === undefined || args.length > 2) throw new Error(usage);
  const payload = JSON.parse(await readFile(mapFile, "utf8")) as SourceMapPayload;
  const trace = traceFile === undefined ? await readStandardInput() : await readFile(traceFile, "utf8");
  process.stdout.write(
    mapStackTrace(trace, payload, {
      mapDirectory: path.dirname(path.resolve(mapFile)),
      sourceRoot: process.cwd(),
    }),
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
