/**
 * The archival job's pure parts: configuration, the archive line of an item, the unchanged
 * condition, manifests and the watermark, day arithmetic, the time budget and bounded concurrency.
 */
import { expect } from "chai";
import { addDays, dayOf } from "../../functions/archival/archiveDays";
import { mapWithConcurrency } from "../../functions/shared/concurrency";
import { loadArchivalConfig } from "../../functions/archival/config";
import { itemLine, lineTransactionId, partLines, partText } from "../../functions/archival/itemCodec";
import {
  emptyManifest,
  parseManifest,
  parseWatermark,
  partitionName,
  withPart,
  withPartState,
} from "../../functions/archival/manifest";
import { TimeBudget } from "../../functions/archival/timeBudget";
import { unchangedCondition } from "../../functions/archival/unchangedCondition";
import { partKey } from "../../functions/shared/archiveLayout";
import { InvalidEnvironmentError, MissingEnvironmentError } from "../../functions/shared/errors";

const requiredEnvironment = {
  TRANSACTIONS_TABLE_NAME: "transactions",
  ARCHIVED_TRANSACTIONS_TABLE_NAME: "archived-transactions",
  ARCHIVE_BUCKET_NAME: "audit-archive",
};

describe("archival configuration", () => {
  it("has the documented defaults", () => {
    expect(loadArchivalConfig(requiredEnvironment)).to.deep.equal({
      transactionsTable: "transactions",
      archivedTransactionsTable: "archived-transactions",
      archiveBucket: "audit-archive",
      archiveAfterHours: 24,
      initialLookbackDays: 30,
      chunkSize: 1000,
      archivedRecordRetentionDays: 400,
    });
  });

  it("reads every setting from its variable", () => {
    const config = loadArchivalConfig({
      ...requiredEnvironment,
      ARCHIVE_AFTER_HOURS: "48",
      ARCHIVE_INITIAL_LOOKBACK_DAYS: "7",
      ARCHIVE_CHUNK_SIZE: "5000",
      ARCHIVED_RECORD_RETENTION_DAYS: "730",
    });
    expect(config).to.deep.include({
      archiveAfterHours: 48,
      initialLookbackDays: 7,
      chunkSize: 5000,
      archivedRecordRetentionDays: 730,
    });
  });

  for (const name of Object.keys(requiredEnvironment)) {
    it(`fails the cold start naming ${name} when it is missing`, () => {
      const env: Record<string, string> = { ...requiredEnvironment };
      delete env[name];
      expect(() => loadArchivalConfig(env))
        .to.throw(MissingEnvironmentError)
        .with.property("variableName", name);
    });
  }

  const invalid: [string, string][] = [
    ["ARCHIVE_CHUNK_SIZE", "5001"],
    ["ARCHIVE_CHUNK_SIZE", "0"],
    ["ARCHIVE_AFTER_HOURS", "1.5"],
    ["ARCHIVE_INITIAL_LOOKBACK_DAYS", "-1"],
    ["ARCHIVED_RECORD_RETENTION_DAYS", "forever"],
  ];
  for (const [name, value] of invalid) {
    it(`rejects ${name}=${value}`, () => {
      expect(() => loadArchivalConfig({ ...requiredEnvironment, [name]: value }))
        .to.throw(InvalidEnvironmentError)
        .with.property("variableName", name);
    });
  }
});

