/**
 * A DynamoDB condition that did not hold. It is an answer, not a fault: the item was already
 * there, or changed, or another invocation got there first. Matched by name too, since an SDK
 * error can cross a module boundary (another copy of the client package) and fail instanceof.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";

export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === "ConditionalCheckFailedException")
  );
}
