/**
 * One day's manifest while several parts of the day are archived at once. Every write goes
 * through one queue, so no update overwrites another, and part k is listed only after part k - 1:
 * the listed parts are always indices 0..n-1. After a crash the objects written but not listed are
 * the indices from n up, and the next run, which numbers its parts from n, overwrites them with
 * the same items (theirs were never deleted). A part that fails before it is listed makes every
 * later part fail before listing too, so no gap is ever listed.
 */
import type { ManifestPart, PartitionManifest } from "../shared/archiveLayout";
import { writeManifest, type ArchiveBucket } from "./archiveObjects";
import { withPart, withPartState } from "./manifest";

interface Listing {
  readonly done: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function listing(): Listing {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const done = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  // Observed here too, so an abandoned part nobody waits for is not an unhandled rejection.
  done.catch(() => undefined);
  return { done, resolve, reject };
}

/** A chunk's place in the order parts are numbered: the order its keys were queried in. */
export interface NumberingTurn {
  /** Waits for the earlier chunks, then gives the next index, or none for a chunk with nothing to write. */
  index(hasItems: boolean): Promise<number | undefined>;
  /** The chunk failed before numbering: later chunks go on without it. */
  cancel(): void;
}

export class DayManifest {
  private current: PartitionManifest;
  private queue: Promise<void> = Promise.resolve();
  private nextIndex: number;
  private readonly listings = new Map<number, Listing>();
  private turns: Promise<void> = Promise.resolve();

  constructor(
    private readonly bucket: ArchiveBucket,
    manifest: PartitionManifest,
    private readonly now: () => Date,
  ) {
    this.current = manifest;
    this.nextIndex = manifest.parts.length;
  }

  get manifest(): PartitionManifest {
    return this.current;
  }

  /**
   * Taken when a chunk starts, in query order, so parts are numbered in key order whichever
   * chunk reads its items first, and an empty chunk leaves no gap.
   */
  takeTurn(): NumberingTurn {
    const previous = this.turns;
    let release!: () => void;
    this.turns = new Promise<void>((resolve) => (release = resolve));
    let taken = false;
    return {
      index: async (hasItems) => {
        taken = true;
        await previous;
        try {
          return hasItems ? this.allocateIndex() : undefined;
        } finally {
          release();
        }
      },
      cancel: () => {
        if (!taken) void previous.then(release);
      },
    };
  }

  private allocateIndex(): number {
    const index = this.nextIndex;
    this.nextIndex += 1;
    this.listings.set(index, listing());
    return index;
  }

  /** Lists the part as "written" once every lower index is listed. */
  async list(index: number, part: ManifestPart): Promise<void> {
    const own = this.ownListing(index);
    try {
      await this.listings.get(index - 1)?.done;
      await this.enqueue(() => withPart(this.current, part, this.now()));
      own.resolve();
    } catch (error) {
      own.reject(new Error(`part ${index} not listed: an earlier part failed`, { cause: error }));
      throw error;
    }
  }

  /** The part failed before it was listed: no later part may be listed. */
  abandon(index: number): void {
    this.ownListing(index).reject(new Error(`part ${index} failed before it was listed`));
  }

  markComplete(key: string): Promise<void> {
    return this.enqueue(() => withPartState(this.current, key, "complete", this.now()));
  }

  /** Waits for every queued write (a failed one included). */
  async settled(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  private ownListing(index: number): Listing {
    const own = this.listings.get(index);
    if (own === undefined) throw new RangeError(`part index ${index} was not allocated`);
    return own;
  }

  private enqueue(update: () => PartitionManifest): Promise<void> {
    const write = this.queue.then(async () => {
      const next = update();
      await writeManifest(this.bucket, next);
      this.current = next;
    });
    // A failed write fails its caller; the queue itself carries on for the others.
    this.queue = write.catch(() => undefined);
    return write;
  }
}
