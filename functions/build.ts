/**
 * Bundles the Lambda handlers with esbuild: `functions/<dir>/index.ts` becomes one minified
 * CommonJS file `dist/functions/<dir>/index.js` (plus its source map) for the Node.js 22
 * runtime. Everything is bundled, the AWS SDK v3 included: the runtime's own copy is pinned and
 * lags behind, so the functions ship the versions package-lock.json tested. The plugins below
 * (bundlePlugins) drop code a Lambda bundle never runs (zod's non-English locales, the SDK's
 * credential chain beyond environment variables, its shared config file reader and instance
 * metadata region lookup, event streams, the pure-JavaScript hashes Node.js has natively, the
 * X-Ray SDK's patchers for the AWS SDK v2 and promises, its EC2/ECS/Beanstalk plugins and
 * centralized sampler) and let esbuild drop what a bundle does not use (the SDK's unused operation
 * schemas, the unused parts of zod's classic API, package metadata, and, per bundle, the X-Ray
 * whitelist of services it has no client for); what is left out throws a message saying so if it
 * is ever called. The source map is written beside the bundle, never inline, and compliance's
 * screening index is prebuilt beside its bundle.
 *
 * Usage: `npm run build:functions -- [dir ...]`; with no names, every folder under functions/
 * that has an index.ts, except shared/. Used by functions/Dockerfile and the benchmarks.
 */
import * as fs from "fs";
import { readFile } from "fs/promises";
import * as path from "path";
import {
  build,
  type BuildOptions,
  type Metafile,
  type OnResolveArgs,
  type Plugin,
  type PluginBuild,
} from "esbuild";
import { prebuiltIndexPath, serialisedBundledIndex } from "./compliance/sanctions/bundledList";

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

/**
 * Data a function reads at init, prepared at bundle time and written beside its bundle (same
 * relative path): compliance's screening index of the bundled sanctions list, which takes a tenth
 * of the time to read that parsing the list's CSV at every cold start takes.
 */
export const prebuiltDataFiles: Readonly<Record<string, Readonly<Record<string, () => Buffer>>>> = {
  compliance: { [prebuiltIndexPath]: serialisedBundledIndex },
};

/** Lambda's handler module: loads the bundle with its V8 code cache (runtime/cachedEntry.ts). */
export const entryFileName = "entry.js";

/** Where the image build finds the code-cache writer and its wrapper (runtime/writeCodeCache.ts). */
export const defaultCodeCacheToolsDirectory = path.resolve(__dirname, "..", "dist", "code-cache");

