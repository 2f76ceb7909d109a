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
import { build, type BuildOptions, type Metafile, type Plugin } from "esbuild";
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
 * zod's `z` namespace re-exports every message locale (about 250 KiB minified), which no tree
 * shaking can drop because the namespace object is imported whole. The functions use only the
 * English messages zod configures itself with, so the locales module is replaced with one that
 * exports `en` alone; any other locale is then a build error, not a silent fallback.
 */
export const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined;
      return { path: path.resolve(args.resolveDir, "..", "locales", "en.js"), namespace: "zod-english-only" };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
      loader: "js",
    }));
  },
};

/**
 * Inside Lambda the SDK's default credential chain always ends at its first link: the runtime
 * puts the execution role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN. The rest of the chain (SSO, web identity, profiles, processes, the instance
 * metadata service and the STS and SSO clients they embed, about 90 KiB) can never run there, so
 * the bundles get a chain of that one link. A bundle is only ever run by Lambda; local mode and
 * the tests run the TypeScript with the full chain.
 */
export const lambdaEnvironmentCredentials: Plugin = {
  name: "lambda-environment-credentials",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, (args) => ({
      path: args.path,
      namespace: "lambda-environment-credentials",
      pluginData: { resolveDir: args.resolveDir },
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: "lambda-environment-credentials" }, (args) => ({
      contents: [
        'import { fromEnv } from "@aws-sdk/credential-provider-env";',
        "export const defaultProvider = (init) => fromEnv(init);",
      ].join("\n"),
      resolveDir: (args.pluginData as { resolveDir: string }).resolveDir,
      loader: "js",
    }));
  },
};

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

/**
 * The SDK's protocols load event-stream support on demand (`await import("@smithy/core/event-streams")`),
 * for operations that stream events (S3 SelectObjectContent, Bedrock, Kinesis). No function calls
 * one, so the on-demand import gets a module that says so instead of 13 KiB of codecs. (S3 clients
 * import the module statically for their configuration; that import keeps the real one.)
 */
export const noOnDemandEventStreams: Plugin = {
  name: "no-on-demand-event-streams",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) =>
      args.kind === "dynamic-import"
        ? { path: args.path, namespace: "no-on-demand-event-streams" }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "no-on-demand-event-streams" }, () => ({
      contents: [
        `const unsupported = () => { throw new Error(${JSON.stringify(noEventStreamsMessage)}); };`,
        "export const eventStreamSerdeProvider = unsupported;",
        "export class EventStreamSerde { constructor() { unsupported(); } }",
      ].join("\n"),
      loader: "js",
    }));
  },
};

/** A file of the @smithy/core package the importer resolves to (the package's exports hide its files). */
function smithyCoreFile(pluginData: unknown, file: string): string {
  const { resolveDir } = pluginData as { resolveDir: string };
  const packageJson = require.resolve("@smithy/core/package.json", { paths: [resolveDir] });
  return path.join(path.dirname(packageJson), file);
}

const eventStreamConfigResolver =
  "dist-es/submodules/event-streams/eventstream-serde-config-resolver/EventStreamSerdeConfig.js";

const noEventStreamsMessage =
  "event-stream operations are not in this bundle: no pipeline function calls one";

/**
 * S3 clients also import event-stream support statically: their configuration builds an event-stream
 * marshaller at construction (`eventStreamSerdeProvider`), used only by SelectObjectContent, which no
 * function calls. The client gets a marshaller whose every method says so instead of the codecs
 * (about 9 KiB); the configuration resolver the client imports from the same module is the real one.
 */
export const noS3EventStreamCodecs: Plugin = {
  name: "no-s3-event-stream-codecs",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) =>
      args.kind === "import-statement" && /[\\/]@aws-sdk[\\/]client-s3[\\/]/.test(args.importer)
        ? {
            path: args.path,
            namespace: "no-s3-event-stream-codecs",
            pluginData: { resolveDir: args.resolveDir },
          }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "no-s3-event-stream-codecs" }, (args) => ({
      contents: [
        `export { resolveEventStreamSerdeConfig } from ${JSON.stringify(smithyCoreFile(args.pluginData, eventStreamConfigResolver))};`,
        `const unsupported = () => { throw new Error(${JSON.stringify(noEventStreamsMessage)}); };`,
        "export const eventStreamSerdeProvider = () => ({ serialize: unsupported, deserialize: unsupported });",
      ].join("\n"),
      resolveDir: (args.pluginData as { resolveDir: string }).resolveDir,
      loader: "js",
    }));
  },
};

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
    pluginBuild.onResolve(
      { filter: /^\.\/(patchers\/(aws|promise)_p|segments\/plugins\/(ec2|ecs|elastic_beanstalk)_plugin)$/ },
      (args) => (inXraySdk(args.importer) ? { path: args.path, namespace: "xray-lambda-only" } : undefined),
    );
    pluginBuild.onResolve({ filter: /^\.\/sampling\/default_sampler$/ }, (args) =>
      inXraySdk(args.importer)
        ? { path: path.join(args.resolveDir, "sampling", "local_sampler.js") }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "xray-lambda-only" }, (args) => {
      const contents = replacements[args.path];
      if (contents === undefined) throw new Error(`no replacement for the X-Ray SDK's ${args.path}`);
      return { contents, loader: "js" };
    });
  },
};

