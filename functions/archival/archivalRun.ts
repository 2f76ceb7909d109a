/**
 * One archival run: moves decided transactions older than the cutoff from the transactions table
 * into the audit archive, day by day from the watermark, and stops cleanly before the Lambda
 * timeout. The order of writes is what makes a crash at any point safe:
 *
 *   1. the part object is written and read back (its key is the day's next part index, so a run
 *      that crashed before step 2 simply rewrites the same object with the same items);
 *   2. the manifest lists the part as "written": from now on the part is the truth;
 *   3. per item, the archived-transaction record is put, then the item is deleted only if it is
 *      still exactly what was archived (a changed item is kept and archived again later);
 *   4. the manifest marks the part "complete".
 *
 * A run first finishes every part of a day still "written" (step 3 again, from the object itself),
 * then queries the day. The watermark passes a day only once it has nothing left to archive.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import { partKey, type ArchivedTransactionRecord, type ManifestPart } from "../shared/archiveLayout";
import type { CorrelationIds } from "../shared/correlation";
import { redactPanText } from "../shared/pan";
import { decidedDayIndex, transactionsTableDefinition } from "../shared/tableDefinitions";
import { addDays, dayOf } from "./archiveDays";
import {
  encodePart,
  readManifest,
  readVerifiedPart,
  readWatermark,
  writeManifest,
  writeVerifiedPart,
  writeWatermark,
  type ArchiveBucket,
} from "./archiveObjects";
import { mapWithConcurrency } from "../shared/concurrency";
import type { ArchivalConfig } from "./config";
import { ArchiveIntegrityError } from "./errors";
import { itemLine, lineTransactionId, type StoredItem } from "./itemCodec";
import { emptyManifest, partitionName, withPartState } from "./manifest";
import { DayManifest } from "./dayManifest";
import { TimeBudget, type RemainingTime } from "./timeBudget";
import {
  deleteIfUnchanged,
  putArchivedRecord,
  queryDecidedKeys,
  readItems,
  transactionIdOf,
  type DeleteOutcome,
  type IndexKey,
  type TransactionTables,
} from "./transactionItems";
import type { JobLog, JobMetrics } from "../shared/powertools";

export type ArchivalMetricName =
  | "TransactionsArchived"
  | "ArchiveParts"
  | "ArchivedItemsKeptChanged"
  | "ArchivalRuns"
  | "ArchivalIncomplete";

/** Where progress goes (Powertools Logger in the function). Never given item contents. */
export type ArchivalLog = JobLog;

/** Counts (Powertools Metrics in the function). */
export type ArchivalMetrics = JobMetrics<ArchivalMetricName>;

export interface PartLocation {
  readonly day: string;
  readonly index: number;
  readonly key: string;
}

/** Points where tests inject a crash or a concurrent change. Unset in the function. */
export interface ArchivalHooks {
  /** The part object is written and verified; the manifest does not list it yet. */
  afterPartVerified?(part: PartLocation): Promise<void> | void;
  /** The manifest lists the part as "written"; none of its items is deleted yet. */
  afterManifestWritten?(part: PartLocation): Promise<void> | void;
  /** The item's archived record is written; its conditional delete comes next. */
  beforeDelete?(transactionId: string, part: PartLocation): Promise<void> | void;
}

export interface ArchivalDependencies {
  readonly config: ArchivalConfig;
  readonly dynamoDb: DynamoDBClient;
  readonly s3: S3Client;
  readonly log: ArchivalLog;
  readonly metrics: ArchivalMetrics;
  /** The clock; the cutoff is taken once, at the start of the run. */
  readonly now?: () => Date;
  readonly hooks?: ArchivalHooks;
  /** Least time kept before the Lambda timeout when starting a chunk (default 30 s). */
  readonly minimumTimeMarginMs?: number;
  /** Items put and deleted concurrently, per part (default 16). */
  readonly itemConcurrency?: number;
  /**
   * Parts of a day archived at once (default 4): each takes the next page of the day's keys, so
   * their key ranges are disjoint, and the manifest lists them in index order.
   */
  readonly partConcurrency?: number;
  /** Labels what follows (logs, trace) with the partition being archived; unset in tests. */
  readonly correlate?: (ids: CorrelationIds) => void;
}