describe("archive lines", () => {
  it("writes every DynamoDB type as plain JSON with sorted keys, numbers as stored", () => {
    const line = itemLine({
      transactionId: { S: "acme#tx-1" },
      amountMinor: { N: "123456789012345678901" },
      rate: { N: "-0.000125" },
      flagged: { BOOL: false },
      note: { NULL: true },
      decision: {
        M: { status: { S: "APPROVED" }, reasons: { L: [] }, fraud: { M: { score: { N: "20" } } } },
      },
      tags: { SS: ["b", "a"] },
      limits: { NS: ["10", "9", "-1.5"] },
      digest: { B: new Uint8Array([0, 1, 254, 255]) },
      blobs: { BS: [new Uint8Array([2]), new Uint8Array([1])] },
    });
    expect(line).to.equal(
      '{"amountMinor":123456789012345678901,"blobs":["AQ==","Ag=="],' +
        '"decision":{"fraud":{"score":20},"reasons":[],"status":"APPROVED"},"digest":"AAH+/w==","flagged":false,' +
        '"limits":[-1.5,9,10],"note":null,"rate":-0.000125,"tags":["a","b"],"transactionId":"acme#tx-1"}',
    );
  });

  it("is the same line whatever order the attributes came in", () => {
    const one = itemLine({ a: { S: "1" }, b: { M: { y: { N: "2" }, x: { N: "1" } } } });
    const other = itemLine({ b: { M: { x: { N: "1" }, y: { N: "2" } } }, a: { S: "1" } });
    expect(one).to.equal(other);
  });

  it("escapes strings so every line stays one JSON document", () => {
    const line = itemLine({ transactionId: { S: 'acme#"quoted"\nline' } });
    expect(line).to.not.include("\n");
    expect(JSON.parse(line)).to.deep.equal({ transactionId: 'acme#"quoted"\nline' });
    expect(lineTransactionId(line, "transactionId")).to.equal('acme#"quoted"\nline');
  });

  it("gives no transaction id for a line that is not an archived item", () => {
    for (const line of ["", "not json", "[1]", '{"transactionId":7}', '{"other":"x"}']) {
      expect(lineTransactionId(line, "transactionId"), line).to.equal(undefined);
    }
  });

  it("ends every line with a newline and reads them back", () => {
    const text = partText([{ transactionId: { S: "a" } }, { transactionId: { S: "b" } }]);
    expect(text).to.equal('{"transactionId":"a"}\n{"transactionId":"b"}\n');
    expect(partLines(text)).to.deep.equal(['{"transactionId":"a"}', '{"transactionId":"b"}']);
    expect(partLines("")).to.deep.equal([]);
  });
});

describe("the unchanged condition", () => {
  it("compares scalars with =, pins map and list sizes, and checks NULL and empty containers by type", () => {
    const condition = unchangedCondition({
      transactionId: { S: "acme#tx-1" },
      decision: { M: { status: { S: "APPROVED" }, signals: { L: [{ N: "20" }] }, extra: { M: {} } } },
      note: { NULL: true },
    });
    expect(condition.ConditionExpression).to.equal(
      "size(#n0) = :v0 AND size(#n0.#n1) = :v1 AND attribute_type(#n0.#n1, :v2) AND " +
        "size(#n0.#n2) = :v3 AND #n0.#n2[0] = :v4 AND #n0.#n3 = :v5 AND " +
        "attribute_type(#n4, :v6) AND #n5 = :v7",
    );
    expect(condition.ExpressionAttributeNames).to.deep.equal({
      "#n0": "decision",
      "#n1": "extra",
      "#n2": "signals",
      "#n3": "status",
      "#n4": "note",
      "#n5": "transactionId",
    });
    expect(condition.ExpressionAttributeValues).to.deep.equal({
      ":v0": { N: "3" },
      ":v1": { N: "0" },
      ":v2": { S: "M" },
      ":v3": { N: "1" },
      ":v4": { N: "20" },
      ":v5": { S: "APPROVED" },
      ":v6": { S: "NULL" },
      ":v7": { S: "acme#tx-1" },
    });
  });

  it("compares the largest maps whole when leaf by leaf would exceed DynamoDB's expression limits", () => {
    const wide = Object.fromEntries(
      Array.from({ length: 200 }, (_, index) => [`k${index}`, { S: `v${index}` }]),
    );
    const condition = unchangedCondition({
      transactionId: { S: "acme#tx-1" },
      metadata: { M: wide },
      card: { M: { last4: { S: "1111" } } },
    });
    expect(condition.ConditionExpression).to.equal(
      "size(#n0) = :v0 AND #n0.#n1 = :v1 AND #n2 = :v2 AND #n3 = :v3",
    );
    expect(condition.ExpressionAttributeNames).to.deep.equal({
      "#n0": "card",
      "#n1": "last4",
      "#n2": "metadata",
      "#n3": "transactionId",
    });
    expect(condition.ExpressionAttributeValues[":v2"]).to.deep.equal({ M: wide });
  });

  it("stays within DynamoDB's limits for a decided transaction as the pipeline stores it", () => {
    const condition = unchangedCondition({
      transactionId: { S: "acme#tx-1" },
      decision: {
        M: {
          fraud: {
            M: {
              signals: {
                L: Array.from({ length: 6 }, () => ({
                  M: { code: { S: "VELOCITY" }, points: { N: "10" }, message: { S: "m" } },
                })),
              },
            },
          },
        },
      },
    });
    expect(condition.ConditionExpression.length).to.be.below(4096);
    expect(condition.ConditionExpression).to.include("#n0.#n1.#n2[5].#n3 = :v");
  });
});

