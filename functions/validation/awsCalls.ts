import { usePipelineKey, type FunctionAwsCalls } from "../shared/awsCallDeclaration";

/** What the validation step calls (README: "Declared AWS calls"). */
export const awsCalls: FunctionAwsCalls = [
  // PutItem stores once; GetItem reads the stored copy back when a redelivery finds it there;
  // DeleteItem removes a copy re-created for a transaction that is already archived.
  {
    sid: "StoreTransaction",
    actions: ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem"],
    resources: ["transactionsTable"],
  },
  {
    sid: "RecogniseArchivedTransactions",
    actions: ["dynamodb:GetItem"],
    resources: ["archivedTransactionsTable"],
  },
  // The tables are encrypted with the customer-managed key; DynamoDB uses it with this role.
  usePipelineKey("UseTableKey", ["dynamodb"]),
];
