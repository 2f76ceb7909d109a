/**
 * DynamoDB tables on disk for `npm start -- --data-dir` that a kill cannot leave disagreeing with
 * their indexes. dynalite keeps each item in one LevelDB write, but writes the item's secondary
 * index entries in writes of their own just before it: the old entries deleted, the new ones put,
 * then the item. A SIGKILL between them leaves an index that disagrees with its table, which
 * DynamoDB never does: an item missing from an index (a file LOADING that the reconciler's
 * status-index query never finds again, an intake record awaiting a decision that is never
 * re-driven), or an entry for a state the item never reached. So, before the emulator answers its
 * first request, every secondary index of every table is rebuilt from the items, which are whole:
 * one LevelDB batch per table (atomic: a kill during the repair leaves the old entries, and the
 * next start repairs again).
 *
 * dynalite has no hook for this and does not hand out its store, so `captureDynaliteStore` wraps
 * its `db.create` (the module the server calls it through) for the one call that creates the
 * server, and this module reads the store's layout: one LevelDB whose keys are prefixed
 * `table~<name>`, `item-<table>~<key>` and `index-<global|local>~<table>~<index>~<key>`, index keys
 * made by the store's own `getIndexActions`. The emulator's version is pinned (^4) and
 * tests/local/durableTables.test.ts fails if that layout moves.
 */

/** A table description as dynalite stores it (the DescribeTable shape). */
interface StoredTable {
  readonly TableName: string;
  readonly GlobalSecondaryIndexes?: readonly { readonly IndexName: string }[];
  readonly LocalSecondaryIndexes?: readonly { readonly IndexName: string }[];
}

type StoredItem = Record<string, unknown>;

type BatchOperation =
  | { readonly type: "del"; readonly key: string }
  | { readonly type: "put"; readonly key: string; readonly value: unknown };

/** The part of dynalite's LevelDB (level 10, JSON values) this relies on. */
interface LevelLike {
  keys(options: { gte: string; lt: string }): AsyncIterable<string>;
  iterator(options: { gte: string; lt: string }): AsyncIterable<[string, unknown]>;
  batch(operations: BatchOperation[]): Promise<void>;
}

/** The part of dynalite's store (`db.create`'s answer) this relies on. */
export interface DynaliteStore {
  readonly db: LevelLike;
}

interface IndexActions {
  readonly puts: readonly { readonly index: string; readonly key: string; readonly item: StoredItem }[];
}

/** The part of dynalite's db module this relies on. */
interface DynaliteDbModule {
  create: (options: object) => DynaliteStore;
  getIndexActions: (
    indexes: readonly { readonly IndexName: string }[],
    existingItem: StoredItem | undefined,
    item: StoredItem,
    table: StoredTable,
  ) => IndexActions;
}

// dynalite ships no type declarations; its db module is required by path, as the server does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynaliteDb = require("dynalite/db") as DynaliteDbModule;

for (const name of ["create", "getIndexActions"] as const) {
  if (typeof dynaliteDb[name] !== "function") {
    throw new Error(
      `dynalite's db module has no ${name}: durable tables need updating for this dynalite version`,
    );
  }
}

/** The end of a key range: every key that starts with `prefix` sorts before it. */
const rangeEnd = (prefix: string) => `${prefix}\uffff`;

async function* entriesWithPrefix(db: LevelLike, prefix: string): AsyncGenerator<[string, unknown]> {
  for await (const entry of db.iterator({ gte: prefix, lt: rangeEnd(prefix) })) yield entry;
}

/** Calls `create` (which must create one dynalite server) and answers the store it made. */
export function captureDynaliteStore<Server>(create: () => Server): { server: Server; store: DynaliteStore } {
  const original = dynaliteDb.create;
  let store: DynaliteStore | undefined;
  dynaliteDb.create = (options) => (store = original(options));
  let server: Server;
  try {
    server = create();
  } finally {
    dynaliteDb.create = original;
  }
  if (store === undefined) throw new Error("dynalite created no store: durable tables need updating");
  return { server, store };
}

export interface IndexRepair {
  readonly tables: number;
  /** Index entries written from the items. */
  readonly entries: number;
  /** Entries that were missing, or named a state their item does not have. */
  readonly repaired: number;
}

type IndexType = "global" | "local";

/** Rebuilds every secondary index of every table from the table's items; answers what it changed. */
export async function repairSecondaryIndexes(store: DynaliteStore): Promise<IndexRepair> {
  const { db } = store;
  const summary = { tables: 0, entries: 0, repaired: 0 };
  for await (const [, value] of entriesWithPrefix(db, "table~")) {
    const table = value as StoredTable;
    const indexes: [IndexType, readonly { readonly IndexName: string }[]][] = [
      ["global", table.GlobalSecondaryIndexes ?? []],
      ["local", table.LocalSecondaryIndexes ?? []],
    ];
    if (indexes.every(([, list]) => list.length === 0)) continue;
    summary.tables += 1;
    const prefixOf = (type: IndexType, index: string) => `index-${type}~${table.TableName}~${index}~`;

    const wanted = new Map<string, StoredItem>();
    for await (const [, item] of entriesWithPrefix(db, `item-${table.TableName}~`)) {
      for (const [type, list] of indexes) {
        if (list.length === 0) continue;
        for (const put of dynaliteDb.getIndexActions(list, undefined, item as StoredItem, table).puts) {
          wanted.set(prefixOf(type, put.index) + put.key, put.item);
        }
      }
    }
    const operations: BatchOperation[] = [];
    const present = new Map<string, string>();
    for (const [type, list] of indexes) {
      for (const { IndexName } of list) {
        for await (const [key, entry] of entriesWithPrefix(db, prefixOf(type, IndexName))) {
          present.set(key, JSON.stringify(entry));
          operations.push({ type: "del", key });
        }
      }
    }
    let repaired = 0;
    for (const [key, item] of wanted) {
      operations.push({ type: "put", key, value: item });
      if (present.get(key) !== JSON.stringify(item)) repaired += 1;
    }
    for (const key of present.keys()) if (!wanted.has(key)) repaired += 1;
    summary.entries += wanted.size;
    summary.repaired += repaired;
    // In one batch: the indexes are either as they were or rebuilt whole.
    if (repaired > 0) await db.batch(operations);
  }
  return summary;
}
