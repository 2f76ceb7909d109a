/** Names the refresh function's metrics go by, shared with the stale-list alarm that watches them. */

/** POWERTOOLS_SERVICE_NAME of the refresh function: EMF puts it on every metric as `service`. */
export const screeningListsRefreshServiceName = "screening-lists-refresh";

/** Emitted (value 1) by every refresh that ended with the bucket holding the current lists. */
export const screeningListsRefreshedMetricName = "ScreeningListsRefreshed";
