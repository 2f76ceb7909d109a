/**
 * Whether there is time for another chunk before the Lambda timeout. A chunk is started only when
 * more than the margin remains: the larger of a fixed minimum and twice the slowest chunk so far,
 * so a slow store (throttling, big items) widens the margin by itself.
 */

/** The part of the Lambda context the job needs. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/** Time kept in hand by default: a chunk of 1,000 items takes a few seconds, the final writes less. */
export const defaultMinimumTimeMarginMs = 30_000;

export class TimeBudget {
  private slowestChunkMs = 0;

  constructor(
    private readonly remaining: RemainingTime,
    private readonly minimumMarginMs: number = defaultMinimumTimeMarginMs,
  ) {}

  get marginMs(): number {
    return Math.max(this.minimumMarginMs, 2 * this.slowestChunkMs);
  }

  remainingMs(): number {
    return this.remaining.getRemainingTimeInMillis();
  }

  allowsAnotherChunk(): boolean {
    return this.remainingMs() > this.marginMs;
  }

  recordChunk(durationMs: number): void {
    this.slowestChunkMs = Math.max(this.slowestChunkMs, durationMs);
  }
}
