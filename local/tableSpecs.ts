/**
 * CreateTable requests built from the same table definitions the DataStores component deploys,
 * so local tables have exactly the deployed keys and indexes.
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import type { TableDefinition } from "../functions/shared/tableDefinitions";

export function createTableInput(tableName: string, definition: TableDefinition): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: Object.entries(definition.attributes).map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: [{ AttributeName: definition.partitionKey, KeyType: "HASH" }],
    // DynamoDB refuses an empty index list, so a table without indexes sends none.
    GlobalSecondaryIndexes:
      definition.indexes.length === 0
        ? undefined
        : definition.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: "HASH" },
              { AttributeName: index.sortKey, KeyType: "RANGE" },
            ],
            Projection:
              index.nonKeyAttributes.length > 0
                ? { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.nonKeyAttributes] }
                : { ProjectionType: "KEYS_ONLY" },
          })),
  };
}
