/**
 * The pipeline's functions cold-started in this process, one container each: a container loads
 * its own module instances (its own clients and Powertools singletons, named after it) with
 * exactly its own environment, resolved from its description (pipeline/functions.ts) against the
 * local resources, as its deployed configuration would give it.
 */
import { EnvironmentName } from "../functions/shared/environmentNames";
import {
  functionEnvironment,
  pipelineFunctionNames,
  type EnvironmentValues,
  type PipelineFunction,
} from "../pipeline";
import { forgetFunctionModules, loadFunctionModule } from "./functionLoader";
import type { LambdaHandler } from "./lambdaInvokeShim";

type IntakeModule = typeof import("../functions/webhook-intake/webhookIntake");
type SourceModule = typeof import("../functions/webhook-intake/signingSecretSource");
type ConfigModule = typeof import("../functions/webhook-intake/config");
type ClientsModule = { documentClient: typeof import("../functions/shared/dynamoDb").documentClient };
type EventBridgeModule = typeof import("../functions/shared/eventBridge");
type ReconcilerModule = typeof import("../functions/reconciler/index");
export type ReconcilerRunSummary = import("../functions/reconciler/index").ReconcilerRunSummary;

/**
 * The functions the local runtime runs: every one of the pipeline's but the screening-lists
 * refresh, which downloads from the list publishers (locally compliance screens against the list
 * bundled with its code).
 */
export type LocalFunctionName = Exclude<PipelineFunction, "screening-lists-refresh">;
export const localFunctions = pipelineFunctionNames.filter(
  (folder): folder is LocalFunctionName => folder !== "screening-lists-refresh",
);

/** The functions invoked through their handler (the reconciler's run is called directly, with a clock). */
export type HandlerFunctionName = Exclude<LocalFunctionName, "reconciler">;

/** Wraps each function's handler as it cold-starts (LocalFaultInjection.wrapHandler). */
export type HandlerWrapper = (
  name: LocalFunctionName,
  handler: LambdaHandler,
  coldStart: (environment?: Readonly<Record<string, string>>) => LambdaHandler,
) => LambdaHandler;

export interface LocalFunctionOptions {
  /** The local resources and settings the environments are resolved against. */
  readonly values: EnvironmentValues<string>;
  /** Extra variables every function sees over its own (e.g. log level). */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  /** The Standard Webhooks secret webhook-intake verifies with, and the provider it names. */
  readonly webhookSecret: string;
  readonly providerName: string;
  readonly wrapHandler?: HandlerWrapper;
}

export interface LocalFunctions {
  readonly handlers: Readonly<Record<HandlerFunctionName, LambdaHandler>>;
  /** One reconciler run at `now`; `acceptedBefore` makes everything accepted before it due. */
  readonly reconcileAt: ReconcilerModule["reconcileAt"];
}

export function coldStartLocalFunctions(options: LocalFunctionOptions): LocalFunctions {
  const ownEnvironment = (folder: LocalFunctionName) =>
    functionEnvironment(folder, options.values, "available") as Record<string, string>;
  const environmentOf = (folder: LocalFunctionName) => ({
    ...ownEnvironment(folder),
    ...options.functionEnvironment,
  });
  // Between cold starts the process holds every function's variables (its service name aside),
  // for code that reads one after its cold start.
  const localVariables = new Set(localFunctions.flatMap((folder) => Object.keys(ownEnvironment(folder))));
  for (const folder of localFunctions) {
    const { [EnvironmentName.serviceName]: _service, ...variables } = environmentOf(folder);
    Object.assign(process.env, variables);
  }

  // A cold start sees its own function's variables only, none of the others' (as in its deployed
  // configuration), with `extra` over them (a fault-injection cold start's); then the process's
  // come back.
  const container = <Modules>(
    folder: LocalFunctionName,
    load: () => Modules,
    extra: Readonly<Record<string, string>> = {},
  ): Modules => {
    const touched = [...new Set([...localVariables, ...Object.keys(extra)])];
    const before = Object.fromEntries(touched.map((variable) => [variable, process.env[variable]]));
    forgetFunctionModules();
    for (const variable of localVariables) delete process.env[variable];
    Object.assign(process.env, environmentOf(folder), extra);
    try {
      return load();
    } finally {
      for (const [variable, value] of Object.entries(before)) {
        if (value === undefined) delete process.env[variable];
        else process.env[variable] = value;
      }
    }
  };
  const bound = (
    name: HandlerFunctionName,
    load: (extra?: Readonly<Record<string, string>>) => LambdaHandler,
  ): LambdaHandler => {
    const handler = load();
    const wrap = options.wrapHandler;
    return wrap ? wrap(name, handler, (environment = {}) => load(environment)) : handler;
  };

  // Locally the signing secret is handed in rather than read from Secrets Manager.
  const webhookIntake = (extra?: Readonly<Record<string, string>>): LambdaHandler => {
    const modules = container(
      "webhook-intake",
      () => ({
        ...loadFunctionModule<IntakeModule>("webhook-intake/webhookIntake"),
        ...loadFunctionModule<SourceModule>("webhook-intake/signingSecretSource"),
        ...loadFunctionModule<ClientsModule>("shared/dynamoDb"),
        ...loadFunctionModule<EventBridgeModule>("shared/eventBridge"),
        // Read with the function's own environment, as its cold start does.
        config: loadFunctionModule<ConfigModule>("webhook-intake/config").loadWebhookIntakeConfig(),
      }),
      extra,
    );
    return modules.createWebhookIntakeHandler({
      config: modules.config,
      signingProviders: modules.staticSigningProviders([
        { name: options.providerName, scheme: "standard-webhooks", secrets: [options.webhookSecret] },
      ]),
      documentClient: modules.documentClient,
      eventBridge: modules.eventBridgeClient,
    }) as LambdaHandler;
  };
  const exported = (folder: HandlerFunctionName) => (extra?: Readonly<Record<string, string>>) =>
    container(folder, () => loadFunctionModule<{ handler: LambdaHandler }>(`${folder}/index`).handler, extra);

  const handlers = Object.fromEntries(
    localFunctions
      .filter((folder): folder is HandlerFunctionName => folder !== "reconciler")
      .map((folder) => [
        folder,
        bound(folder, folder === "webhook-intake" ? webhookIntake : exported(folder)),
      ]),
  ) as Record<HandlerFunctionName, LambdaHandler>;
  const { reconcileAt } = container("reconciler", () =>
    loadFunctionModule<ReconcilerModule>("reconciler/index"),
  );
  return { handlers, reconcileAt };
}