/**
 * The SDK's hash and checksum classes for Node (SHA-256, SHA-1, MD5, CRC32) use node:crypto and
 * zlib.crc32, and fall back to pure-JavaScript implementations only when those are missing, which
 * they never are on Lambda's Node.js 22. The fallbacks (about 8 KiB with S3's checksums) are
 * replaced with classes that say so if they are ever constructed. CRC32C and CRC64-NVME have no
 * native Node implementation and keep their JavaScript ones.
 */
export const nativeHashesOnly: Plugin = {
  name: "native-hashes-only",
  setup(pluginBuild) {
    const fallbacks = /^\.\/(Sha256Js|Sha1Js|Md5Js|Crc32Js)$/;
    pluginBuild.onResolve({ filter: fallbacks }, (args) =>
      /[\\/](Sha256Node|Sha1Node|Md5Node|Crc32Node)\.js$/.test(args.importer)
        ? { path: args.path, namespace: "native-hashes-only" }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "native-hashes-only" }, (args) => {
      const name = args.path.slice(2);
      const message = `${name} is not in this bundle: Node.js provides this hash natively`;
      return {
        contents: `export class ${name} { constructor() { throw new Error(${JSON.stringify(message)}); } }`,
        loader: "js",
      };
    });
  },
};

/**
 * The SDK reads settings it finds in no environment variable (FIPS and dual-stack endpoints,
 * retry mode, checksum policy, ...) from the shared config files, ~/.aws/config and
 * ~/.aws/credentials, before falling back to its defaults. A Lambda function has no such files (the
 * image holds the bundle alone), so the reader (the INI parser and the file paths, about 2 KiB) is
 * replaced with one that reports, as a missing file does, that the setting is not there; the
 * chain then goes on to the default, as it does in Lambda today, without a file-system lookup.
 */
export const noSharedConfigFiles: Plugin = {
  name: "no-shared-config-files",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\.\/shared-ini-file-loader\/loadSharedConfigFiles$/ }, (args) =>
      /[\\/]node-config-provider[\\/]fromSharedConfigFiles\.js$/.test(args.importer)
        ? {
            path: args.path,
            namespace: "no-shared-config-files",
            pluginData: { resolveDir: args.resolveDir },
          }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "no-shared-config-files" }, (args) => ({
      contents: [
        'import { CredentialsProviderError } from "../property-provider/CredentialsProviderError";',
        "export const loadSharedConfigFiles = async (init = {}) => {",
        '  throw new CredentialsProviderError("shared config files are not read in this bundle: a Lambda function has none", { logger: init.logger, tryNextLink: true });',
        "};",
      ].join("\n"),
      resolveDir: (args.pluginData as { resolveDir: string }).resolveDir,
      loader: "js",
    }));
  },
};

/**
 * The SDK asks the EC2 instance metadata service for the region only when AWS_REGION (and for
 * its defaults mode AWS_DEFAULT_REGION) is unset or it runs outside Lambda (AWS_EXECUTION_ENV);
 * Lambda always sets both. The IMDS client (about 1.2 KiB) is replaced with one that says so.
 */
export const noInstanceMetadataRegion: Plugin = {
  name: "no-instance-metadata-region",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /\/getInstanceMetadataRegion$/ }, (args) =>
      /[\\/]@smithy[\\/]core[\\/]/.test(args.importer)
        ? { path: "getInstanceMetadataRegion", namespace: "no-instance-metadata-region" }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "no-instance-metadata-region" }, () => ({
      contents: [
        "export const getInstanceMetadataRegion = async () => {",
        '  throw new Error("the instance metadata service is not in this bundle: Lambda sets AWS_REGION");',
        "};",
      ].join("\n"),
      loader: "js",
    }));
  },
};

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
export const zodNoJsonSchemaConversion: Plugin = {
  name: "zod-no-json-schema-conversion",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\.\/core\/(json-schema-processors|to-json-schema)\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]v4[\\/]classic[\\/]schemas\.js$/.test(args.importer)
        ? {
            path: args.path,
            namespace: "zod-no-json-schema-conversion",
            pluginData: { file: path.resolve(args.resolveDir, args.path) },
          }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "zod-no-json-schema-conversion" }, async (args) => {
      const source = await readFile((args.pluginData as { file: string }).file, "utf8");
      const names = [...source.matchAll(/^export (?:const|function) (\w+)/gm)].map(([, name]) => name);
      const message = "JSON Schema conversion is not in this bundle: the functions only parse with zod";
      return {
        contents: [
          `const unsupported = () => { throw new Error(${JSON.stringify(message)}); };`,
          // The method factories run when a schema is made; the methods they return throw.
          ...names.map((name) =>
            name.startsWith("create")
              ? `export const ${name} = () => unsupported;`
              : `export const ${name} = unsupported;`,
          ),
        ].join("\n"),
        loader: "js",
      };
    });
  },
};

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
