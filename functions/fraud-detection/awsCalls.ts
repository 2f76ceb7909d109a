import type { FunctionAwsCalls } from "../shared/awsCallDeclaration";
import { customerActivityIndex } from "../shared/tableDefinitions";

/** What this screening step calls (README: "Declared AWS calls"). */
export const awsCalls: FunctionAwsCalls = [
  {
    sid: "ReadCustomerHistory",
    actions: ["dynamodb:Query"],
    resources: [`transactionsTable/index/${customerActivityIndex.name}`],
  },
  {
    sid: "UseTableKey",
    actions: ["kms:Decrypt", "kms:GenerateDataKey"],
    resources: ["pipelineKey"],
    via: ["dynamodb"],
  },
];
