/** Order statistics of measured samples: nearest-rank percentiles, so a reported p99 is a real sample. */

/** The nearest-rank `percentile` (0-100) of `sorted` (ascending). */
export function percentileOfSorted(sorted: ArrayLike<number>, percentile: number): number {
  if (sorted.length === 0) throw new RangeError("percentile of no samples");
  if (!(percentile >= 0 && percentile <= 100)) throw new RangeError(`percentile ${percentile} is not 0-100`);
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[rank - 1];
}

export interface Summary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    mean: total / sorted.length,
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[sorted.length - 1],
  };
}

export function median(samples: readonly number[]): number {
  return percentileOfSorted(Float64Array.from(samples).sort(), 50);
}
