/**
 * Pure pieces of the screening-lists component: the bucket's lifecycle rules and the names its
 * stale-list alarm watches. The function roles' statements are generated from the declared calls
 * (functions/screening-lists-refresh/awsCalls.ts, functions/compliance/awsCalls.ts).
 */
import { indexObjectPrefix, latestPointerKey } from "../../functions/compliance/sanctions/indexStoreLayout";

export {
  screeningListsRefreshedMetricName,
  screeningListsRefreshServiceName,
} from "../../functions/screening-lists-refresh/refreshMetric";

/**
 * Index versions are kept as long as a decision may be questioned (they say what a transaction was
 * screened against); replaced pointers go after 30 days.
 */
export function screeningListsLifecycleRules(keepVersionsDays: number) {
  return [
    {
      id: "keep-index-versions",
      status: "Enabled",
      filter: { prefix: indexObjectPrefix },
      expiration: { days: keepVersionsDays },
      noncurrentVersionExpiration: { noncurrentDays: 30 },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    },
    {
      id: "replaced-pointers",
      status: "Enabled",
      filter: { prefix: latestPointerKey },
      noncurrentVersionExpiration: { noncurrentDays: 30 },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    },
  ];
}
