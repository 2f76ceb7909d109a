import { indexObjectPrefix, latestPointerKey } from "../compliance/sanctions/indexStoreLayout";
import { usePipelineKey, type FunctionAwsCalls } from "../shared/awsCallDeclaration";

/**
 * What the refresh calls (README: "Declared AWS calls"): it reads the current pointer, writes
 * index versions and the pointer, nothing else in the bucket. The list downloads go to the
 * publishers over the internet (the function runs outside the VPC), not to AWS.
 */
export const awsCalls: FunctionAwsCalls = [
  {
    sid: "ReadLatestVersion",
    actions: ["s3:GetObject"],
    resources: [`screeningListsBucket/${latestPointerKey}`],
  },
  {
    sid: "WriteIndexVersions",
    actions: ["s3:PutObject"],
    resources: [`screeningListsBucket/${latestPointerKey}`, `screeningListsBucket/${indexObjectPrefix}*`],
  },
  // SSE-KMS: reading an object decrypts its data key, writing one generates it.
  usePipelineKey("UseListsKey", ["s3"]),
];
