/**
 * How a function's bundle is compiled when it is loaded through the code-cache entry
 * (`entry.js`): one `vm.Script` over the bundle wrapped as Node wraps a CommonJS module. The
 * entry and the cache writer must compile it exactly alike, or V8 refuses the cache, so both
 * call this.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { Script } from "node:vm";

/** The bundle, as functions/build.ts writes it. */
export const bundleFileName = "index.js";
/** V8's code cache of the bundle, written when the image is built. */
export const codeCacheFileName = "index.js.v8cache";
/** What the cache was made with (Node.js version, its flags), to say why V8 refused it. */
export const codeCacheInfoFileName = "index.js.v8cache.json";

export interface CodeCacheInfo {
  readonly nodeVersion: string;
  readonly execArgv: readonly string[];
}

/** Node's CommonJS module wrapper (`require("node:module").wrap`), split around the source. */
const moduleWrapperHeader = "(function (exports, require, module, __filename, __dirname) {";
const moduleWrapperFooter = "});";

/** Compiles the bundle in `directory`, with V8's cached data when given. */
export function compileBundle(directory: string, cachedData?: Buffer): Script {
  const bundlePath = path.join(directory, bundleFileName);
  // The CommonJS wrapper's header on a line of its own, counted as line 0, and the same file
  // name as a plain require: stack traces give the bundle's own lines and columns (its first
  // line holds thousands of columns of code), which `npm run map-stack` maps with index.js.map.
  const source = `${moduleWrapperHeader}\n${readFileSync(bundlePath, "utf8")}\n${moduleWrapperFooter}`;
  return new Script(source, { filename: bundlePath, lineOffset: -1, cachedData });
}

/** Runs a compiled bundle as a CommonJS module and returns its exports. */
export function runBundle(script: Script, directory: string): Record<string, unknown> {
  const bundlePath = path.join(directory, bundleFileName);
  const bundleModule = { exports: {} as Record<string, unknown> };
  const moduleWrapper: unknown = script.runInThisContext();
  if (typeof moduleWrapper !== "function")
    throw new Error(`${bundlePath} did not compile to a module wrapper`);
  moduleWrapper.call(
    bundleModule.exports,
    bundleModule.exports,
    createRequire(bundlePath),
    bundleModule,
    bundlePath,
    directory,
  );
  return bundleModule.exports;
}