export interface ArchivalSummary {
  /** Instant before which decided transactions were eligible. */
  readonly cutoff: string;
  /** Days whose eligible transactions were all gone through in this run. */
  readonly daysProcessed: number;
  /** New part objects written. */
  readonly partsWritten: number;
  /** Parts left "written" by an earlier run and finished by this one. */
  readonly partsRecovered: number;
  /** Transactions archived and deleted from the table by this run. */
  readonly archived: number;
  /** Archived transactions not deleted because they changed after they were read. */
  readonly keptChanged: number;
  /** False when the run stopped for time; the next run carries on. */
  readonly complete: boolean;
  /** The watermark after the run: the first day the next run looks at. */
  readonly nextDay: string;
}

export const defaultItemConcurrency = 16;
export const defaultPartConcurrency = 4;
const partitionKey = transactionsTableDefinition.partitionKey;

interface PartOutcome {
  readonly deleted: number;
  readonly changed: number;
}

interface DayOutcome {
  /** The run stopped for time before the day's end. */
  readonly stopped: boolean;
  /** Nothing of the day is left in the table for the archive (only meaningful when not stopped). */
  readonly drained: boolean;
}

class ArchivalRun {
  private readonly bucket: ArchiveBucket;
  private readonly tables: TransactionTables;
  private readonly budget: TimeBudget;
  private readonly now: () => Date;
  private readonly startedAt: Date;
  readonly cutoffIso: string;
  readonly cutoffDay: string;
  private readonly counts = {
    daysProcessed: 0,
    partsWritten: 0,
    partsRecovered: 0,
    archived: 0,
    keptChanged: 0,
  };

  constructor(
    private readonly deps: ArchivalDependencies,
    remaining: RemainingTime,
  ) {
    this.bucket = { client: deps.s3, name: deps.config.archiveBucket };
    this.tables = {
      client: deps.dynamoDb,
      transactionsTable: deps.config.transactionsTable,
      archivedTransactionsTable: deps.config.archivedTransactionsTable,
    };
    this.budget = new TimeBudget(remaining, deps.minimumTimeMarginMs);
    this.now = deps.now ?? (() => new Date());
    this.startedAt = this.now();
    const cutoff = new Date(this.startedAt.getTime() - deps.config.archiveAfterHours * 3_600_000);
    this.cutoffIso = cutoff.toISOString();
    this.cutoffDay = dayOf(cutoff);
  }

  async run(): Promise<ArchivalSummary> {
    const watermark = await readWatermark(this.bucket);
    const firstDay = watermark?.nextDay ?? addDays(this.cutoffDay, -this.deps.config.initialLookbackDays);
    let nextDay = firstDay;
    let complete = true;
    this.deps.log.info("Archival run started", { cutoff: this.cutoffIso, firstDay, lastDay: this.cutoffDay });
    for (let day = firstDay; day <= this.cutoffDay; day = addDays(day, 1)) {
      const outcome = await this.archiveDay(day);
      if (outcome.stopped) {
        complete = false;
        break;
      }
      this.counts.daysProcessed += 1;
      // The cutoff day can still receive eligible transactions; an earlier drained day cannot.
      if (nextDay === day && day < this.cutoffDay && outcome.drained) nextDay = addDays(day, 1);
    }
    if (nextDay !== firstDay) await writeWatermark(this.bucket, { nextDay }, this.now());
    // ArchivalRuns counts runs that ended without an error (stopped for time included): the
    // component's alarm fires when there has been none for two days.
    this.deps.metrics.count("ArchivalRuns", 1);
    this.deps.metrics.count("ArchivalIncomplete", complete ? 0 : 1);
    if (!complete) {
      this.deps.log.info("Archival run stopped before the timeout; the next run resumes", {
        remainingMs: this.budget.remainingMs(),
        marginMs: this.budget.marginMs,
        nextDay,
      });
    }
    return { cutoff: this.cutoffIso, ...this.counts, complete, nextDay };
  }

