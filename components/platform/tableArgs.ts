/**
 * Turns a shared table definition (functions/shared/tableDefinitions.ts) into the key schema
 * arguments of `aws.dynamodb.Table`, so the deployed table and the local one cannot drift.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { TableDefinition } from "../../functions/shared/tableDefinitions";

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

/** What every table of the pipeline decides beyond its keys. */
export interface PipelineTableOptions {
  /** Customer-managed key encrypting the table. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Refuse deletion of the table (prod). */
  readonly deletionProtection?: pulumi.Input<boolean>;
}

/**
 * The arguments of a pipeline table: on-demand, point-in-time recovery, SSE with the
 * customer-managed key, TTL, and the definition's keys (no index list when it has none, which
 * DynamoDB would refuse as empty).
 */
export function pipelineTableArgs(
  definition: TableDefinition,
  options: PipelineTableOptions,
): aws.dynamodb.TableArgs {
  const keyArgs = tableKeyArgs(definition);
  return {
    billingMode: "PAY_PER_REQUEST",
    hashKey: keyArgs.hashKey,
    attributes: keyArgs.attributes,
    ...(keyArgs.globalSecondaryIndexes.length > 0
      ? { globalSecondaryIndexes: keyArgs.globalSecondaryIndexes }
      : {}),
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true, kmsKeyArn: options.kmsKeyArn },
    deletionProtectionEnabled: options.deletionProtection ?? false,
    ttl: { attributeName: definition.ttlAttribute, enabled: true },
  };
}

/** A pipeline table (see pipelineTableArgs), created as a child of the component that owns it. */
export function pipelineTable(
  name: string,
  definition: TableDefinition,
  options: PipelineTableOptions,
  parent: pulumi.Resource,
): aws.dynamodb.Table {
  return new aws.dynamodb.Table(name, pipelineTableArgs(definition, options), { parent });
}
