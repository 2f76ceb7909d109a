/**
 * The metrics the functions publish as CloudWatch embedded metric format (Powertools Metrics) and
 * the Monitoring component charts and alarms on. One list, so a renamed metric cannot leave a
 * dashboard widget or an alarm watching nothing.
 *
 * Every metric carries Powertools' default `service` dimension: the function's folder name
 * (POWERTOOLS_SERVICE_NAME), in the stack's metrics namespace.
 */
export const MetricName = {
  /** notifier, per "Transaction Processed" event; dimension `decision`. */
  transactionsDecided: "TransactionsDecided",
  /** fraud-detection, one value per scored transaction (0–100, unit None): the score distribution. */
  fraudScore: "FraudScore",
  /** webhook-intake, per delivery whose signature did not verify. */
  webhookSignatureFailures: "WebhookSignatureFailures",
  /** reconciler, per run: age of the oldest transaction found undecided past its threshold (0 when none). */
  oldestUndecidedAgeSeconds: "OldestUndecidedAgeSeconds",
  /** reconciler, per run: undecided transactions published again. */
  transactionsRedriven: "TransactionsRedriven",
  /** reconciler, per run: undecided transactions given up and sent to the dead-letter queue. */
  transactionsDeadLettered: "TransactionsDeadLettered",
  /** webhook-intake, per delivery accepted (202). */
  webhooksAccepted: "WebhooksAccepted",
} as const;

export const MetricDimension = {
  /** Powertools' default dimension: the function folder name. */
  service: "service",
  /** The final decision of a transaction: APPROVED | REVIEW | REJECTED. */
  decision: "decision",
  /** How a status lookup ended (transaction-status StatusLookups, file-status FileStatusLookups). */
  outcome: "outcome",
} as const;