/** What one bundle came to. */
export interface BundleResult {
  readonly functionDirectory: string;
  readonly outputFile: string;
  readonly bytes: number;
  readonly sourceMapBytes: number;
  /** Every input file esbuild put into the bundle, relative to the repository root. */
  readonly inputs: readonly string[];
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

/**
 * A module some bundle-plugin loads in place of one the bundles import: which imports it replaces
 * and the JavaScript it is made of. The stand-in lives in the plugin's own namespace, so esbuild
 * never reads the replaced file.
 */
interface StandIn {
  /** Import paths to look at (esbuild's onResolve filter). */
  readonly filter: RegExp;
  /** Which of those imports to replace (by importer or kind of import); every one if absent. */
  readonly replaces?: (imported: OnResolveArgs) => boolean;
  /** The stand-in's path in the namespace, as source maps name it; the import path if absent. */
  readonly path?: (imported: OnResolveArgs) => string;
  /** The stand-in's JavaScript; its own imports resolve from the importer's folder. */
  readonly contents: string | ((imported: OnResolveArgs) => string | Promise<string>);
}

/** Loads `standIn` in namespace `namespace` for the imports it replaces. */
function addStandIn(pluginBuild: PluginBuild, namespace: string, standIn: StandIn): void {
  const { filter, replaces = () => true, path: standInPath = (imported) => imported.path } = standIn;
  pluginBuild.onResolve({ filter }, (args) =>
    replaces(args) ? { path: standInPath(args), namespace, pluginData: args } : undefined,
  );
  pluginBuild.onLoad({ filter: /.*/, namespace }, async (args) => {
    const imported = args.pluginData as OnResolveArgs;
    const contents =
      typeof standIn.contents === "string" ? standIn.contents : await standIn.contents(imported);
    return { contents, resolveDir: imported.resolveDir, loader: "js" };
  });
}

/** A plugin that loads one stand-in; its name is the stand-in's namespace. */
function standInPlugin(name: string, standIn: StandIn): Plugin {
  return { name, setup: (pluginBuild) => addStandIn(pluginBuild, name, standIn) };
}

/**
 * zod's `z` namespace re-exports every message locale (about 250 KiB minified), which no tree
 * shaking can drop because the namespace object is imported whole. The functions use only the
 * English messages zod configures itself with, so the locales module is replaced with one that
 * exports `en` alone; any other locale is then a build error, not a silent fallback.
 */
export const zodEnglishOnly: Plugin = standInPlugin("zod-english-only", {
  filter: /^\.\.\/locales\/index\.js$/,
  replaces: ({ importer }) => /[\\/]node_modules[\\/]zod[\\/]/.test(importer),
  path: ({ resolveDir }) => zodEnglishLocale(resolveDir),
  contents: ({ resolveDir }) =>
    `export { default as en } from ${JSON.stringify(zodEnglishLocale(resolveDir))};`,
});

/** zod's English locale, seen from the folder of a module importing `../locales/index.js`. */
function zodEnglishLocale(resolveDir: string): string {
  return path.resolve(resolveDir, "..", "locales", "en.js");
}

/**
 * Inside Lambda the SDK's default credential chain always ends at its first link: the runtime
 * puts the execution role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN. The rest of the chain (SSO, web identity, profiles, processes, the instance
 * metadata service and the STS and SSO clients they embed, about 90 KiB) can never run there, so
 * the bundles get a chain of that one link. A bundle is only ever run by Lambda; local mode and
 * the tests run the TypeScript with the full chain.
 */
export const lambdaEnvironmentCredentials: Plugin = standInPlugin("lambda-environment-credentials", {
  filter: /^@aws-sdk\/credential-provider-node$/,
  contents: [
    'import { fromEnv } from "@aws-sdk/credential-provider-env";',
    "export const defaultProvider = (init) => fromEnv(init);",
  ].join("\n"),
});

/**
 * The AWS SDK's generated schema files (`@aws-sdk/client-*\/dist-es/schemas/schemas_0.js`) describe
 * every operation of a service as constant arrays, and tree shaking would drop those of operations
 * a function never calls, but for one detail: their HTTP traits are objects with computed keys
 * (`{ [_h]: ["GET", "/{Key+}", 200] }`, `_h` being `const _h = "http"`), and esbuild keeps any
 * object literal with a computed key, since a key expression might have side effects. This plugin
 * writes those keys as the string literals the constants hold, which changes no value and lets
 * esbuild drop the unused schemas: about 55 KiB of S3's.
 */
export const sdkSchemaLiteralKeys: Plugin = {
  name: "sdk-schema-literal-keys",
  setup(pluginBuild) {
    pluginBuild.onLoad(
      { filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ },
      async (args) => {
        const source = await readFile(args.path, "utf8");
        const strings = new Map<string, string>();
        for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) {
          strings.set(name, literal);
        }
        const contents = source.replace(/\[(_\w+)\]:/g, (key, name: string) => {
          const literal = strings.get(name);
          return literal === undefined ? key : `${literal}:`;
        });
        return { contents, loader: "js" };
      },
    );
  },
};

/** What every left-out event-stream entry point throws. */
const noEventStreamsMessage =
  "event-stream operations are not in this bundle: no pipeline function calls one";

/**
 * The SDK's protocols load event-stream support on demand (`await import("@smithy/core/event-streams")`),
 * for operations that stream events (S3 SelectObjectContent, Bedrock, Kinesis). No function calls
 * one, so the on-demand import gets a module that says so instead of 13 KiB of codecs. (S3 clients
 * import the module statically for their configuration; that import keeps the real one.)
 */
export const noOnDemandEventStreams: Plugin = standInPlugin("no-on-demand-event-streams", {
  filter: /^@smithy\/core\/event-streams$/,
  replaces: ({ kind }) => kind === "dynamic-import",
  contents: [
    `const unsupported = () => { throw new Error(${JSON.stringify(noEventStreamsMessage)}); };`,
    "export const eventStreamSerdeProvider = unsupported;",
    "export class EventStreamSerde { constructor() { unsupported(); } }",
  ].join("\n"),
});

/** A file of the @smithy/core package the importer resolves to (the package's exports hide its files). */
function smithyCoreFile(resolveDir: string, file: string): string {
  const packageJson = require.resolve("@smithy/core/package.json", { paths: [resolveDir] });
  return path.join(path.dirname(packageJson), file);
}

