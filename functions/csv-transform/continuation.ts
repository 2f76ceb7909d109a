/**
 * Hands the rest of a file to another invocation through the bus: one "CSV Load Continued" event,
 * which the stack's "csv-load-continued" rule delivers back to csv-transform as a new asynchronous
 * invocation. Lambda retries an asynchronous event only twice, so counting on the retries of the
 * S3 event alone capped a file at three runs; each continuation starts with a retry budget of its
 * own.
 *
 * Published only after the checkpoint is saved, so the run it starts resumes after the saved
 * chunk. When the bus does not take the event, the run fails instead of ending quietly: the
 * retry of the event that started it (S3's or a continuation's) resumes from the same checkpoint.
 */
import {
  PutEventsCommand,
  type EventBridgeClient,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import { DetailType, intakeEventSource, type CsvLoadContinuedDetail } from "../shared/eventRouting";
import { TransformIncompleteError } from "./errors";

export function continuationEntry(
  eventBusName: string,
  detail: CsvLoadContinuedDetail,
): PutEventsRequestEntry {
  return {
    EventBusName: eventBusName,
    Source: intakeEventSource,
    DetailType: DetailType.csvLoadContinued,
    Detail: JSON.stringify(detail),
  };
}

/** Puts the continuation on the bus, answering its event id; throws TransformIncompleteError when it is not accepted. */
export async function publishContinuation(
  client: EventBridgeClient,
  eventBusName: string,
  detail: CsvLoadContinuedDetail,
): Promise<string> {
  let answer: PutEventsCommandOutput;
  try {
    answer = await client.send(new PutEventsCommand({ Entries: [continuationEntry(eventBusName, detail)] }));
  } catch (error) {
    throw new TransformIncompleteError(
      detail.fileId,
      detail.fromLine,
      "the continuation could not be published",
      {
        cause: error,
      },
    );
  }
  const entry = answer.Entries?.[0];
  // A 200 answer may still refuse the entry: FailedEntryCount and the entry's ErrorCode say so.
  if ((answer.FailedEntryCount ?? 0) > 0 || entry?.ErrorCode || !entry?.EventId) {
    throw new TransformIncompleteError(
      detail.fileId,
      detail.fromLine,
      `the bus refused the continuation (${entry?.ErrorCode ?? "no event id"})`,
    );
  }
  return entry.EventId;
}
