import { usePipelineKey, type FunctionAwsCalls } from "../shared/awsCallDeclaration";

/** What GET /transactions/{id} calls (README: "Declared AWS calls"). */
export const awsCalls: FunctionAwsCalls = [
  {
    sid: "ReadTransactionsAndDeliveries",
    actions: ["dynamodb:GetItem"],
    resources: ["transactionsTable", "intakeTable", "archivedTransactionsTable"],
  },
  usePipelineKey("UseTableKey", ["dynamodb"], ["kms:Decrypt"]),
];
