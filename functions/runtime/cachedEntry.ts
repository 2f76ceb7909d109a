/**
 * The functions' Lambda entry point (`entry.handler`): loads the bundle beside it with the V8
 * code cache written when the image was built, so a cold start does not compile the bundle
 * again. V8 refuses a cache made by another V8 version or under other V8 flags (Lambda's bootstrap
 * derives heap sizes from the function's memory size); the bundle then compiles as usual and one
 * warning says why, so a cache that stopped matching shows in the logs instead of only in slower
 * cold starts. V8 checks the source only by its length, so the cache is written beside its bundle
 * in the same image layer and never travels apart from it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import {
  bundleFileName,
  codeCacheFileName,
  codeCacheInfoFileName,
  compileBundle,
  runBundle,
  type CodeCacheInfo,
} from "./bundleScript";

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function cacheInfo(directory: string): CodeCacheInfo | undefined {
  const text = readIfPresent(path.join(directory, codeCacheInfoFileName));
  return text === undefined ? undefined : (JSON.parse(text.toString("utf8")) as CodeCacheInfo);
}

function warn(message: string, details: Record<string, unknown>): void {
  // The bundle's logger is not loaded yet: one JSON line in the same shape.
  console.warn(JSON.stringify({ level: "WARN", message, ...details }));
}

/** The bundle with its code cache, or a warning saying why it compiles at cold start. */
function loadWithCodeCache(directory: string): Record<string, unknown> {
  const cachedData = readIfPresent(path.join(directory, codeCacheFileName));
  const script = compileBundle(directory, cachedData);
  if (cachedData === undefined) {
    warn("no V8 code cache beside the bundle: compiled at cold start", { file: codeCacheFileName });
  } else if (script.cachedDataRejected === true) {
    warn("V8 refused the code cache (other Node.js version, V8 flags or bundle): compiled at cold start", {
      nodeVersion: process.version,
      execArgv: process.execArgv,
      cache: cacheInfo(directory) ?? null,
    });
  }
  return runBundle(script, directory);
}

// Node maps stack traces (NODE_OPTIONS=--enable-source-maps) only for modules it loads itself:
// then the bundle is required as a plain module, without the cache.
const bundleExports: Record<string, unknown> = process.sourceMapsEnabled
  ? (createRequire(__filename)(path.join(__dirname, bundleFileName)) as Record<string, unknown>)
  : loadWithCodeCache(__dirname);

export const handler: unknown = bundleExports.handler;
