/**
 * The delete condition against dynalite, as properties over generated items of every attribute
 * type nested in maps and lists: an item exactly as read is deleted; any change to a stored value,
 * any added or removed nested entry, or any removed attribute keeps it. The archive line of the
 * item as read back is also the line of the item as written (canonical whatever the order).
 *
 * Not covered, by design: a write that only adds a new top-level attribute (a condition expression
 * cannot count an item's attributes; see unchangedCondition.ts).
 */
import {
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import fc from "fast-check";
import { itemLine, type StoredItem } from "../../functions/archival/itemCodec";
import { deleteIfUnchanged, type TransactionTables } from "../../functions/archival/transactionItems";
import { transactionsTableDefinition } from "../../functions/shared/tableDefinitions";
import { createTableInput } from "../../local/tableSpecs";
import { startLocalDynamoDb, type LocalDynamoDb } from "../support/dynamoTable";

type Path = readonly (string | number)[];

const attributeName = fc.string({
  minLength: 1,
  maxLength: 6,
  unit: fc.constantFrom("a", "b", "c", "x", ".", "#", ":", "[", "]", " ", "-", "é"),
});

const scalar: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 8 }).map((S) => ({ S })),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => ({ N: String(n) })),
  fc
    .tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 1, max: 99 }))
    .map(([a, b]) => ({ N: `${a}.${b}` })),
  fc.boolean().map((BOOL) => ({ BOOL })),
  fc.constant({ NULL: true }),
  fc
    .uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 })
    .map((SS) => ({ SS })),
  fc
    .uniqueArray(fc.integer({ min: 0, max: 99 }), { minLength: 1, maxLength: 3 })
    .map((ns) => ({ NS: ns.map(String) })),
);

const { value: attributeValue } = fc.letrec<{
  value: AttributeValue;
  map: AttributeValue;
  list: AttributeValue;
}>((tie) => ({
  value: fc.oneof({ depthSize: "small", maxDepth: 4 }, scalar, tie("map"), tie("list")),
  map: fc.dictionary(attributeName, tie("value"), { maxKeys: 4 }).map((M) => ({ M })),
  list: fc.array(tie("value"), { maxLength: 4 }).map((L) => ({ L })),
}));

function nodeCount(value: AttributeValue): number {
  if (value.M !== undefined)
    return 1 + Object.values(value.M).reduce((sum, child) => sum + nodeCount(child), 0);
  if (value.L !== undefined) return 1 + value.L.reduce((sum, child) => sum + nodeCount(child), 0);
  return 1;
}

const generatedItem: fc.Arbitrary<StoredItem> = fc
  .dictionary(
    attributeName.filter((name) => name !== transactionsTableDefinition.partitionKey),
    attributeValue,
    { minKeys: 1, maxKeys: 6 },
  )
  .map((attributes) => ({ ...attributes }))
  // Small enough to be compared leaf by leaf: a bigger item has its largest maps compared whole,
  // which only AWS evaluates (dynalite compares whole maps by reference and never matches).
  .filter((item) => Object.values(item).reduce((sum, value) => sum + nodeCount(value), 0) <= 60);

/** The same item with every map's keys in reverse order. */
function reversed(item: StoredItem): StoredItem {
  const flip = (value: AttributeValue): AttributeValue => {
    if (value.M !== undefined) {
      return {
        M: Object.fromEntries(
          Object.entries(value.M)
            .reverse()
            .map(([key, child]) => [key, flip(child)]),
        ),
      };
    }
    if (value.L !== undefined) return { L: value.L.map(flip) };
    return value;
  };
  return Object.fromEntries(
    Object.entries(item)
      .reverse()
      .map(([key, value]) => [key, flip(value)]),
  );
}

/** Every value in the item with its path, the key attribute excepted. */
function paths(item: StoredItem): { path: Path; value: AttributeValue }[] {
  const found: { path: Path; value: AttributeValue }[] = [];
  const visit = (path: Path, value: AttributeValue): void => {
    found.push({ path, value });
    if (value.M !== undefined)
      for (const [key, child] of Object.entries(value.M)) visit([...path, key], child);
    if (value.L !== undefined) value.L.forEach((child, index) => visit([...path, index], child));
  };
  for (const [name, value] of Object.entries(item)) {
    if (name !== transactionsTableDefinition.partitionKey) visit([name], value);
  }
  return found;
}

