import { usePipelineKey, type FunctionAwsCalls } from "../shared/awsCallDeclaration";

/** What GET /files/{file_id} calls (README: "Declared AWS calls"). */
export const awsCalls: FunctionAwsCalls = [
  { sid: "ReadFileStatus", actions: ["dynamodb:GetItem"], resources: ["fileStatusTable"] },
  usePipelineKey("UseTableKey", ["dynamodb"], ["kms:Decrypt"]),
];
