/**
 * The transaction events on the pipeline's EventBridge bus, as the functions publish and read
 * them: their sources, detail types and the continuation's detail. The rules that route them are
 * infrastructure, described in pipeline/lanes.ts and pipeline/subscriptions.ts.
 */

/** `source` of the events the intakes publish (csv-transform's continuations included). */
export const intakeEventSource = "transaction-pipeline.intake";
/** `source` of the events the state machine publishes. */
export const decisionEventSource = "transaction-pipeline.decisions";

export const DetailType = {
  received: "Transaction Received",
  processed: "Transaction Processed",
  /** csv-transform ran short of time: the rest of a file is handed to a fresh invocation. */
  csvLoadContinued: "CSV Load Continued",
} as const;

/**
 * The detail of a "CSV Load Continued" event: where the file is and where its load stands, never
 * row data. `fromLine` is the publisher's idea of where to resume; the status table's checkpoint
 * decides.
 */
export interface CsvLoadContinuedDetail {
  readonly bucket: string;
  readonly key: string;
  readonly fileId: string;
  readonly fromLine: number;
}
