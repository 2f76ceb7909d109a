/**
 * FileStatus in AWS: `GET /files/{file_id}` built from the function's environment and the shared
 * DynamoDB client.
 */
import { documentClient } from "../shared/dynamoDb";
import { loadFileStatusConfig } from "./config";
import { createFileStatusHandler } from "./fileStatus";

export const handler = createFileStatusHandler({ config: loadFileStatusConfig(), documentClient });
