/**
 * One table as a function's store reads and writes it: items by partition key, read consistently,
 * and conditional writes whose lost condition is an answer (false: the item changed, or another
 * invocation got there first), not a fault. Any other failure becomes the store's own error,
 * named after the operation, with the AWS error kept as its cause.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { unmarshall, type NativeAttributeValue } from "@aws-sdk/util-dynamodb";
import { isConditionFailure } from "./dynamoDbErrors";

/** A store's error class: `new XStoreError("checkpoint update", { cause })`. */
export type StoreErrorClass = new (operation: string, options: { cause: unknown }) => Error;

/** What an update changes, and the condition it holds under. */
export type ConditionalUpdate = Pick<
  UpdateCommandInput,
  "UpdateExpression" | "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
>;

/** The condition a delete holds under. */
export type ConditionalDelete = Pick<
  DeleteCommandInput,
  "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
>;

/** What a put-if-absent found: the key free (and now written), or taken. */
export type PutIfAbsent =
  | { readonly created: true }
  | {
      readonly created: false;
      /** The item holding the key, when DynamoDB answered it (`returnExisting`; dynalite never does). */
      readonly existing?: Record<string, unknown>;
      /** DynamoDB's answer that the key was taken, for a caller to whom that is a fault. */
      readonly conditionFailure: unknown;
    };

export class KeyedTable {
  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly keyName: string,
    private readonly StoreError: StoreErrorClass,
  ) {}

  /** The item (only `attributes` of it, when named), read consistently; undefined when absent. */
  async read(
    key: string,
    operation: string,
    attributes?: readonly string[],
  ): Promise<Record<string, unknown> | undefined> {
    const projection = attributes && {
      ProjectionExpression: attributes.map((name) => `#${name}`).join(", "),
      ExpressionAttributeNames: Object.fromEntries(attributes.map((name) => [`#${name}`, name])),
    };
    try {
      const answer = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [this.keyName]: key },
          ConsistentRead: true,
          ...projection,
        }),
      );
      return answer.Item;
    } catch (error) {
      throw new this.StoreError(operation, { cause: error });
    }
  }

  /** Puts `item` unless its key is taken. */
  async putIfAbsent(
    item: Record<string, NativeAttributeValue>,
    operation: string,
    options: { readonly returnExisting?: boolean } = {},
  ): Promise<PutIfAbsent> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: "attribute_not_exists(#key)",
          ExpressionAttributeNames: { "#key": this.keyName },
          ...(options.returnExisting ? { ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const } : {}),
        }),
      );
      return { created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw new this.StoreError(operation, { cause: error });
      const existing = (error as { Item?: Record<string, AttributeValue> }).Item;
      return {
        created: false,
        ...(existing ? { existing: unmarshall(existing) } : {}),
        conditionFailure: error,
      };
    }
  }

  /** An update that holds whatever the item's state (any failure is the store's error). */
  async update(
    key: string,
    operation: string,
    update: Omit<ConditionalUpdate, "ConditionExpression">,
  ): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({ TableName: this.tableName, Key: { [this.keyName]: key }, ...update }),
      );
    } catch (error) {
      throw new this.StoreError(operation, { cause: error });
    }
  }

  /** The update when its condition holds: true when made, false when the condition did not hold. */
  updateIf(key: string, operation: string, update: ConditionalUpdate): Promise<boolean> {
    return this.conditionally(operation, () =>
      this.client.send(
        new UpdateCommand({ TableName: this.tableName, Key: { [this.keyName]: key }, ...update }),
      ),
    );
  }

  /** The delete when its condition holds: true when made, false when the condition did not hold. */
  deleteIf(key: string, operation: string, condition: ConditionalDelete): Promise<boolean> {
    return this.conditionally(operation, () =>
      this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: { [this.keyName]: key }, ...condition }),
      ),
    );
  }

  private async conditionally(operation: string, write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw new this.StoreError(operation, { cause: error });
    }
  }
}