/** A value that is certainly different from `value`. */
function changed(value: AttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: `${value.S}~` };
  if (value.N !== undefined) return { N: String(Number(value.N) + 1) };
  if (value.BOOL !== undefined) return { BOOL: !value.BOOL };
  if (value.NULL !== undefined) return { S: "null" };
  if (value.SS !== undefined) return { SS: [...value.SS, "added~"] };
  if (value.NS !== undefined) return { NS: [...value.NS, "1000"] };
  if (value.M !== undefined) return { M: { ...value.M, "added~": { S: "x" } } };
  if (value.L !== undefined) return { L: [...value.L, { S: "appended" }] };
  throw new TypeError("unexpected value");
}

/** The item with the value at `path` replaced (or removed, where it sits in a map or at the top). */
function mutated(item: StoredItem, path: Path, remove: boolean): StoredItem {
  const copy = structuredClone(item);
  const [head, ...rest] = path;
  if (rest.length === 0) {
    if (remove) delete copy[head as string];
    else copy[head as string] = changed(copy[head as string]);
    return copy;
  }
  let container: AttributeValue = copy[head as string];
  for (const step of rest.slice(0, -1)) {
    container =
      typeof step === "number" ? (container.L as AttributeValue[])[step] : (container.M ?? {})[step];
  }
  const last = rest[rest.length - 1];
  if (typeof last === "number") {
    const list = container.L as AttributeValue[];
    if (remove) list.splice(last, 1);
    else list[last] = changed(list[last]);
  } else {
    const map = container.M as Record<string, AttributeValue>;
    if (remove) delete map[last];
    else map[last] = changed(map[last]);
  }
  return copy;
}

describe("the archival delete condition against dynalite (properties)", function () {
  this.timeout(30_000);
  let dynamoDb: LocalDynamoDb;
  let tables: TransactionTables;
  let counter = 0;

  before(async () => {
    dynamoDb = await startLocalDynamoDb();
    await dynamoDb.client.send(
      new CreateTableCommand(createTableInput("condition-test", transactionsTableDefinition)),
    );
    tables = {
      client: dynamoDb.client,
      transactionsTable: "condition-test",
      archivedTransactionsTable: "unused",
    };
  });

  after(async () => {
    await dynamoDb?.stop();
  });

  async function store(attributes: StoredItem): Promise<StoredItem> {
    counter += 1;
    const item = { ...attributes, transactionId: { S: `acme#prop-${counter}` } };
    await dynamoDb.client.send(new PutItemCommand({ TableName: "condition-test", Item: item }));
    const read = await dynamoDb.client.send(
      new GetItemCommand({
        TableName: "condition-test",
        Key: { transactionId: item.transactionId },
        ConsistentRead: true,
      }),
    );
    return read.Item as StoredItem;
  }

  it("deletes an item exactly as it was read, and its line does not depend on attribute order", async () => {
    await fc.assert(
      fc.asyncProperty(generatedItem, async (attributes) => {
        const read = await store(attributes);
        expect(itemLine(read)).to.equal(itemLine(reversed(read)));
        expect(await deleteIfUnchanged(tables, read)).to.equal("deleted");
        expect(await deleteIfUnchanged(tables, read)).to.equal("missing");
      }),
      { numRuns: 60 },
    );
  });

  it("keeps an item when any stored value was changed, added or removed after it was read", async () => {
    await fc.assert(
      fc.asyncProperty(generatedItem, fc.nat(), fc.boolean(), async (attributes, choice, remove) => {
        const read = await store(attributes);
        const candidates = paths(read);
        const { path } = candidates[choice % candidates.length];
        const concurrent = mutated(read, path, remove);
        await dynamoDb.client.send(new PutItemCommand({ TableName: "condition-test", Item: concurrent }));
        expect(await deleteIfUnchanged(tables, read), JSON.stringify({ path, remove })).to.equal("changed");
      }),
      { numRuns: 80 },
    );
  });
});
