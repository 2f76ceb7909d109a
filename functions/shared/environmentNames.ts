/**
 * Names of the environment variables the functions read. The Pulumi components and the local
 * runtime set them from this one list.
 */
export const EnvironmentName = {
  /** Name of the transactions table. */
  transactionsTable: "TRANSACTIONS_TABLE_NAME",
  /** Largest accepted amount, in US-dollar cents equivalent (integer string). */
  maxAmountUsdMinor: "MAX_AMOUNT_USD_MINOR",
  /** Optional JSON overriding the fraud weights and level thresholds (see fraud-detection/rules). */
  fraudRulesOverride: "FRAUD_RULES_OVERRIDE",
  /** Powertools service name (one per function). */
  serviceName: "POWERTOOLS_SERVICE_NAME",
  /** Powertools metrics namespace (the same for every function). */
  metricsNamespace: "POWERTOOLS_METRICS_NAMESPACE",
  /** Custom DynamoDB endpoint, used only by the local runtime and tests. */
  dynamoDbEndpoint: "DYNAMODB_ENDPOINT",
} as const;

export type EnvironmentNameKey = keyof typeof EnvironmentName;
