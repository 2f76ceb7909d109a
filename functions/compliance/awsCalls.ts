import { usePipelineKey, type FunctionAwsCalls } from "../shared/awsCallDeclaration";
import { customerHistoryCalls } from "../shared/customerActivityCalls";
import { indexObjectPrefix, latestPointerKey } from "./sanctions/indexStoreLayout";

/** What this screening step calls (README: "Declared AWS calls"). */
export const awsCalls: FunctionAwsCalls = [
  ...customerHistoryCalls,
  // The screening-index pointer and the versions it names, through the S3 gateway endpoint.
  {
    sid: "ReadScreeningLists",
    actions: ["s3:GetObject"],
    resources: [`screeningListsBucket/${latestPointerKey}`, `screeningListsBucket/${indexObjectPrefix}*`],
  },
  // The lists bucket is SSE-KMS with the pipeline key: reading an object decrypts its data key.
  usePipelineKey("DecryptScreeningLists", ["s3"], ["kms:Decrypt"]),
];