const eventStreamConfigResolver =
  "dist-es/submodules/event-streams/eventstream-serde-config-resolver/EventStreamSerdeConfig.js";

/**
 * S3 clients also import event-stream support statically: their configuration builds an event-stream
 * marshaller at construction (`eventStreamSerdeProvider`), used only by SelectObjectContent, which no
 * function calls. The client gets a marshaller whose every method says so instead of the codecs
 * (about 9 KiB); the configuration resolver the client imports from the same module is the real one.
 */
export const noS3EventStreamCodecs: Plugin = standInPlugin("no-s3-event-stream-codecs", {
  filter: /^@smithy\/core\/event-streams$/,
  replaces: ({ kind, importer }) =>
    kind === "import-statement" && /[\\/]@aws-sdk[\\/]client-s3[\\/]/.test(importer),
  contents: ({ resolveDir }) =>
    [
      `export { resolveEventStreamSerdeConfig } from ${JSON.stringify(smithyCoreFile(resolveDir, eventStreamConfigResolver))};`,
      `const unsupported = () => { throw new Error(${JSON.stringify(noEventStreamsMessage)}); };`,
      "export const eventStreamSerdeProvider = () => ({ serialize: unsupported, deserialize: unsupported });",
    ].join("\n"),
});

/**
 * Parts of the X-Ray SDK that never run in Lambda are left out:
 * - its patcher for the AWS SDK v2 (`captureAWS`, `captureAWSClient`), with `semver` (28 KiB) to
 *   check the v2 SDK's version: the functions use the v3 SDK, traced with captureAWSv3Client;
 * - its plugins for EC2, ECS and Elastic Beanstalk (instance metadata, container and environment
 *   details for segments made there; about 2.5 KiB): a Lambda segment is made by Lambda, and
 *   nothing calls `AWSXRay.config` with them;
 * - its promise patcher (`capturePromise`, for contexts lost across `then` with cls-hooked), which
 *   Powertools never calls;
 * - its centralized sampler (rule and target pollers calling the X-Ray API): the SDK's Lambda setup
 *   switches to its local sampler at init, since Lambda makes the sampling decision itself
 *   (aws/aws-xray-sdk-node#217), so the local sampler is loaded in the centralized one's place.
 * What is left out is replaced with functions that say so if anything ever calls them.
 */
export const xrayLambdaOnly: Plugin = {
  name: "xray-lambda-only",
  setup(pluginBuild) {
    const inXraySdk = (importer: string): boolean =>
      /[\\/]node_modules[\\/]aws-xray-sdk-core[\\/]/.test(importer);
    const unsupported = (message: string): string =>
      `const unsupported = () => { throw new Error(${JSON.stringify(message)}); };`;
    const plugin = (originName: string): string =>
      [
        unsupported(`the X-Ray SDK's ${originName} plugin is not in this bundle: Lambda makes the segment`),
        `module.exports = { getData: unsupported, originName: ${JSON.stringify(originName)} };`,
      ].join("\n");
    const replacements: Readonly<Record<string, string>> = {
      "./patchers/aws_p": [
        unsupported("the AWS SDK v2 is not in this bundle: trace v3 clients with captureAWSv3Client"),
        "module.exports = { captureAWS: unsupported, captureAWSClient: unsupported };",
      ].join("\n"),
      "./patchers/promise_p": [
        unsupported(
          "the X-Ray SDK's promise patcher is not in this bundle: nothing here calls capturePromise",
        ),
        "module.exports = { capturePromise: unsupported, uncapturePromise: unsupported };",
      ].join("\n"),
      "./segments/plugins/ec2_plugin": plugin("AWS::EC2::Instance"),
      "./segments/plugins/ecs_plugin": plugin("AWS::ECS::Container"),
      "./segments/plugins/elastic_beanstalk_plugin": plugin("AWS::ElasticBeanstalk::Environment"),
    };
    addStandIn(pluginBuild, "xray-lambda-only", {
      filter: /^\.\/(patchers\/(aws|promise)_p|segments\/plugins\/(ec2|ecs|elastic_beanstalk)_plugin)$/,
      replaces: ({ importer }) => inXraySdk(importer),
      contents: ({ path: imported }) => {
        const contents = replacements[imported];
        if (contents === undefined) throw new Error(`no replacement for the X-Ray SDK's ${imported}`);
        return contents;
      },
    });
    pluginBuild.onResolve({ filter: /^\.\/sampling\/default_sampler$/ }, (args) =>
      inXraySdk(args.importer)
        ? { path: path.join(args.resolveDir, "sampling", "local_sampler.js") }
        : undefined,
    );
  },
};

