/**
 * The pipeline description (pipeline/): plain data the program and the local runtime both read.
 * These tests check what the description derives (invocations, route paths and grants, resolved
 * environments) and that it stays free of Pulumi, so the local runtime can load it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { EnvironmentName } from "../../functions/shared/environmentNames";
import {
  describeFunction,
  functionEnvironment,
  ingestApiPaths,
  ingestApiRoutes,
  ingestApiUrls,
  invokeGrantPath,
  invokedAsynchronously,
  invokersOf,
  isStateMachineStep,
  methodSettingsPath,
  pathsOf,
  pipelineFunctionNames,
  programFunctions,
  requiredRequestParameters,
  resolveEnvironment,
  type IngestApiRoute,
} from "../../pipeline";

const repositoryRoot = path.resolve(__dirname, "../..");

/** Every module a file loads at run time (type-only imports load nothing), followed through relative imports. */
function runtimeImports(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = fs.readFileSync(file, "utf8");
    for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)";/gms)) {
      const specifier = match[1];
      if (!specifier.startsWith(".")) {
        packages.add(specifier);
        continue;
      }
      const base = path.resolve(path.dirname(file), specifier);
      const resolved = [`${base}.ts`, path.join(base, "index.ts")].find((candidate) =>
        fs.existsSync(candidate),
      );
      if (resolved !== undefined) visit(resolved);
    }
  };
  visit(entry);
  return { files: [...files], packages: [...packages] };
}

describe("the pipeline description", () => {
  it("loads no Pulumi package, and neither does the local runtime", () => {
    // Prepare
    const entries = [
      path.join(repositoryRoot, "pipeline/index.ts"),
      path.join(repositoryRoot, "local/main.ts"),
    ];

    // Act
    const loaded = entries.map(runtimeImports);

    // Assess
    for (const { files, packages } of loaded) {
      expect(files.length).to.be.greaterThan(5);
      expect(packages.filter((name) => name.startsWith("@pulumi/"))).to.deep.equal([]);
    }
  });

  it("derives how each function is started from the routes, steps, notifications, subscriptions and schedules", () => {
    // Act
    const invokers = Object.fromEntries(pipelineFunctionNames.map((folder) => [folder, invokersOf(folder)]));

    // Assess
    expect(invokers).to.deep.equal({
      validation: ["state-machine"],
      "fraud-detection": ["state-machine"],
      compliance: ["state-machine"],
      "webhook-intake": ["api"],
      "transaction-status": ["api"],
      "csv-intake": ["api", "s3"],
      "file-status": ["api"],
      "csv-transform": ["s3", "bus"],
      notifier: ["bus"],
      reconciler: ["schedule"],
      archival: ["schedule"],
      "screening-lists-refresh": ["schedule"],
    });
    expect(pipelineFunctionNames.filter(invokedAsynchronously)).to.deep.equal([
      "csv-intake",
      "csv-transform",
      "notifier",
      "reconciler",
      "archival",
      "screening-lists-refresh",
    ]);
    expect(pipelineFunctionNames.filter(isStateMachineStep)).to.deep.equal([
      "validation",
      "fraud-detection",
      "compliance",
    ]);
  });

  it("leaves the archival and screening-lists functions to their components, and no function unassigned", () => {
    // Act
    const byCapability = (["ingest", "uploads", "processing", "archive"] as const).map(programFunctions);

    // Assess
    expect(byCapability).to.deep.equal([
      ["webhook-intake", "transaction-status"],
      ["csv-intake", "file-status", "csv-transform", "notifier"],
      ["validation", "fraud-detection", "compliance", "reconciler"],
      [],
    ]);
    expect(programFunctions()).to.have.length(10);
    expect(describeFunction("archival").builtBy).to.equal("Archival");
    expect(describeFunction("screening-lists-refresh").builtBy).to.equal("ScreeningListsRefresh");
  });

  it("names only variables the functions read (environmentNames.ts) in every environment", () => {
    // Prepare
    const known = new Set<string>(Object.values(EnvironmentName));

    // Act
    const named = pipelineFunctionNames.flatMap((folder) =>
      Object.keys(describeFunction(folder).environment),
    );

    // Assess
    expect(named.length).to.be.greaterThan(pipelineFunctionNames.length);
    expect(named.filter((variable) => !known.has(variable))).to.deep.equal([]);
  });

  it("resolves an environment: every source when complete, naming what is missing; what is there when available", () => {
    // Prepare
    const values = {
      resources: { transactionsTable: { name: "transactions" } },
      settings: { metricsNamespace: "Pipeline", maxAmountUsdMinor: "100" },
    };

    // Act
    const available = functionEnvironment("validation", values, "available");
    const complete = () => functionEnvironment("validation", values, "complete");

    // Assess
    expect(available).to.deep.equal({
      [EnvironmentName.metricsNamespace]: "Pipeline",
      [EnvironmentName.maxAmountUsdMinor]: "100",
      [EnvironmentName.serviceName]: "validation",
      [EnvironmentName.transactionsTable]: "transactions",
    });
    expect(complete).to.throw(
      `validation's ${EnvironmentName.archivedTransactionsTable} is the name of archivedTransactionsTable, which was not provided`,
    );
  });

  it("leaves an optional setting out even when complete, and refuses a missing required one", () => {
    // Prepare
    const schema = describeFunction("screening-lists-refresh").environment;
    const values = {
      resources: { screeningListsBucket: { name: "lists" } },
      settings: { screeningListsMinimumRetainedShare: "0.9", metricsNamespace: "Pipeline" },
    };

    // Act
    const resolved = resolveEnvironment("screening-lists-refresh", schema, values, "complete");
    const withoutShare = () =>
      resolveEnvironment(
        "screening-lists-refresh",
        schema,
        { ...values, settings: { metricsNamespace: "Pipeline" } },
        "complete",
      );

    // Assess
    expect(resolved).to.not.have.property(EnvironmentName.screeningListsSources);
    expect(resolved).to.have.property(EnvironmentName.screeningListsBucket, "lists");
    expect(withoutShare).to.throw(/the setting screeningListsMinimumRetainedShare/);
  });
});

