/**
 * The reconciler's runs (in AWS, its schedule's): on demand with a pinned clock (tests), on a
 * timer one run at a time (`npm start`), and tracked until they end.
 */
import type { ReconcilerRunSummary } from "./functionContainers";
import { TrackedWork } from "./trackedWork";

export type ReconcileAt = (now: Date, acceptedBefore?: Date) => Promise<ReconcilerRunSummary>;

export class ReconcilerRuns {
  private readonly inFlight = new TrackedWork<ReconcilerRunSummary>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly reconcileAt: ReconcileAt) {}

  /** One run at `now`. `acceptedBefore` makes everything accepted before it due at once, as after a restart. */
  run(now = new Date(), acceptedBefore?: Date): Promise<ReconcilerRunSummary> {
    const run = this.reconcileAt(now, acceptedBefore);
    this.inFlight.track(run);
    return run;
  }

  /** A run every `intervalMs`, skipped while one is running; a failed run is retried by the next tick. */
  every(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (!this.inFlight.busy()) void this.run().catch(() => undefined);
    }, intervalMs);
    this.timer.unref();
  }

  running(): Promise<unknown>[] {
    return this.inFlight.running();
  }

  stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
