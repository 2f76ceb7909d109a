/**
 * ScreeningListsRefresh: run on a schedule, outside the VPC (it downloads from the list
 * publishers; the VPC has no route out). Writes a new screening-index version when a list
 * changed, and counts every successful check as `ScreeningListsRefreshed`, the metric the
 * stale-list alarm watches. A refused or failed refresh throws: the invocation fails, the error
 * alarm fires, and the version screening uses now stays.
 */
import { s3Client } from "../shared/s3";
import { readRefreshConfig } from "./config";
import { createRefreshHandler } from "./refreshHandler";

export const handler = createRefreshHandler({ config: readRefreshConfig(), s3: s3Client, fetch });
