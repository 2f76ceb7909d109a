/**
 * A fresh "container" for handler tests: local DynamoDB with the transactions table, the function
 * environment pointed at it, and load() for a cold start of a handler module that reads this
 * environment. stop() forgets the modules again and restores process.env, so other suites in the
 * same mocha process get their own cold start.
 *
 * load() uses require, not `await import()`: under tsx a dynamic import is cached by Node's ESM
 * loader for the life of the process, so a second import would never see a new environment.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { forgetFunctionModules, loadFunctionModule } from "../../../local/functionLoader";
import { EnvironmentName } from "../../../functions/shared/environmentNames";
import {
  archivedTransactionsTableDefinition,
  intakeRecordsTableDefinition,
  transactionsTableDefinition,
} from "../../../functions/shared/tableDefinitions";
import { createTable, startLocalDynamoDb } from "../../support/dynamoTable";
import { setFunctionEnvironment } from "../../support/functionEnvironment";

export { forgetFunctionModules };

function restoreEnvironment(snapshot: Readonly<Record<string, string | undefined>>): void {
  for (const key of Object.keys(process.env)) if (!(key in snapshot)) delete process.env[key];
  Object.assign(process.env, snapshot);
}

export interface FunctionRuntime {
  readonly tableName: string;
  /** The intake-records table (webhook and CSV dedupe), also in the environment. */
  readonly intakeTableName: string;
  /** The archived-transactions table (where archived transactions went), also in the environment. */
  readonly archivedTableName: string;
  readonly documentClient: DynamoDBDocumentClient;
  /**
   * Cold-starts `functions/<modulePath>` (e.g. "validation/index") in this environment; the type
   * argument is `typeof import(".../functions/validation/index")`.
   */
  load<Module>(modulePath: string): Module;
  stop(): Promise<void>;
}

export interface FunctionRuntimeOptions {
  /** Variables to set on top of the standard function environment. */
  readonly set?: Readonly<Record<string, string>>;
  /** Variables to remove, e.g. to prove a cold start fails without them. */
  readonly unset?: readonly string[];
}

export async function startFunctionRuntime(options: FunctionRuntimeOptions = {}): Promise<FunctionRuntime> {
  const snapshot = { ...process.env };
  const dynamoDb = await startLocalDynamoDb();
  const tableName = "transactions-functions-test";
  const intakeTableName = "intake-records-functions-test";
  await createTable(dynamoDb.client, tableName, transactionsTableDefinition);
  await createTable(dynamoDb.client, intakeTableName, intakeRecordsTableDefinition);
  const archivedTableName = "archived-transactions-functions-test";
  await createTable(dynamoDb.client, archivedTableName, archivedTransactionsTableDefinition);
  setFunctionEnvironment({ tableName, dynamoDbEndpoint: dynamoDb.endpoint });
  process.env[EnvironmentName.intakeTable] = intakeTableName;
  process.env[EnvironmentName.archivedTransactionsTable] = archivedTableName;
  // Metrics would print one EMF line per invocation; the dedicated metrics test turns them back on.
  Object.assign(process.env, { POWERTOOLS_METRICS_DISABLED: "true" }, options.set);
  for (const name of options.unset ?? []) delete process.env[name];
  forgetFunctionModules();
  return {
    tableName,
    intakeTableName,
    archivedTableName,
    documentClient: DynamoDBDocumentClient.from(dynamoDb.client),
    load<Module>(modulePath: string): Module {
      forgetFunctionModules();
      return loadFunctionModule<Module>(modulePath);
    },
    async stop() {
      forgetFunctionModules();
      restoreEnvironment(snapshot);
      await dynamoDb.stop();
    },
  };
}
