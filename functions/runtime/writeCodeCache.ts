/**
 * Writes the V8 code cache of the bundle in `$LAMBDA_TASK_ROOT` (`index.js.v8cache`, with what it
 * was made with in `index.js.v8cache.json`), for cachedEntry.ts to load. Run while the image is
 * built, by Lambda's own bootstrap through lambdaNodeFlags.sh, so that Node.js runs with the very
 * V8 flags Lambda will start the function with: V8 accepts a cache only under the flags it was
 * made with.
 *
 * The bundle's top level is run first, so that the cache also holds the functions its init calls
 * (V8 compiles a function when it is first called, and the cache keeps what was compiled). It
 * stops at the first setting it reads, which only Lambda provides; no state of the run is kept,
 * as V8's code cache holds compiled code only.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import {
  codeCacheFileName,
  codeCacheInfoFileName,
  compileBundle,
  runBundle,
  type CodeCacheInfo,
} from "./bundleScript";

const directory = process.env.LAMBDA_TASK_ROOT;
if (directory === undefined || directory === "") {
  throw new Error("LAMBDA_TASK_ROOT is not set: it names the folder holding the bundle (index.js)");
}
const script = compileBundle(directory);
try {
  runBundle(script, directory);
  process.stdout.write("code cache: the bundle's init ran to its end\n");
} catch (error) {
  process.stdout.write(
    `code cache: the bundle's init stopped at: ${error instanceof Error ? error.message : String(error)}\n`,
  );
}
const cachedData = script.createCachedData();
// Read back under the same flags: a cache V8 would refuse here is not worth shipping.
if (compileBundle(directory, cachedData).cachedDataRejected === true) {
  throw new Error("V8 refused the code cache it has just made; not writing it");
}
const info: CodeCacheInfo = { nodeVersion: process.version, execArgv: process.execArgv };
writeFileSync(path.join(directory, codeCacheFileName), cachedData);
writeFileSync(path.join(directory, codeCacheInfoFileName), `${JSON.stringify(info)}\n`);
process.stdout.write(
  `code cache: ${codeCacheFileName} (${cachedData.length} bytes) for node ${info.nodeVersion} ${info.execArgv.join(" ")}\n`,
);
// What the bundle's init left open (timers, sockets) must not keep the image build waiting.
process.exit(0);