/**
 * The SDK's hash and checksum classes for Node (SHA-256, SHA-1, MD5, CRC32) use node:crypto and
 * zlib.crc32, and fall back to pure-JavaScript implementations only when those are missing, which
 * they never are on Lambda's Node.js 22. The fallbacks (about 8 KiB with S3's checksums) are
 * replaced with classes that say so if they are ever constructed. CRC32C and CRC64-NVME have no
 * native Node implementation and keep their JavaScript ones.
 */
export const nativeHashesOnly: Plugin = standInPlugin("native-hashes-only", {
  filter: /^\.\/(Sha256Js|Sha1Js|Md5Js|Crc32Js)$/,
  replaces: ({ importer }) => /[\\/](Sha256Node|Sha1Node|Md5Node|Crc32Node)\.js$/.test(importer),
  contents: ({ path: imported }) => {
    const name = imported.slice(2);
    const message = `${name} is not in this bundle: Node.js provides this hash natively`;
    return `export class ${name} { constructor() { throw new Error(${JSON.stringify(message)}); } }`;
  },
});

/**
 * The SDK reads settings it finds in no environment variable (FIPS and dual-stack endpoints,
 * retry mode, checksum policy, ...) from the shared config files, ~/.aws/config and
 * ~/.aws/credentials, before falling back to its defaults. A Lambda function has no such files (the
 * image holds the bundle alone), so the reader (the INI parser and the file paths, about 2 KiB) is
 * replaced with one that reports, as a missing file does, that the setting is not there; the
 * chain then goes on to the default, as it does in Lambda today, without a file-system lookup.
 */
export const noSharedConfigFiles: Plugin = standInPlugin("no-shared-config-files", {
  filter: /^\.\.\/shared-ini-file-loader\/loadSharedConfigFiles$/,
  replaces: ({ importer }) => /[\\/]node-config-provider[\\/]fromSharedConfigFiles\.js$/.test(importer),
  contents: [
    'import { CredentialsProviderError } from "../property-provider/CredentialsProviderError";',
    "export const loadSharedConfigFiles = async (init = {}) => {",
    '  throw new CredentialsProviderError("shared config files are not read in this bundle: a Lambda function has none", { logger: init.logger, tryNextLink: true });',
    "};",
  ].join("\n"),
});

/**
 * The SDK asks the EC2 instance metadata service for the region only when AWS_REGION (and for
 * its defaults mode AWS_DEFAULT_REGION) is unset or it runs outside Lambda (AWS_EXECUTION_ENV);
 * Lambda always sets both. The IMDS client (about 1.2 KiB) is replaced with one that says so.
 */
export const noInstanceMetadataRegion: Plugin = standInPlugin("no-instance-metadata-region", {
  filter: /\/getInstanceMetadataRegion$/,
  replaces: ({ importer }) => /[\\/]@smithy[\\/]core[\\/]/.test(importer),
  path: () => "getInstanceMetadataRegion",
  contents: [
    "export const getInstanceMetadataRegion = async () => {",
    '  throw new Error("the instance metadata service is not in this bundle: Lambda sets AWS_REGION");',
    "};",
  ].join("\n"),
});

/**
 * The AWS SDK clients and the X-Ray SDK import their whole package.json for one or two fields (the
 * client's version for its user agent; the X-Ray SDK's name and version for its segments), about
 * 2 KiB each; esbuild keeps every field of an imported JSON object. They get a package.json of
 * those two fields.
 */
export const packageJsonNameAndVersion: Plugin = {
  name: "package-json-name-and-version",
  setup(pluginBuild) {
    pluginBuild.onLoad(
      { filter: /[\\/]node_modules[\\/](@aws-sdk[\\/]client-[^\\/]+|aws-xray-sdk-core)[\\/]package\.json$/ },
      async (args) => {
        const { name, version } = JSON.parse(await readFile(args.path, "utf8")) as {
          name: string;
          version: string;
        };
        return { contents: JSON.stringify({ name, version }), loader: "json" };
      },
    );
  },
};

