import { archivePrefix } from "../shared/archiveLayout";
import { queryIndex, usePipelineKey, type FunctionAwsCalls } from "../shared/awsCallDeclaration";
import { decidedDayIndex } from "../shared/tableDefinitions";

/** Prefix of the archival job's own progress objects (its resume point between runs). */
export const archiveStatePrefix = "state/";

/**
 * What the archival job calls (README: "Declared AWS calls"). It pages through the day index
 * (never a Scan of the table), reads each item by key, deletes it conditionally once archived,
 * records where it went, and reads and writes only the archive and state prefixes.
 */
export const awsCalls: FunctionAwsCalls = [
  queryIndex("QueryDecidedDayIndex", "transactionsTable", decidedDayIndex),
  {
    sid: "ReadAndDeleteArchivedItems",
    actions: ["dynamodb:BatchGetItem", "dynamodb:DeleteItem"],
    resources: ["transactionsTable"],
  },
  { sid: "RecordArchiveLocations", actions: ["dynamodb:PutItem"], resources: ["archivedTransactionsTable"] },
  {
    sid: "ReadAndWriteArchiveObjects",
    actions: ["s3:PutObject", "s3:GetObject"],
    resources: [`archiveBucket/${archivePrefix}*`, `archiveBucket/${archiveStatePrefix}*`],
  },
  {
    sid: "ListArchivePrefixes",
    actions: ["s3:ListBucket"],
    resources: ["archiveBucket"],
    condition: { StringLike: { "s3:prefix": [`${archivePrefix}*`, `${archiveStatePrefix}*`] } },
  },
  // The tables and the bucket are encrypted with the customer-managed key.
  usePipelineKey("UseArchiveKey", ["dynamodb", "s3"]),
];
