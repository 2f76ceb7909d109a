/**
 * FileStatus: `GET /files/{file_id}` behind API Gateway (REST, Lambda proxy). Answers 200 with the
 * file's status and counts, 404 for an unknown id, 400 for a malformed one, and 503 (Retry-After)
 * when the table cannot be read, never a thrown error (API Gateway would turn that into a bare
 * 502). Built from its dependencies so tests and the local runtime run this same code.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { correlateInvocation } from "../shared/correlation";
import { lambdaHandler, type LambdaHandler } from "../shared/lambdaHandler";
import { errorResponse, jsonResponse } from "../shared/httpResponses";
import { checkLookupRequest, describeLookup, lookupFailureAnswer } from "../shared/lookupRequest";
import { logger } from "../shared/powertools";
import type { FileStatusConfig } from "./config";
import { parseFileIdParameter } from "./fileIdParameter";
import { FileStatusReadError, readFileStatus } from "./fileStatusLookup";
import { renderFileStatus } from "./fileStatusView";

export interface FileStatusDependencies {
  readonly config: FileStatusConfig;
  readonly documentClient: DynamoDBDocumentClient;
}

export type FileStatusHandler = LambdaHandler<APIGatewayProxyEvent, APIGatewayProxyResult>;

const fileStatusLookup = describeLookup<"Found" | "NotFound">({
  scope: "upload",
  parameterName: "File id",
  store: "file status store",
  subject: "file status",
  isStoreError: (error) => error instanceof FileStatusReadError,
  metricName: "FileStatusLookups",
});

export function createFileStatusHandler(dependencies: FileStatusDependencies): FileStatusHandler {
  const { config, documentClient } = dependencies;
  return lambdaHandler(async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const checked = checkLookupRequest(
      event,
      parseFileIdParameter(event.pathParameters?.file_id),
      fileStatusLookup,
    );
    if ("refusal" in checked) return checked.refusal;
    const { fileId } = checked.parameter;
    correlateInvocation({ correlationId: fileId, fileId });
    try {
      const item = await readFileStatus(documentClient, config.fileStatusTable, fileId);
      if (item === undefined) {
        fileStatusLookup.count("NotFound");
        logger.info("File status looked up", { outcome: "NotFound" });
        return errorResponse(404, { code: "NOT_FOUND", message: "No file with this file_id" });
      }
      const view = renderFileStatus(fileId, item);
      fileStatusLookup.count("Found");
      logger.info("File status looked up", { outcome: "Found", status: view.status });
      return jsonResponse(200, view);
    } catch (error) {
      return lookupFailureAnswer(error, fileStatusLookup);
    }
  });
}