describe("the ingest API routes", () => {
  const routes = Object.values(ingestApiRoutes) as IngestApiRoute[];

  it("name every path of every route, parents included", () => {
    // Act
    const paths = [...new Set(routes.flatMap((route) => pathsOf(route.resourcePath)))];

    // Assess
    expect(paths.length).to.be.greaterThan(routes.length);
    expect(paths.filter((resourcePath) => ingestApiPaths[resourcePath] === undefined)).to.deep.equal([]);
    expect(Object.keys(ingestApiPaths).sort()).to.deep.equal([...paths].sort());
  });

  it("derive each route's required parameters, invoke grant and method-settings path", () => {
    // Act
    const derived = routes.map((route) => [
      requiredRequestParameters(route),
      invokeGrantPath(route),
      methodSettingsPath(route),
    ]);

    // Assess
    expect(derived).to.deep.equal([
      [undefined, "POST/webhook", "webhook/POST"],
      [
        { "method.request.path.transactionId": true },
        "GET/transactions/*",
        "transactions~1{transactionId}/GET",
      ],
      [{ "method.request.header.Content-Type": true }, "POST/upload", "upload/POST"],
      [undefined, "POST/uploads", "uploads/POST"],
      [{ "method.request.path.file_id": true }, "GET/files/*", "files~1{file_id}/GET"],
    ]);
  });

  it("give the URLs a stack and the local API export", () => {
    expect(ingestApiUrls("https://api.example/v1")).to.deep.equal({
      apiUrl: "https://api.example/v1",
      webhookUrl: "https://api.example/v1/webhook",
      uploadUrl: "https://api.example/v1/upload",
      uploadsUrl: "https://api.example/v1/uploads",
      filesUrl: "https://api.example/v1/files",
    });
  });
});
