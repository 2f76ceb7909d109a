/**
 * csv-intake: one function for three ways a file arrives (API Gateway REST proxy events told apart
 * by `resource`, and S3 notifications):
 *
 * - POST /upload, the CSV as the body: recorded RECEIVED, validated as a stream, then stored under
 *   validated/ and marked VALIDATED (202), or marked REJECTED (422). 415 unless text/csv in UTF-8.
 * - POST /uploads, for files over API Gateway's limits: a new file id recorded RECEIVED and a
 *   presigned PUT URL for uploads/<id>.csv (201).
 * - S3 ObjectCreated for uploads/<id>.csv: the presigned upload, read as a stream, validated the
 *   same way, copied to validated/ and marked VALIDATED, or marked REJECTED. S3 delivers events at
 *   least once; the conditional status transitions and the validation claim (fileStatusStore.ts)
 *   make a redelivery a no-op.
 *
 * The validated/ object is written before the status says VALIDATED: a crash in between leaves a
 * RECEIVED record, never a VALIDATED one without its object. The loader, started by that object's
 * own notification, may therefore still see RECEIVED for a moment.
 *
 * HTTP failures the client can retry answer 503; S3 events that fail for a transient reason throw,
 * so Lambda's asynchronous retries deliver them again. The handler is built from its dependencies
 * so tests and the local runtime run this same code with their own clients and clock.
 */
import { randomUUID } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, S3Event } from "aws-lambda";
import type { CsvSource } from "../shared/csvTransactions";
import { correlateInvocation } from "../shared/correlation";
import { lambdaHandler } from "../shared/lambdaHandler";
import { errorResponse } from "../shared/httpResponses";
import { panInRequest } from "../shared/requestPans";
import { keyNotAllowedOnRoute } from "../shared/apiKeyScopes";
import { redactPanText } from "../shared/pan";
import { addCount, logger } from "../shared/powertools";
import type { CsvIntakeConfig } from "./config";
import { FileStatusStore, FileStatusStoreError } from "./fileStatusStore";
import { validateCsvFile, type FileValidation } from "./fileValidation";
import { rejectedAnswer, unavailableAnswer, uploadUrlAnswer, validatedAnswer } from "./intakeAnswers";
import { uploadTargetOf } from "./s3Notifications";
import { looksLikeS3Notification, s3EventSchema, type S3EventRecord } from "../shared/s3Events";
import { bodyBytes, headerValue, unsupportedMediaType } from "./uploadRequest";
import { UploadChangedError, UploadStorage, UploadStorageError } from "./uploadStorage";

export interface CsvIntakeDependencies {
  readonly config: CsvIntakeConfig;
  readonly documentClient: DynamoDBDocumentClient;
  /** For GetObject, PutObject and CopyObject. */
  readonly s3: S3Client;
  /** For presigned URLs (see shared/s3.ts on checksums). */
  readonly presignS3: S3Client;
  /** The clock; tests pin it. */
  readonly now?: () => Date;
  /** New file ids (UUIDs, which the card-number scan never mistakes for one); randomUUID unless a test pins them. */
  readonly newFileId?: () => string;
}

/** What became of each S3 record (the return value of an S3-triggered invocation, for logs and tests). */
export type S3RecordOutcome =
  | "VALIDATED"
  | "REJECTED"
  /** Already validated or rejected: a redelivery. */
  | "AlreadyProcessed"
  /** Another invocation is validating this file right now. */
  | "InProgress"
  /** Our claim was taken over before we finished (we were slower than the lease). */
  | "ClaimLost"
  /** No status record for this file id: not an upload this intake handed out. */
  | "UnknownFile"
  /** The file id belongs to a POST /upload body, not a presigned upload. */
  | "NotPresigned"
  /** Not an object created under uploads/<id>.csv in the uploads bucket. */
  | "Ignored";

export interface S3RecordResult {
  readonly key: string;
  readonly fileId?: string;
  readonly outcome: S3RecordOutcome;
}

export interface S3IntakeResult {
  readonly records: readonly S3RecordResult[];
}

