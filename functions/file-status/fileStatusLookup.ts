/**
 * Reads one file's processing-status item. Strongly consistent: a client polling right after its
 * 202 or 201 must not be told 404 by a lagging replica.
 */
import { GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { fileStatusTableDefinition } from "../shared/tableDefinitions";

/** Reading the status table failed; the client may retry later. */
export class FileStatusReadError extends Error {
  constructor(options: { cause: unknown }) {
    super("Reading the file status table failed", options);
    this.name = "FileStatusReadError";
  }
}

export async function readFileStatus(
  client: DynamoDBDocumentClient,
  tableName: string,
  fileId: string,
): Promise<Record<string, unknown> | undefined> {
  try {
    const answer = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { [fileStatusTableDefinition.partitionKey]: fileId },
        ConsistentRead: true,
      }),
    );
    return answer.Item;
  } catch (error) {
    throw new FileStatusReadError({ cause: error });
  }
}
