import { usePipelineKey, type FunctionAwsCalls } from "../shared/awsCallDeclaration";

/** What csv-intake calls (README: "Declared AWS calls"). */
export const awsCalls: FunctionAwsCalls = [
  {
    sid: "TrackFiles",
    actions: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem"],
    resources: ["fileStatusTable"],
  },
  // Reads presigned uploads (and copies them: CopyObject reads the source); the presigned PUT
  // itself runs with this role's PutObject.
  {
    sid: "ReadAndSignUploads",
    actions: ["s3:GetObject", "s3:PutObject"],
    resources: ["uploadsBucket/uploads/*"],
  },
  { sid: "StoreValidatedFiles", actions: ["s3:PutObject"], resources: ["uploadsBucket/validated/*"] },
  // A refused upload (a card number in it, say) is removed with every version.
  {
    sid: "RemoveRefusedUploads",
    actions: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
    resources: ["uploadsBucket/uploads/*"],
  },
  { sid: "ListUploadVersions", actions: ["s3:ListBucketVersions"], resources: ["uploadsBucket"] },
  // Without ListBucket, S3 answers a missing key with 403 instead of 404 (NoSuchKey), and a
  // presigned upload that never arrived could not be told from a permissions fault.
  { sid: "TellMissingUploads", actions: ["s3:ListBucket"], resources: ["uploadsBucket"] },
  // The status table (DynamoDB) and the objects (S3, SSE-KMS) are encrypted with the pipeline key.
  usePipelineKey("UseTableKey", ["dynamodb", "s3"]),
];
