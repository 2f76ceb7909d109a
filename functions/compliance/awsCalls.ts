import type { FunctionAwsCalls } from "../shared/awsCallDeclaration";
import { customerActivityIndex } from "../shared/tableDefinitions";
import { indexObjectPrefix, latestPointerKey } from "./sanctions/indexStoreLayout";

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
  // The screening-index pointer and the versions it names, through the S3 gateway endpoint.
  {
    sid: "ReadScreeningLists",
    actions: ["s3:GetObject"],
    resources: [`screeningListsBucket/${latestPointerKey}`, `screeningListsBucket/${indexObjectPrefix}*`],
  },
  // The lists bucket is SSE-KMS with the pipeline key: reading an object decrypts its data key.
  { sid: "DecryptScreeningLists", actions: ["kms:Decrypt"], resources: ["pipelineKey"], via: ["s3"] },
];
