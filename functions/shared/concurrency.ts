/**
 * Runs `work` over `items` with at most `limit` in flight (p-map); results keep the items' order.
 * After a failure no new item is started, and the first error is thrown only once the items already
 * in flight have settled, so nothing of a failed run is still writing when its caller sees the
 * error. (p-map's own stopOnError rejects while the items in flight still run, and without it
 * every item runs; hence this one rule on top.)
 */
import pMap, { pMapSkip } from "p-map";

export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be >= 1, got ${limit}`);
  let failure: { error: unknown } | undefined;
  const results = await pMap(
    items,
    async (item, index) => {
      if (failure !== undefined) return pMapSkip;
      try {
        return await work(item, index);
      } catch (error) {
        failure ??= { error };
        return pMapSkip;
      }
    },
    { concurrency: limit },
  );
  if (failure !== undefined) throw failure.error;
  return results;
}