describe("manifests and the watermark", () => {
  const now = new Date("2025-11-15T12:00:00.000Z");
  const sha = "a".repeat(64);

  it("adds parts with running totals and marks them complete", () => {
    let manifest = emptyManifest("2025-11-13", now);
    manifest = withPart(
      manifest,
      { key: partKey("2025-11-13", 0), records: 3, sha256: sha, bytes: 10, state: "written" },
      now,
    );
    manifest = withPart(
      manifest,
      { key: partKey("2025-11-13", 1), records: 2, sha256: sha, bytes: 9, state: "written" },
      now,
    );
    manifest = withPartState(manifest, partKey("2025-11-13", 0), "complete", now);
    expect(manifest).to.deep.include({ partition: "dt=2025-11-13", day: "2025-11-13", records: 5 });
    expect(manifest.parts.map((part) => part.state)).to.deep.equal(["complete", "written"]);
    expect(parseManifest(JSON.stringify(manifest), "m")).to.deep.equal(manifest);
    expect(() => withPartState(manifest, partKey("2025-11-13", 5), "complete", now)).to.throw(
      /lists no part/,
    );
  });

  it("refuses a manifest of the wrong shape, naming the key and the field", () => {
    expect(() => parseManifest("{", "transactions/dt=2025-11-13/manifest.json")).to.throw(
      /transactions\/dt=2025-11-13\/manifest.json is invalid: not valid JSON/,
    );
    const bad = {
      partition: "dt=2025-11-13",
      day: "2025-11-13",
      records: 1,
      updatedAt: "x",
      parts: [{ key: "k", records: 1, sha256: "zz", bytes: 1, state: "written" }],
    };
    expect(() => parseManifest(JSON.stringify(bad), "m")).to.throw(/parts\.0\.sha256/);
  });

  it("reads the watermark's next day and refuses anything but a calendar day", () => {
    expect(parseWatermark('{"nextDay":"2025-11-14","updatedAt":"x"}')).to.deep.equal({
      nextDay: "2025-11-14",
    });
    expect(() => parseWatermark('{"nextDay":"2025-02-30"}')).to.throw(/nextDay/);
  });

  it("names partitions dt=YYYY-MM-DD", () => {
    expect(partitionName("2024-02-29")).to.equal("dt=2024-02-29");
    expect(() => partitionName("2023-02-29")).to.throw(/not a YYYY-MM-DD day/);
  });
});

describe("archive days", () => {
  it("steps across months, leap days and years in UTC", () => {
    expect(addDays("2024-02-28", 1)).to.equal("2024-02-29");
    expect(addDays("2024-03-01", -1)).to.equal("2024-02-29");
    expect(addDays("2025-12-31", 1)).to.equal("2026-01-01");
    expect(addDays("2025-11-14", -30)).to.equal("2025-10-15");
    expect(dayOf(new Date("2025-11-14T23:59:59.999Z"))).to.equal("2025-11-14");
  });
});

describe("the time budget", () => {
  it("keeps the larger of the minimum margin and twice the slowest chunk", () => {
    let remaining = 31_000;
    const budget = new TimeBudget({ getRemainingTimeInMillis: () => remaining }, 30_000);
    expect(budget.allowsAnotherChunk()).to.equal(true);
    budget.recordChunk(20_000);
    expect(budget.marginMs).to.equal(40_000);
    expect(budget.allowsAnotherChunk()).to.equal(false);
    remaining = 40_001;
    expect(budget.allowsAnotherChunk()).to.equal(true);
  });
});

describe("bounded concurrency", () => {
  it("keeps the order and never runs more than the limit at once", async () => {
    let running = 0;
    let most = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (value) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, value));
      running -= 1;
      return value * 10;
    });
    expect(results).to.deep.equal([50, 10, 40, 20, 30]);
    expect(most).to.equal(2);
  });

  it("starts nothing after a failure and rejects only once the work in flight has settled", async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const failure = mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (value) => {
      started.push(value);
      if (value === 1) throw new Error("boom");
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished.push(value);
      return value;
    });
    let error: unknown;
    try {
      await failure;
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(Error).with.property("message", "boom");
    expect(started).to.deep.equal([0, 1]);
    expect(finished).to.deep.equal([0]);
  });
});