  private async archiveDay(day: string): Promise<DayOutcome> {
    this.deps.correlate?.({ partition: partitionName(day) });
    let manifest = (await readManifest(this.bucket, day)) ?? emptyManifest(day, this.now());
    let drained = true;
    for (const [index, part] of manifest.parts.entries()) {
      if (part.state !== "written") continue;
      if (!this.budget.allowsAnotherChunk()) return { stopped: true, drained: false };
      const outcome = await this.timedChunk(() => this.finishPart({ day, index, key: part.key }, part));
      manifest = withPartState(manifest, part.key, "complete", this.now());
      await writeManifest(this.bucket, manifest);
      this.counts.partsRecovered += 1;
      // A changed item is still in the index: the query below archives its new version.
      this.deps.log.info("Archive part finished after an interrupted run", {
        day,
        objectKey: part.key,
        records: part.records,
        archived: outcome.deleted,
        keptChanged: outcome.changed,
      });
    }
    // Parts run concurrently, each on its own page of keys; the manifest is written by one queue,
    // and lists part k only after part k - 1 (see DayManifest), so after a crash the unlisted
    // objects are the highest indices, which the next run overwrites in order.
    const dayManifest = new DayManifest(this.bucket, manifest, this.now);
    const limit = this.deps.partConcurrency ?? defaultPartConcurrency;
    const inFlight = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    let stopped = false;
    let startKey: IndexKey | undefined;
    for (;;) {
      while (inFlight.size >= limit) await Promise.race(inFlight);
      if (failure !== undefined) break;
      if (!this.budget.allowsAnotherChunk()) {
        stopped = true;
        break;
      }
      let keys;
      try {
        keys = await queryDecidedKeys(this.tables, day, this.cutoffIso, this.deps.config.chunkSize, startKey);
      } catch (error) {
        // The parts in flight finish (or fail) before the error goes up: nothing is still writing.
        failure ??= { error };
        break;
      }
      if (keys.transactionIds.length > 0) {
        const job: Promise<void> = this.timedChunk(() =>
          this.archiveChunk(day, dayManifest, keys.transactionIds),
        )
          .then(
            (chunkDrained) => {
              if (!chunkDrained) drained = false;
            },
            (error: unknown) => {
              failure ??= { error };
            },
          )
          .finally(() => inFlight.delete(job));
        inFlight.add(job);
      }
      if (keys.next === undefined) break;
      startKey = keys.next;
    }
    await Promise.all(inFlight);
    await dayManifest.settled();
    if (failure !== undefined) throw failure.error;
    return stopped ? { stopped: true, drained: false } : { stopped: false, drained };
  }

  private async timedChunk<T>(work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await work();
    this.budget.recordChunk(Date.now() - started);
    return result;
  }

  /**
   * Reads the chunk's items, archives those still eligible and removes them from the table.
   * Answers whether nothing of the chunk is left for this day.
   */
  private async archiveChunk(
    day: string,
    dayManifest: DayManifest,
    transactionIds: readonly string[],
  ): Promise<boolean> {
    const started = Date.now();
    const turn = dayManifest.takeTurn();
    const items: StoredItem[] = [];
    let ineligible = 0;
    try {
      const found = await readItems(this.tables, transactionIds);
      for (const id of transactionIds) {
        const item = found.get(id);
        // Gone since the index listed it (the index lags the table): nothing to archive.
        if (item === undefined) continue;
        // The index lags a change of the item's decision day: leave it for the day it now belongs to.
        if (
          item[decidedDayIndex.partitionKey]?.S === day &&
          (item[decidedDayIndex.sortKey]?.S ?? "") < this.cutoffIso
        ) {
          items.push(item);
        } else {
          ineligible += 1;
        }
      }
    } catch (error) {
      turn.cancel();
      throw error;
    }
    const index = await turn.index(items.length > 0);
    if (index === undefined) return ineligible === 0;

    const location: PartLocation = { day, index, key: partKey(day, index) };
    let listed = false;
    try {
      const body = await encodePart(items);
      const written = await writeVerifiedPart(this.bucket, location.key, body, items.length);
      await this.deps.hooks?.afterPartVerified?.(location);
      const part: ManifestPart = { key: location.key, records: items.length, ...written, state: "written" };
      await dayManifest.list(index, part);
      listed = true;
      await this.deps.hooks?.afterManifestWritten?.(location);

      const outcome = await this.removeArchived(location, items);
      await dayManifest.markComplete(location.key);

      this.counts.partsWritten += 1;
      this.deps.metrics.count("ArchiveParts", 1);
      this.deps.log.info("Archive part written", {
        day,
        objectKey: location.key,
        records: items.length,
        bytes: written.bytes,
        archived: outcome.deleted,
        keptChanged: outcome.changed,
        durationMs: Date.now() - started,
        remainingMs: this.budget.remainingMs(),
      });
      return ineligible === 0 && outcome.changed === 0;
    } catch (error) {
      // A part that never got listed must not let a later one be listed after it.
      if (!listed) dayManifest.abandon(index);
      throw error;
    }
  }

