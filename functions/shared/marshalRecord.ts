/**
 * Turns an assessment into the `record: AttributeMap` of the step contracts: the state machine
 * writes it to DynamoDB with a direct service integration, which takes attribute values, not JSON.
 */
import { marshall, type NativeAttributeValue } from "@aws-sdk/util-dynamodb";
import type { AttributeMap } from "./stepContracts";

export function toAttributeMap<T extends object>(value: T): AttributeMap {
  // Interfaces carry no index signature, so the plain JSON-shaped value is widened for marshall.
  return marshall(value as Record<string, NativeAttributeValue>, {
    removeUndefinedValues: true,
    convertClassInstanceToMap: false,
  });
}