/**
 * Powertools' parser schemas and two of the functions' own modules write `import { z } from "zod"`.
 * That `z` is zod's module namespace re-exported as a binding, which esbuild materializes whole:
 * every schema kind, JSON-Schema conversion and the schema compiler (about 93 KiB). Importing the
 * same module as a namespace (`import * as z from ".../v4/classic/external.js"`, the very module
 * zod's `z` is) gives the same object property by property, and lets esbuild keep only the
 * properties that are read.
 */
export const zodClassicNamespaceImports: Plugin = {
  name: "zod-classic-namespace-imports",
  setup(pluginBuild) {
    const classicImport = /^import \{ z \} from ["']zod["'];$/m;
    pluginBuild.onLoad(
      {
        filter:
          /([\\/]node_modules[\\/]@aws-lambda-powertools[\\/]parser[\\/].*\.js|[\\/]functions[\\/].*\.ts)$/,
      },
      async (args) => {
        const source = await readFile(args.path, "utf8");
        if (!classicImport.test(source)) return undefined;
        const zodPackage = require.resolve("zod/package.json", { paths: [path.dirname(args.path)] });
        const external = path.join(path.dirname(zodPackage), "v4", "classic", "external.js");
        return {
          contents: source.replace(classicImport, `import * as z from ${JSON.stringify(external)};`),
          loader: args.path.endsWith(".ts") ? "ts" : "js",
        };
      },
    );
  },
};

/**
 * zod's classic schemas carry JSON Schema conversion with them (`schema.toJSONSchema()`, the
 * Standard Schema `jsonSchema` methods and a converter per schema kind, about 17 KiB). No function
 * converts a schema to JSON Schema; they only parse. For the classic schemas the converters are
 * replaced with functions that say so if called (the methods are still created, as Powertools'
 * parser reads `~standard`, so only calling one throws).
 */
export const zodNoJsonSchemaConversion: Plugin = standInPlugin("zod-no-json-schema-conversion", {
  filter: /^\.\.\/core\/(json-schema-processors|to-json-schema)\.js$/,
  replaces: ({ importer }) => /[\\/]node_modules[\\/]zod[\\/]v4[\\/]classic[\\/]schemas\.js$/.test(importer),
  contents: async ({ resolveDir, path: imported }) => {
    const source = await readFile(path.resolve(resolveDir, imported), "utf8");
    const names = [...source.matchAll(/^export (?:const|function) (\w+)/gm)].map(([, name]) => name);
    const message = "JSON Schema conversion is not in this bundle: the functions only parse with zod";
    return [
      `const unsupported = () => { throw new Error(${JSON.stringify(message)}); };`,
      // The method factories run when a schema is made; the methods they return throw.
      ...names.map((name) =>
        name.startsWith("create")
          ? `export const ${name} = () => unsupported;`
          : `export const ${name} = unsupported;`,
      ),
    ].join("\n");
  },
});

/** The services whose SDK clients (`@aws-sdk/client-<name>`) a bundle holds, as the X-Ray SDK names them. */
export function sdkClientServices(metafile: Metafile): Set<string> {
  const services = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const client = /node_modules\/@aws-sdk\/client-([^/]+)\//.exec(input)?.[1];
    if (client !== undefined) services.add(client.replace(/-/g, ""));
  }
  return services;
}

/**
 * The X-Ray SDK records, for each AWS call it traces, the request and response parameters its
 * whitelist names for that service and operation (`resources/aws_whitelist.json`: DynamoDB, SQS,
 * SNS, Lambda, S3, SageMaker Runtime; about 10 KiB, S3's 7). A bundle can only call the services
 * whose clients it holds, so it gets the whitelist of those services alone (`services`, from a
 * first pass of the same build): what is recorded for every call it can make is unchanged. A
 * function with a DynamoDB client only keeps 1.7 KiB of it.
 */
export function xrayWhitelistOf(services: ReadonlySet<string>): Plugin {
  return {
    name: "xray-whitelist-of-bundled-clients",
    setup(pluginBuild) {
      pluginBuild.onLoad(
        { filter: /[\\/]aws-xray-sdk-core[\\/].*[\\/]aws_whitelist\.json$/ },
        async (args) => {
          const whitelist = JSON.parse(await readFile(args.path, "utf8")) as {
            services: Record<string, unknown>;
          };
          const kept = Object.entries(whitelist.services).filter(([service]) => services.has(service));
          return {
            contents: JSON.stringify({ ...whitelist, services: Object.fromEntries(kept) }),
            loader: "json",
          };
        },
      );
    },
  };
}

