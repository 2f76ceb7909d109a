/**
 * The environment the pipeline functions read at cold start, pointed at local emulators.
 * Set it before the first import of a handler module.
 */
import { EnvironmentName } from "../../functions/shared/environmentNames";
import { localCredentials, localRegion } from "../../local/awsClients";

export interface FunctionEnvironmentArgs {
  readonly tableName: string;
  readonly dynamoDbEndpoint: string;
}

export function setFunctionEnvironment(args: FunctionEnvironmentArgs): void {
  Object.assign(process.env, {
    [EnvironmentName.transactionsTable]: args.tableName,
    [EnvironmentName.dynamoDbEndpoint]: args.dynamoDbEndpoint,
    [EnvironmentName.metricsNamespace]: "TransactionPipelineTest",
    [EnvironmentName.serviceName]: "transaction-pipeline-test",
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
    POWERTOOLS_TRACE_ENABLED: "false",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  });
}