  /**
   * Step 3 again for a part a crashed run left "written": the object (checked against the
   * manifest) says what was archived; each item still exactly as archived is removed, an item
   * already gone was removed before the crash, and a changed one is kept.
   */
  private async finishPart(location: PartLocation, part: ManifestPart): Promise<PartOutcome> {
    const lines = await readVerifiedPart(this.bucket, part);
    const ids = lines.map((line, index) => {
      const id = lineTransactionId(line, partitionKey);
      if (id === undefined) {
        throw new ArchiveIntegrityError(part.key, `line ${index + 1} has no ${partitionKey}`);
      }
      return id;
    });
    const current = await readItems(this.tables, ids);
    const unchanged: StoredItem[] = [];
    let changed = 0;
    ids.forEach((id, index) => {
      const item = current.get(id);
      if (item === undefined) return;
      if (itemLine(item) === lines[index]) {
        unchanged.push(item);
      } else {
        changed += 1;
        this.keptChanged(id, location);
      }
    });
    if (changed > 0) {
      this.counts.keptChanged += changed;
      this.deps.metrics.count("ArchivedItemsKeptChanged", changed);
    }
    const outcome = await this.removeArchived(location, unchanged);
    return { deleted: outcome.deleted, changed: changed + outcome.changed };
  }

  private keptChanged(transactionId: string, location: PartLocation): void {
    this.deps.log.warn("Archived transaction changed since it was read; kept in the table", {
      transactionId: redactPanText(transactionId),
      objectKey: location.key,
    });
  }

  private archivedRecord(transactionId: string, location: PartLocation): ArchivedTransactionRecord {
    const retentionSeconds = this.deps.config.archivedRecordRetentionDays * 86_400;
    return {
      transactionId,
      day: location.day,
      partition: partitionName(location.day),
      objectKey: location.key,
      archivedAt: this.startedAt.toISOString(),
      expiresAt: Math.floor(this.startedAt.getTime() / 1000) + retentionSeconds,
    };
  }

  /** Per item: its archived record, then the delete that only succeeds if it is unchanged. */
  private async removeArchived(location: PartLocation, items: readonly StoredItem[]): Promise<PartOutcome> {
    const outcomes = await mapWithConcurrency(
      items,
      this.deps.itemConcurrency ?? defaultItemConcurrency,
      async (item): Promise<DeleteOutcome> => {
        const id = transactionIdOf(item);
        await putArchivedRecord(this.tables, this.archivedRecord(id, location));
        await this.deps.hooks?.beforeDelete?.(id, location);
        const outcome = await deleteIfUnchanged(this.tables, item);
        if (outcome === "changed") this.keptChanged(id, location);
        return outcome;
      },
    );
    const deleted = outcomes.filter((outcome) => outcome === "deleted").length;
    const changed = outcomes.filter((outcome) => outcome === "changed").length;
    this.counts.archived += deleted;
    this.counts.keptChanged += changed;
    this.deps.metrics.count("TransactionsArchived", deleted);
    this.deps.metrics.count("ArchivedItemsKeptChanged", changed);
    return { deleted, changed };
  }
}

/** Runs archival until everything eligible is archived or the remaining time runs short. */
export function runArchival(deps: ArchivalDependencies, remaining: RemainingTime): Promise<ArchivalSummary> {
  return new ArchivalRun(deps, remaining).run();
}