/** Every plugin a function bundle is built with. */
export const bundlePlugins: readonly Plugin[] = [
  zodEnglishOnly,
  lambdaEnvironmentCredentials,
  sdkSchemaLiteralKeys,
  noOnDemandEventStreams,
  noS3EventStreamCodecs,
  xrayLambdaOnly,
  nativeHashesOnly,
  noSharedConfigFiles,
  noInstanceMetadataRegion,
  packageJsonNameAndVersion,
  zodClassicNamespaceImports,
  zodNoJsonSchemaConversion,
];

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
  const common = {
    entryPoints: [entryPoint],
    metafile: true,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    // Prefer packages' ES module builds: they tree-shake (the AWS SDK v3 above all).
    mainFields: ["module", "main"],
    // `import("node:http")` (the SDK's HTTP handler) becomes a require: the code-cache entry
    // compiles the bundle as a vm.Script, where a dynamic import needs an experimental loader.
    supported: { "dynamic-import": false },
    logLevel: "warning",
  } as const satisfies BuildOptions;
  // A first pass, not written, finds the SDK clients the function holds (see xrayWhitelistOf).
  const survey = await build({
    ...common,
    entryPoints: [entryPoint],
    mainFields: ["module", "main"],
    write: false,
    plugins: [...bundlePlugins],
  });
  const built = await build({
    ...common,
    entryPoints: [entryPoint],
    mainFields: ["module", "main"],
    outfile: outputFile,
    // Beside the bundle, for `npm run map-stack` to map a logged stack trace back to the
    // TypeScript (the functions run without --enable-source-maps, which slows every cold start);
    // the sources themselves stay out of the image.
    sourcemap: true,
    sourcesContent: false,
    // Licence texts go to a file beside the bundle instead of bloating it.
    legalComments: "linked",
    plugins: [...bundlePlugins, xrayWhitelistOf(sdkClientServices(survey.metafile))],
  });
  const dynamicImports = Object.values(built.metafile.outputs)
    .flatMap((output) => output.imports)
    .filter((imported) => imported.kind === "dynamic-import");
  if (dynamicImports.length > 0) {
    throw new Error(
      `${functionDirectory}: the bundle keeps dynamic imports (${dynamicImports.map((imported) => imported.path).join(", ")}), which its code-cache entry cannot load`,
    );
  }
  await build({
    ...common,
    entryPoints: [path.join(functionsRoot, "runtime", "cachedEntry.ts")],
    outfile: path.join(outputDirectory, entryFileName),
  });
  for (const directory of bundledDataDirectories[functionDirectory] ?? []) {
    fs.cpSync(path.join(sourceRoot, functionDirectory, directory), path.join(outputDirectory, directory), {
      recursive: true,
    });
  }
  for (const [file, contents] of Object.entries(prebuiltDataFiles[functionDirectory] ?? {})) {
    fs.mkdirSync(path.dirname(path.join(outputDirectory, file)), { recursive: true });
    fs.writeFileSync(path.join(outputDirectory, file), contents());
  }
  return {
    functionDirectory,
    outputFile,
    bytes: fs.statSync(outputFile).size,
    sourceMapBytes: fs.statSync(`${outputFile}.map`).size,
    inputs: Object.values(built.metafile.outputs).flatMap((output) => Object.keys(output.inputs)),
  };
}

/**
 * Writes the code-cache writer (`write-code-cache.js`) and the wrapper that runs it with Lambda's
 * Node.js flags (`lambdaNodeFlags.sh`) into `directory`, for functions/Dockerfile's final stage.
 */
export async function writeCodeCacheTools(directory: string = defaultCodeCacheToolsDirectory): Promise<void> {
  fs.rmSync(directory, { recursive: true, force: true });
  await build({
    entryPoints: [path.join(functionsRoot, "runtime", "writeCodeCache.ts")],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    outfile: path.join(directory, "write-code-cache.js"),
    logLevel: "warning",
  });
  fs.copyFileSync(
    path.join(functionsRoot, "runtime", "lambdaNodeFlags.sh"),
    path.join(directory, "lambdaNodeFlags.sh"),
  );
  fs.chmodSync(path.join(directory, "lambdaNodeFlags.sh"), 0o755);
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
  await writeCodeCacheTools();
  console.log(
    `${path.relative(process.cwd(), defaultCodeCacheToolsDirectory)}  code-cache writer for the image build`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
