/**
 * Names of the environment variables the functions read. The Pulumi components and the local
 * runtime set them from this one list.
 */
export const EnvironmentName = {
  /** Name of the transactions table. */
  transactionsTable: "TRANSACTIONS_TABLE_NAME",
  /** Largest accepted amount, in US-dollar cents equivalent (integer string). */
  maxAmountUsdMinor: "MAX_AMOUNT_USD_MINOR",
  /** Optional JSON overriding the fraud weights and level thresholds (see fraud-detection/rules). */
  fraudRulesOverride: "FRAUD_RULES_OVERRIDE",
  /** Powertools service name (one per function). */
  serviceName: "POWERTOOLS_SERVICE_NAME",
  /** Powertools metrics namespace (the same for every function). */
  metricsNamespace: "POWERTOOLS_METRICS_NAMESPACE",
  /** Name of the intake-records table (webhook and CSV delivery dedupe). */
  intakeTable: "INTAKE_TABLE_NAME",
  /** Hours an intake record is kept for dedupe (at least 96, beyond every provider's retries). */
  intakeRecordRetentionHours: "INTAKE_RECORD_RETENTION_HOURS",
  /** Name of the custom EventBridge bus the intakes and the state machine publish to. */
  eventBusName: "EVENT_BUS_NAME",
  /** ARN of the Secrets Manager secret holding the webhook providers' signing secrets. */
  webhookSecretsArn: "WEBHOOK_SECRETS_ARN",
  /**
   * Version id of that secret. Unused by the code: a new version changes the function's
   * configuration, so every container cold-starts and reads the rotated secrets.
   */
  webhookSecretsVersion: "WEBHOOK_SECRETS_VERSION",
  /** Largest webhook body accepted, in bytes; larger ones are answered 413. */
  webhookMaxBodyBytes: "WEBHOOK_MAX_BODY_BYTES",
  /** Bucket of the audit archive. */
  archiveBucket: "ARCHIVE_BUCKET_NAME",
  /** Table recording where each archived transaction went. */
  archivedTransactionsTable: "ARCHIVED_TRANSACTIONS_TABLE_NAME",
  /** Hours a decided transaction stays in the hot table before it is archived (default 24). */
  archiveAfterHours: "ARCHIVE_AFTER_HOURS",
  /** Days before the first run's cutoff the first run looks back for decided days (default 30). */
  archiveInitialLookbackDays: "ARCHIVE_INITIAL_LOOKBACK_DAYS",
  /** Transactions per archive object (default 1000). */
  archiveChunkSize: "ARCHIVE_CHUNK_SIZE",
  /** Days an archive-location record is kept (default 400, beyond the archive's 365). */
  archivedRecordRetentionDays: "ARCHIVED_RECORD_RETENTION_DAYS",
  /** Bucket of uploaded CSV files (`uploads/` as sent, `validated/` once checked). */
  uploadsBucket: "UPLOADS_BUCKET_NAME",
  /** Processing-status table of uploaded files. */
  fileStatusTable: "FILE_STATUS_TABLE_NAME",
  /** Row errors kept per file in the status table and answers (default 100). */
  fileErrorLimit: "FILE_ERROR_LIMIT",
  /** Seconds a presigned upload URL stays valid (default 900). */
  uploadUrlExpirySeconds: "UPLOAD_URL_EXPIRY_SECONDS",
  /** SNS topic the file-completed summaries go to. */
  alertsTopicArn: "ALERTS_TOPIC_ARN",
  /** Sanctions screening score (0–1) at or above which a name match is sent to review. */
  sanctionsReviewScore: "SANCTIONS_REVIEW_SCORE",
  /** Sanctions screening score (0–1) at or above which a name match is blocked. */
  sanctionsBlockScore: "SANCTIONS_BLOCK_SCORE",
  /** Bucket holding the screening-index versions; unset: the list bundled with the code. */
  screeningListsBucket: "SCREENING_LISTS_BUCKET_NAME",
  /** Seconds between checks for a newer screening-index version (default 300). */
  screeningListsRecheckSeconds: "SCREENING_LISTS_RECHECK_SECONDS",
  /** Smallest share (0–1) of the previous entry count a refreshed list may have (default 0.9). */
  screeningListsMinimumRetainedShare: "SCREENING_LISTS_MINIMUM_RETAINED_SHARE",
  /** JSON array of the official list files the refresh downloads (`{list, url, format}`). */
  screeningListsSources: "SCREENING_LISTS_SOURCES",
  /** URL of the pipeline's dead-letter queue (the reconciler sends what it gives up on there). */
  deadLetterQueueUrl: "DEAD_LETTER_QUEUE_URL",
  /** Seconds after acceptance an undecided transaction is re-driven by the reconciler (default 900). */
  reconcileAfterSeconds: "RECONCILE_AFTER_SECONDS",
  /** Re-drives of an undecided transaction before it is dead-lettered (default 3). */
  reconcileMaxAttempts: "RECONCILE_MAX_ATTEMPTS",
  /** Intake records one reconciler run examines at most (default 2000). */
  reconcileRecordsPerRun: "RECONCILE_RECORDS_PER_RUN",
  /*
   * The SDK's own variables for a service's endpoint: each client reads its own, so no function
   * reads them for the endpoint. Set only by the local runtime and tests, to reach the emulators.
   */
  /** SQS endpoint (AWS_ENDPOINT_URL_SQS). */
  sqsEndpoint: "AWS_ENDPOINT_URL_SQS",
  /** SNS endpoint (AWS_ENDPOINT_URL_SNS). */
  snsEndpoint: "AWS_ENDPOINT_URL_SNS",
  /** S3 endpoint (AWS_ENDPOINT_URL_S3); when set, the S3 clients also use path-style requests. */
  s3Endpoint: "AWS_ENDPOINT_URL_S3",
  /** DynamoDB endpoint (AWS_ENDPOINT_URL_DYNAMODB). */
  dynamoDbEndpoint: "AWS_ENDPOINT_URL_DYNAMODB",
  /** EventBridge endpoint (AWS_ENDPOINT_URL_EVENTBRIDGE). */
  eventBridgeEndpoint: "AWS_ENDPOINT_URL_EVENTBRIDGE",
} as const;

export type EnvironmentNameKey = keyof typeof EnvironmentName;