export interface CsvIntakeHandler {
  (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult>;
  (event: S3Event, context: Context): Promise<S3IntakeResult>;
}

/** The event is neither an API Gateway REST proxy event nor an S3 notification. */
export class UnsupportedEventError extends Error {
  constructor(problem: string) {
    super(`csv-intake cannot handle this event: ${problem}`);
    this.name = "UnsupportedEventError";
  }
}

/** A claim outlives the invocation holding it by this much before a redelivery may take it over. */
const leaseMarginMs = 5_000;
const defaultLeaseMs = 60_000;

function isApiGatewayEvent(event: unknown): event is APIGatewayProxyEvent {
  return typeof event === "object" && event !== null && "httpMethod" in event && "resource" in event;
}

function oneChunk(bytes: Buffer): CsvSource {
  return (async function* () {
    yield bytes;
  })();
}

/** The one place failures of an HTTP request become answers: generic text, the cause in the logs. */
function failureAnswer(error: unknown): APIGatewayProxyResult {
  const failure = error instanceof Error ? error : new Error(String(error));
  if (error instanceof FileStatusStoreError) {
    addCount("FileStatusStoreErrors");
    logger.error("File status store unavailable", failure);
    return unavailableAnswer("The file status could not be recorded; retry later.");
  }
  if (error instanceof UploadStorageError) {
    addCount("UploadStorageErrors");
    logger.error("Uploads bucket unavailable", failure);
    return unavailableAnswer("The file could not be stored; retry later.");
  }
  addCount("InternalErrors");
  logger.error("Upload request failed", failure);
  return errorResponse(500, { code: "INTERNAL_ERROR", message: "The upload could not be handled." });
}

export function createCsvIntakeHandler(dependencies: CsvIntakeDependencies): CsvIntakeHandler {
  const { config } = dependencies;
  const clock = dependencies.now ?? (() => new Date());
  const newFileId = dependencies.newFileId ?? randomUUID;
  const store = new FileStatusStore(dependencies.documentClient, config.fileStatusTable);
  const storage = new UploadStorage(dependencies.s3, dependencies.presignS3, config.uploadsBucket);

  function validate(source: CsvSource, fileId: string, now: Date): Promise<FileValidation> {
    return validateCsvFile(source, {
      fileId,
      now,
      maxAmountUsdMinor: config.maxAmountUsdMinor,
      maxRowErrors: config.fileErrorLimit,
    });
  }

  function logValidation(validation: FileValidation): void {
    const summary = validation.summary;
    const counts = summary
      ? { rows: summary.rows, validRows: summary.validRows, invalidRows: summary.invalidRows }
      : {};
    if (validation.accepted) {
      addCount("FilesValidated");
      addCount("RowsValidated", validation.summary.rows);
      logger.info("File validated", counts);
    } else {
      addCount("FilesRejected");
      logger.info("File rejected", { rejection: validation.rejection.code, ...counts });
    }
  }

  /** POST /upload: the whole file is the body (API Gateway and Lambda cap it at a few MB). */
  async function acceptUpload(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const mediaError = unsupportedMediaType(headerValue(event, "content-type"));
    if (mediaError) {
      addCount("UploadsUnsupportedMediaType");
      return errorResponse(415, mediaError);
    }
    const bytes = bodyBytes(event);
    const fileId = newFileId();
    correlateInvocation({ correlationId: fileId, fileId });
    const receivedAt = clock();
    await store.createReceived(fileId, "upload", receivedAt);
    const validation = await validate(oneChunk(bytes), fileId, receivedAt);
    logValidation(validation);
    if (!validation.accepted) {
      if (!(await store.markRejected({ fileId, now: clock() }, validation.rejection, validation.summary))) {
        throw new FileStatusStoreError("mark rejected", { cause: new Error("the record left RECEIVED") });
      }
      return rejectedAnswer(fileId, validation.rejection, validation.summary);
    }
    try {
      await storage.putValidated(fileId, bytes);
    } catch (error) {
      // The client retries with a new upload; this file id should not look pending forever.
      await store
        .markRejected(
          { fileId, now: clock() },
          { code: "NOT_STORED", message: "The file could not be stored; upload it again." },
        )
        .catch((markError: unknown) =>
          logger.error("Could not mark the unstored file", { error: markError as Error }),
        );
      throw error;
    }
    if (!(await store.markValidated({ fileId, now: clock() }, validation.summary))) {
      throw new FileStatusStoreError("mark validated", { cause: new Error("the record left RECEIVED") });
    }
    return validatedAnswer(fileId, validation.summary);
  }

  /** POST /uploads: a file id and a URL to PUT the file to; validation follows the S3 event. */
  async function issueUploadUrl(): Promise<APIGatewayProxyResult> {
    const fileId = newFileId();
    correlateInvocation({ correlationId: fileId, fileId });
    const now = clock();
    // Signed first: a failure then leaves no record behind.
    const upload = await storage.presignUpload(fileId, now, config.uploadUrlExpirySeconds);
    await store.createReceived(fileId, "presigned", now);
    addCount("UploadUrlsIssued");
    logger.info("Upload URL issued", { expiresAt: upload.expiresAt.toISOString() });
    return uploadUrlAnswer(fileId, upload);
  }

  async function handleApiRequest(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    correlateInvocation({ apiRequestId: event.requestContext?.requestId });
    const keyError = keyNotAllowedOnRoute(event, "upload");
    if (keyError) {
      addCount("UploadRequestsKeyNotAllowed");
      logger.warn("API key not allowed on this route");
      return errorResponse(403, keyError);
    }
    const panError = panInRequest(event);
    if (panError) {
      addCount("UploadRequestsWithPan");
      return errorResponse(400, panError);
    }
    const routes: Record<string, () => Promise<APIGatewayProxyResult>> = {
      "/upload": () => acceptUpload(event),
      "/uploads": issueUploadUrl,
    };
    const route = Object.hasOwn(routes, event.resource) ? routes[event.resource] : undefined;
    if (route === undefined) {
      addCount("UploadRequestsNotRouted");
      return errorResponse(404, { code: "NOT_FOUND", message: "No such resource." });
    }
    if (event.httpMethod !== "POST") {
      addCount("UploadRequestsNotRouted");
      return errorResponse(
        405,
        { code: "METHOD_NOT_ALLOWED", message: `${event.resource} accepts POST only.` },
        {},
        { Allow: "POST" },
      );
    }
    try {
      return await route();
    } catch (error) {
      return failureAnswer(error);
    }
  }

  async function validatePresignedUpload(fileId: string, context: Context): Promise<S3RecordOutcome> {
    const remainingMs =
      typeof context.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : 0;
    const claim = await store.claimValidation(
      fileId,
      clock(),
      (remainingMs > 0 ? remainingMs : defaultLeaseMs) + leaseMarginMs,
    );
    switch (claim.kind) {
      case "unknown":
        addCount("UploadEventsUnknownFile");
        logger.warn("Object under uploads/ without a status record; ignored");
        return "UnknownFile";
      case "done":
        addCount("UploadEventsRedelivered");
        logger.info("Upload already processed; redelivered event ignored", { status: claim.status });
        return "AlreadyProcessed";
      case "notPresigned":
        addCount("UploadEventsUnknownFile");
        logger.warn("Object under uploads/ for a POST /upload file id; ignored");
        return "NotPresigned";
      case "inProgress":
        addCount("UploadEventsRedelivered");
        logger.info("Upload being validated by another invocation; event ignored");
        return "InProgress";
      case "claimed":
        break;
    }
    const attempt = { fileId, attemptId: claim.attemptId };
    try {
      const object = await storage.openIncoming(fileId);
      if (object === undefined) {
        const rejection = {
          code: "UPLOAD_NOT_FOUND",
          message: "The uploaded object is no longer in the bucket; request a new upload URL.",
        };
        addCount("FilesRejected");
        logger.warn("Uploaded object missing");
        const marked = await store.markRejected({ ...attempt, now: clock() }, rejection);
        return marked ? "REJECTED" : "ClaimLost";
      }
      let validation: FileValidation;
      try {
        validation = await validate(object.body, fileId, clock());
      } finally {
        // Stops the download when validation ended early (a bad header stops at line 1).
        object.body.destroy();
      }
      logValidation(validation);
      let marked: boolean;
      if (validation.accepted) {
        await storage.copyToValidated(fileId, object.etag);
        marked = await store.markValidated({ ...attempt, now: clock() }, validation.summary);
      } else {
        // A refused file is of no further use and may hold a card number: it is not kept at rest.
        await storage.removeIncoming(fileId);
        marked = await store.markRejected(
          { ...attempt, now: clock() },
          validation.rejection,
          validation.summary,
        );
      }
      if (!marked) {
        logger.warn("Validation claim lost before the status was written");
        return "ClaimLost";
      }
      return validation.accepted ? "VALIDATED" : "REJECTED";
    } catch (error) {
      if (error instanceof UploadChangedError) {
        logger.info("Upload replaced during validation; the retry validates the new version");
      }
      await store.releaseClaim(fileId, claim.attemptId).catch((releaseError: unknown) => {
        // The claim then expires at its lease, before Lambda's retry of this event.
        logger.error("Validation claim not released", { error: releaseError as Error });
        return false;
      });
      throw error;
    }
  }

  async function handleS3Record(record: S3EventRecord, context: Context): Promise<S3RecordResult> {
    const target = uploadTargetOf(record, config.uploadsBucket);
    if (target.kind === "ignored") {
      addCount("UploadEventsIgnored");
      logger.warn("S3 record ignored", { key: redactPanText(target.key), reason: target.reason });
      return { key: target.key, outcome: "Ignored" };
    }
    correlateInvocation({ correlationId: target.fileId, fileId: target.fileId });
    const outcome = await validatePresignedUpload(target.fileId, context);
    return { key: target.key, fileId: target.fileId, outcome };
  }

  async function handleS3Event(event: unknown, context: Context): Promise<S3IntakeResult> {
    const parsed = s3EventSchema.safeParse(event);
    if (!parsed.success) {
      // Retrying cannot make a malformed event readable.
      addCount("UploadEventsMalformed");
      logger.error("Malformed S3 notification ignored", { issues: parsed.error.issues.length });
      return { records: [] };
    }
    const records: S3RecordResult[] = [];
    // One at a time: S3 sends one record per event, and a failure stops here so that Lambda's
    // retry redoes only what is not done (finished records are no-ops the second time).
    for (const record of parsed.data.Records) records.push(await handleS3Record(record, context));
    return { records };
  }

  const handler = lambdaHandler(
    async (event: unknown, context: Context): Promise<APIGatewayProxyResult | S3IntakeResult> => {
      if (isApiGatewayEvent(event)) return handleApiRequest(event);
      if (looksLikeS3Notification(event)) return handleS3Event(event, context);
      throw new UnsupportedEventError("expected an API Gateway REST proxy event or an S3 notification");
    },
  );
  return handler as CsvIntakeHandler;
}
