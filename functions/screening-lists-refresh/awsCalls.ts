/**
 * Every AWS call the refresh function makes, with the resource it touches: the source its role
 * statements are written from (components/screeningListsRefreshPolicies.ts).
 */
export interface AwsCall {
  readonly operation: string;
  /** What the call acts on, in the words of the component that wires it. */
  readonly resource:
    "screening-lists bucket: latest.json" | "screening-lists bucket: indexes/*" | "pipeline KMS key";
}

export const refreshAwsCalls: readonly AwsCall[] = [
  { operation: "s3:GetObject", resource: "screening-lists bucket: latest.json" },
  { operation: "s3:PutObject", resource: "screening-lists bucket: latest.json" },
  { operation: "s3:PutObject", resource: "screening-lists bucket: indexes/*" },
  // SSE-KMS: reading an object decrypts its data key, writing one generates it.
  { operation: "kms:Decrypt", resource: "pipeline KMS key" },
  { operation: "kms:GenerateDataKey", resource: "pipeline KMS key" },
];
