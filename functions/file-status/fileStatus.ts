/**
 * FileStatus: `GET /files/{file_id}` behind API Gateway (REST, Lambda proxy). Answers 200 with the
 * file's status and counts, 404 for an unknown id, 400 for a malformed one, and 503 (Retry-After)
 * when the table cannot be read, never a thrown error (API Gateway would turn that into a bare
 * 502). Built from its dependencies so tests and the local runtime run this same code.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { correlateInvocation } from "../shared/correlation";
import { lambdaHandler } from "../shared/lambdaHandler";
import { errorResponse, jsonResponse } from "../shared/httpResponses";
import { refuseLookupRequest } from "../shared/lookupRequest";
import { MetricDimension } from "../shared/metricNames";
import { logger, publishDimensionedCount } from "../shared/powertools";
import type { FileStatusConfig } from "./config";
import { parseFileIdParameter } from "./fileIdParameter";
import { FileStatusReadError, readFileStatus } from "./fileStatusLookup";
import { renderFileStatus } from "./fileStatusView";

export interface FileStatusDependencies {
  readonly config: FileStatusConfig;
  readonly documentClient: DynamoDBDocumentClient;
}

export type FileStatusHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

/** Values of the `outcome` dimension of the FileStatusLookups metric. */
type LookupOutcome =
  "Found" | "NotFound" | "InvalidRequest" | "KeyNotAllowed" | "StoreError" | "InternalError";

/** Seconds a client should wait before asking again after a 503. */
const retryAfterSeconds = "1";

function countLookup(outcome: LookupOutcome): void {
  publishDimensionedCount("FileStatusLookups", { [MetricDimension.outcome]: outcome });
}

/** The one place failures become HTTP answers: generic text, the cause only in the logs. */
function failureAnswer(error: unknown): APIGatewayProxyResult {
  const failure = error instanceof Error ? error : new Error(String(error));
  if (error instanceof FileStatusReadError) {
    countLookup("StoreError");
    logger.error("File status store unavailable", failure);
    return errorResponse(
      503,
      { code: "SERVICE_UNAVAILABLE", message: "The file status store is unavailable; retry later" },
      {},
      { "Retry-After": retryAfterSeconds },
    );
  }
  countLookup("InternalError");
  logger.error("File status lookup failed", failure);
  return errorResponse(500, { code: "INTERNAL_ERROR", message: "The file status could not be read" });
}

export function createFileStatusHandler(dependencies: FileStatusDependencies): FileStatusHandler {
  const { config, documentClient } = dependencies;
  return lambdaHandler(async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const parameter = parseFileIdParameter(event.pathParameters?.file_id);
    const refusal = refuseLookupRequest(event, {
      scope: "upload",
      parameterError: parameter.valid ? undefined : parameter.error,
      parameterName: "File id",
      countRefusal: countLookup,
    });
    // A malformed parameter is always refused above; the fallback only tells the compiler.
    if (!parameter.valid) return refusal ?? errorResponse(400, parameter.error);
    if (refusal) return refusal;
    correlateInvocation({ correlationId: parameter.fileId, fileId: parameter.fileId });
    try {
      const item = await readFileStatus(documentClient, config.fileStatusTable, parameter.fileId);
      if (item === undefined) {
        countLookup("NotFound");
        logger.info("File status looked up", { outcome: "NotFound" });
        return errorResponse(404, { code: "NOT_FOUND", message: "No file with this file_id" });
      }
      const view = renderFileStatus(parameter.fileId, item);
      countLookup("Found");
      logger.info("File status looked up", { outcome: "Found", status: view.status });
      return jsonResponse(200, view);
    } catch (error) {
      return failureAnswer(error);
    }
  });
}
