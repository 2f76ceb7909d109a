/**
 * Bundles the Lambda handlers with esbuild: `functions/<dir>/index.ts` becomes one minified
 * CommonJS file `dist/functions/<dir>/index.js` (plus its source map) for the Node.js 22
 * runtime. Everything is bundled, the AWS SDK v3 included: the runtime's own copy is pinned and
 * lags behind, so the functions ship the versions package-lock.json tested.
 *
 * Usage: `npm run build:functions -- [dir ...]`; with no names, every folder under functions/
 * that has an index.ts, except shared/. Used by functions/Dockerfile and the benchmarks.
 */
import * as fs from "fs";
import * as path from "path";
import { build } from "esbuild";

/** The folder holding one sub-folder per function. */
export const functionsRoot = __dirname;

/** Where bundles go unless told otherwise. */
export const defaultOutputRoot = path.resolve(__dirname, "..", "dist", "functions");

/**
 * Data files a function reads at run time, copied beside its bundle (same relative path) instead
 * of being inlined: the compressed sanctions list would triple the bundle and slow every init.
 */
export const bundledDataDirectories: Readonly<Record<string, readonly string[]>> = {
  compliance: ["lists/ofac"],
};

/** What one bundle came to. */
export interface BundleResult {
  readonly functionDirectory: string;
  readonly outputFile: string;
  readonly bytes: number;
  readonly sourceMapBytes: number;
}

/** Function folders (those with an index.ts, shared/ excluded), sorted. */
export function listFunctionDirectories(root: string = functionsRoot): string[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== "shared")
    .filter((entry) => fs.existsSync(path.join(root, entry.name, "index.ts")))
    .map((entry) => entry.name)
    .sort();
}

/** Where to read handlers from and write bundles to. */
export interface BundleOptions {
  /** Folder with one sub-folder per function. Default: functions/. */
  readonly sourceRoot?: string;
  /** Folder the bundles go to. Default: dist/functions/. */
  readonly outputRoot?: string;
}

/** Bundles one function into `<outputRoot>/<functionDirectory>/index.js`, replacing what was there. */
export async function bundleFunction(
  functionDirectory: string,
  options: BundleOptions = {},
): Promise<BundleResult> {
  const { sourceRoot = functionsRoot, outputRoot = defaultOutputRoot } = options;
  const entryPoint = path.join(sourceRoot, functionDirectory, "index.ts");
  if (functionDirectory === "shared" || !fs.existsSync(entryPoint)) {
    throw new Error(`"${functionDirectory}" is not a function: ${entryPoint} does not exist`);
  }
  const outputDirectory = path.join(outputRoot, functionDirectory);
  const outputFile = path.join(outputDirectory, "index.js");
  fs.rmSync(outputDirectory, { recursive: true, force: true });
  await build({
    entryPoints: [entryPoint],
    outfile: outputFile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    // Stack traces map back to the TypeScript (NODE_OPTIONS=--enable-source-maps in the
    // function); the sources themselves stay out of the image.
    sourcemap: true,
    sourcesContent: false,
    // Prefer packages' ES module builds: they tree-shake (the AWS SDK v3 above all).
    mainFields: ["module", "main"],
    // Licence texts go to a file beside the bundle instead of bloating it.
    legalComments: "linked",
    logLevel: "warning",
  });
  for (const directory of bundledDataDirectories[functionDirectory] ?? []) {
    fs.cpSync(path.join(sourceRoot, functionDirectory, directory), path.join(outputDirectory, directory), {
      recursive: true,
    });
  }
  return {
    functionDirectory,
    outputFile,
    bytes: fs.statSync(outputFile).size,
    sourceMapBytes: fs.statSync(`${outputFile}.map`).size,
  };
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(requested: readonly string[]): Promise<void> {
  const available = listFunctionDirectories();
  const unknown = requested.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown function folder(s): ${unknown.join(", ")}; available: ${available.join(", ") || "none"}`,
    );
  }
  const targets = requested.length > 0 ? requested : available;
  if (targets.length === 0) throw new Error(`no function folders with an index.ts under ${functionsRoot}`);
  for (const target of targets) {
    const result = await bundleFunction(target);
    const shown = path.relative(process.cwd(), result.outputFile);
    console.log(`${shown}  ${kilobytes(result.bytes)} (source map ${kilobytes(result.sourceMapBytes)})`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
