/**
 * Loads handler modules as a fresh Lambda container would: the functions read their environment
 * once, at import, so every module under functions/ is dropped from the require cache first and
 * the batch is then required together (sharing one set of clients and Powertools singletons).
 *
 * require, not `await import()`: a dynamic import is cached by Node's ESM loader for the life of
 * the process, so a second load would never see a new environment.
 */
import { resolve, sep } from "node:path";

export const functionsRoot = resolve(__dirname, "../functions") + sep;

/** Drops every module under functions/ from the require cache: the next load is a cold start. */
export function forgetFunctionModules(): void {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(functionsRoot)) delete require.cache[key];
  }
}

/** Cold-starts one module path under functions/ (e.g. "validation/index"). */
export function loadFunctionModule<Module>(modulePath: string): Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(resolve(functionsRoot, modulePath)) as Module;
}
