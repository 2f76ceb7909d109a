/**
 * Turns a shared table definition (functions/shared/tableDefinitions.ts) into the key schema
 * arguments of `aws.dynamodb.Table`, so the deployed table and the local one cannot drift.
 */
import type { TableDefinition } from "../functions/shared/tableDefinitions";

export interface TableAttributeArgs {
  readonly name: string;
  readonly type: "S" | "N";
}

export interface GlobalSecondaryIndexArgs {
  readonly name: string;
  readonly keySchemas: { readonly attributeName: string; readonly keyType: "HASH" | "RANGE" }[];
  readonly projectionType: "INCLUDE" | "KEYS_ONLY";
  readonly nonKeyAttributes?: string[];
}

export interface TableKeyArgs {
  readonly hashKey: string;
  readonly attributes: TableAttributeArgs[];
  readonly globalSecondaryIndexes: GlobalSecondaryIndexArgs[];
}

/**
 * Key schema, attribute list and GSIs of a table. Throws when a key uses an undeclared
 * attribute or a declared attribute is no key (DynamoDB rejects both at deploy time).
 */
export function tableKeyArgs(definition: TableDefinition): TableKeyArgs {
  const declared = new Set(Object.keys(definition.attributes));
  const keys = new Set<string>([definition.partitionKey]);
  for (const index of definition.indexes) keys.add(index.partitionKey).add(index.sortKey);
  for (const key of keys) {
    if (!declared.has(key))
      throw new Error(`table definition: key attribute "${key}" is not declared in attributes`);
  }
  for (const attribute of declared) {
    if (!keys.has(attribute))
      throw new Error(`table definition: attribute "${attribute}" is not used by any key`);
  }
  return {
    hashKey: definition.partitionKey,
    attributes: Object.entries(definition.attributes).map(([name, type]) => ({ name, type })),
    globalSecondaryIndexes: definition.indexes.map((index) => ({
      name: index.name,
      keySchemas: [
        { attributeName: index.partitionKey, keyType: "HASH" },
        { attributeName: index.sortKey, keyType: "RANGE" },
      ],
      ...(index.nonKeyAttributes.length > 0
        ? { projectionType: "INCLUDE" as const, nonKeyAttributes: [...index.nonKeyAttributes] }
        : { projectionType: "KEYS_ONLY" as const }),
    })),
  };
}
