import { queryIndex, usePipelineKey, type FunctionAwsCalls } from "./awsCallDeclaration";
import { customerActivityIndex } from "./tableDefinitions";

/**
 * What reading a customer's history (customerActivity.ts) calls, for the screening steps that
 * declare it: the by-customer index of the transactions table, which is encrypted with the
 * pipeline key.
 */
export const customerHistoryCalls: FunctionAwsCalls = [
  queryIndex("ReadCustomerHistory", "transactionsTable", customerActivityIndex),
  usePipelineKey("UseTableKey", ["dynamodb"]),
];
